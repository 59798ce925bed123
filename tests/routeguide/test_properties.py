"""Property tests over the whole space of valid situations (strategies built from the vocabulary).

For every valid situation: no crash, deterministic, traceable, and the contract's invariants hold;
also with the guards switched off, so the rules themselves (not only the safety net) are correct.
For invalid input: SituationError with errors per field, never another exception.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wegwijzer.routeguide.engine import (
    SituationError,
    evaluate,
    invariant_violations,
    load_ruleset,
    load_vocabulary,
    validate_situation,
)
from wegwijzer.routeguide.engine.situation import FIELDS, WEEKS_BY_PHASE

from .conftest import CONTENT, RULES_DIR, SCHEMA

VOCAB = load_vocabulary(CONTENT / "vocabulary.yaml")
RULESET = load_ruleset(RULES_DIR, VOCAB, SCHEMA)
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def situations(draw) -> dict[str, Any]:
    phase = draw(st.sampled_from(list(VOCAB.phases)))
    weeks_range = WEEKS_BY_PHASE[phase]
    data: dict[str, Any] = {
        "phase": phase,
        "reporter": draw(st.sampled_from(list(VOCAB.reporters))),
        "concerns": draw(st.lists(st.sampled_from(list(VOCAB.concerns)), max_size=6, unique=True)),
    }
    if weeks_range is not None and draw(st.booleans()):
        data["weeks_since_birth"] = draw(st.none() | st.integers(weeks_range[0], weeks_range[1]))
    elif draw(st.booleans()):
        data["weeks_since_birth"] = None
    if draw(st.booleans()):
        data["wijk"] = draw(st.none() | st.sampled_from(list(VOCAB.wijken)))
    if draw(st.booleans()):
        data["buurtteam_involved"] = draw(st.none() | st.booleans())
    for flag in ("urgent", "child_protection_order", "ambulant_sufficient", "related_to_baby_care"):
        if draw(st.booleans()):
            data[flag] = draw(st.booleans())
    # revision 2: absent, or drawn; `involved` never contradicts buurtteam_involved (that is an error)
    if draw(st.booleans()):
        roles = [r for r in VOCAB.roles if not (r == "buurtteam-jeugd-gezin" and data.get("buurtteam_involved") is False)]
        data["involved"] = draw(st.lists(st.sampled_from(roles), max_size=4, unique=True))
    if draw(st.booleans()):
        data["parent_minor"] = draw(st.booleans())
    if draw(st.booleans()):
        data["help_question"] = draw(st.none() | st.booleans())
    return data


def check_invariants(situation, advice) -> None:
    data = advice.to_dict()
    involve, interventions = data["involve"], data["interventions"]
    laws, warnings = data["laws"], data["warnings"]
    # traceable
    explained = {c for r in data["reasons"] for c in r["explains"]}
    for kind in ("involve", "interventions", "laws", "warnings"):
        assert set(data[kind]) <= explained, kind
        assert len(set(data[kind])) == len(data[kind]), kind
        assert set(data[kind]) <= set(getattr(VOCAB, {"involve": "roles"}.get(kind, kind)))
    fired = {r["rule"] for r in data["reasons"]}
    for step in data["steps"]:
        assert step["because"] and set(step["because"]) <= fired
    for reason in data["reasons"]:
        assert reason["source"] and reason["text"]
    # revision 2: the reporter never contacts itself; involve[0] is someone else
    own = situation.acting_role
    assert own not in involve
    assert not involve or involve[0] != own
    # revision 2: an already-involved role is no new contact; kept only where a rule asks it to join, and
    # a held-back one gets a step and a reason saying it is already involved
    joined = {c for r in data["reasons"] for c in r.get("joins", ())}
    for role in involve:
        assert role not in situation.involved or role in joined, role
    for role in set(situation.involved) - set(involve) - {own}:
        label = VOCAB.label("roles", role)
        if any(label in r["text"] for r in data["reasons"] if r["rule"] == "E-al-betrokken"):
            assert any(label in s["text"] for s in data["steps"])
    # everyone in the route: the contacts, the reporter's own role and who is already involved
    route = set(involve) | set(situation.involved) | ({own} if own else set())
    # babythuiszorg only with the buurtteam and (specialist youth care or the Wmo)
    if "babythuiszorg" in interventions:
        assert "buurtteam-jeugd-gezin" in route
        assert "aanvullende-jeugdhulp" in route or "wmo" in route
        assert "aanvullende-jeugdhulp" in route or "wmo" in laws
    # specialist youth care involved by someone else -> no-specialist-promise
    if "aanvullende-jeugdhulp" in involve and situation.reporter != "aanvullende-jeugdhulp":
        assert "no-specialist-promise" in warnings
    # pregnancy, any concern, no urgency -> JGZ and the prenatal home visit
    if situation.phase == "zwangerschap" and situation.concerns and not situation.urgent:
        assert "jgz" in route and "prenataal-huisbezoek" in interventions
    # extra maternity care only within six weeks after the birth
    if "verlengde-kraamzorg" in interventions:
        assert situation.weeks_since_birth is not None and situation.weeks_since_birth <= 6
    assert invariant_violations(situation, advice) == []


@SETTINGS
@given(situations())
def test_valid_situations_give_a_sound_advice(data):
    situation = validate_situation(data, VOCAB)
    advice = evaluate(situation, RULESET)
    check_invariants(situation, advice)
    assert evaluate(validate_situation(dict(data), VOCAB), RULESET) == advice  # deterministic
    assert advice.content_version == RULESET.content_version


@SETTINGS
@given(situations())
def test_rules_alone_hold_the_invariants(data):
    """No guard needed: the rule content itself satisfies the contract."""
    situation = validate_situation(data, VOCAB)
    raw = evaluate(situation, RULESET, guards=False)
    check_invariants(situation, raw)
    assert evaluate(situation, RULESET).guards == ()


@SETTINGS
@given(situations())
def test_revision_one_situations_mean_what_they_meant(data):
    """A situation without the revision-2 fields gives the same advice as with their defaults."""
    old = {k: v for k, v in data.items() if k not in ("involved", "parent_minor", "help_question")}
    defaults = {**old, "parent_minor": False, "help_question": None}
    if old.get("buurtteam_involved") is True:
        defaults["involved"] = ["buurtteam-jeugd-gezin"]
    assert evaluate(validate_situation(old, VOCAB), RULESET) == evaluate(validate_situation(defaults, VOCAB), RULESET)


@SETTINGS
@given(situations())
def test_reporter_acts_as_its_role(data):
    """A revision-2 reporter (gynaecoloog, jeugdarts, ...) gets the advice of the role it acts as."""
    for code, role in VOCAB.reporter_roles.items():
        if role is None:
            continue
        own = evaluate(validate_situation({**data, "reporter": code}, VOCAB), RULESET)
        as_role = evaluate(validate_situation({**data, "reporter": role}, VOCAB), RULESET)
        assert own.involve == as_role.involve and own.laws == as_role.laws, code
        assert role not in own.involve


@SETTINGS
@given(situations())
def test_week_six_does_not_depend_on_the_phase_label(data):
    """Week 6 is both the last week of the kraamperiode and the first of jonge-kind: the same extra care."""
    base = {**data, "weeks_since_birth": 6}
    a = evaluate(validate_situation({**base, "phase": "kraamperiode"}, VOCAB), RULESET)
    b = evaluate(validate_situation({**base, "phase": "jonge-kind"}, VOCAB), RULESET)
    assert ("verlengde-kraamzorg" in a.interventions) == ("verlengde-kraamzorg" in b.interventions)


@SETTINGS
@given(situations(), st.permutations(list(range(6))))
def test_concern_order_does_not_matter(data, perm):
    concerns = data["concerns"]
    shuffled = [concerns[i] for i in perm if i < len(concerns)]
    a = evaluate(validate_situation(data, VOCAB), RULESET)
    b = evaluate(validate_situation({**data, "concerns": shuffled}, VOCAB), RULESET)
    assert a == b


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


@SETTINGS
@given(JSONISH)
def test_arbitrary_input_only_raises_situation_error(data):
    try:
        situation = validate_situation(data, VOCAB)
    except SituationError as exc:
        assert exc.errors and all(isinstance(m, str) for msgs in exc.errors.values() for m in msgs)
    else:  # pragma: no cover - random data almost never is a valid situation
        evaluate(situation, RULESET)


@SETTINGS
@given(situations(), st.sampled_from(FIELDS), JSONISH)
def test_corrupting_one_field_is_reported_on_that_field(data, field, value):
    corrupted = {**data, field: value}
    try:
        situation = validate_situation(corrupted, VOCAB)
    except SituationError as exc:
        assert (
            field in exc.errors
            or (field == "phase" and "weeks_since_birth" in exc.errors)
            # buurtteam_involved: false contradicting the buurtteam in `involved` is reported on `involved`
            or (field == "buurtteam_involved" and "involved" in exc.errors)
        )
    else:
        check_invariants(situation, evaluate(situation, RULESET))


@SETTINGS
@given(situations(), st.text(min_size=1, max_size=15).filter(lambda k: k not in FIELDS), JSONISH)
def test_unknown_fields_are_errors(data, key, value):
    try:
        validate_situation({**data, key: value}, VOCAB)
    except SituationError as exc:
        assert key in exc.errors
    else:  # pragma: no cover
        raise AssertionError("unknown field accepted")
