"""Engine semantics on small, hand-made rule sets: ordering, merging, exclusion, guards, traceability."""

from __future__ import annotations

import json

import pytest
import yaml

from wegwijzer.routeguide.engine import build_ruleset, evaluate, invariant_violations, validate_situation

from .conftest import P01, SCHEMA

SCHEMA_DATA = json.loads(SCHEMA.read_text(encoding="utf-8"))


def rules(vocab, *rule_dicts):
    text = yaml.safe_dump({"theme": "test", "rules": list(rule_dicts)}, allow_unicode=True)
    return build_ruleset([("test.yaml", text)], vocab, SCHEMA_DATA)


def rule(rid, priority=50, when=None, **then):
    return {
        "id": rid,
        "source": "Wegwijzer §0, test",
        "description": "test",
        "priority": priority,
        "when": when or {},
        "then": then,
        "reason": f"Omdat regel {rid} hier geldt.",
    }


BASE = {**P01, "phase": "jonge-kind"}  # not pregnancy: the pregnancy guard stays out of the synthetic tests


def sit(vocab, **over):
    return validate_situation({**BASE, **over}, vocab)


def test_involve_sorted_by_order_not_by_rule_order(vocab):
    rs = rules(
        vocab,
        rule("R-a", 1, involve=[{"role": "nizu", "order": 70}]),
        rule("R-b", 2, involve=[{"role": "jgz", "order": 10}]),
        rule("R-c", 3, involve=[{"role": "veilig-thuis", "order": 2}]),
    )
    assert evaluate(sit(vocab), rs).involve == ("veilig-thuis", "jgz", "nizu")


def test_same_code_keeps_lowest_order_and_both_rules_explain_it(vocab):
    rs = rules(
        vocab,
        rule("R-a", 1, involve=[{"role": "jgz", "order": 50}, {"role": "huisarts", "order": 20}]),
        rule("R-b", 2, involve=[{"role": "jgz", "order": 10}]),
    )
    advice = evaluate(sit(vocab), rs)
    assert advice.involve == ("jgz", "huisarts")
    assert [r.explains for r in advice.reasons] == [("jgz", "huisarts"), ("jgz",)]


def test_ties_break_by_vocabulary_position(vocab):
    rs = rules(vocab, rule("R-a", interventions=[{"code": "home-start", "rank": 5}, {"code": "voorzorg", "rank": 5}]))
    assert evaluate(sit(vocab), rs).interventions == ("voorzorg", "home-start")


def test_excludes_remove_and_block_later_rules(vocab):
    rs = rules(
        vocab,
        rule("R-add-early", 1, laws=["jeugdwet", "zvw"]),
        rule("R-block", 5, excludes={"laws": ["jeugdwet"]}, warnings=["medical-first"]),
        rule("R-add-late", 9, laws=["jeugdwet"]),
    )
    advice = evaluate(sit(vocab), rs)
    assert advice.laws == ("zvw",)
    block = next(r for r in advice.reasons if r.rule == "R-block")
    assert block.excludes == ("jeugdwet",)
    assert all("jeugdwet" not in r.explains for r in advice.reasons)


def test_conditions_see_the_advice_so_far(vocab):
    rs = rules(
        vocab,
        rule("R-first", 1, involve=[{"role": "aanvullende-jeugdhulp", "order": 30}]),
        rule("R-then", 2, when={"involves_any": ["aanvullende-jeugdhulp"]}, warnings=["office-hours"]),
        rule("R-never", 0, when={"involves_any": ["aanvullende-jeugdhulp"]}, warnings=["precedence"]),
    )
    advice = evaluate(sit(vocab), rs)
    assert "office-hours" in advice.warnings
    assert "precedence" not in advice.warnings  # ran before anything was involved


def test_steps_ordered_deduplicated_and_reporter_substituted(vocab):
    text = "Vraag welke hulp de ouders al krijgen."
    rs = rules(
        vocab,
        rule("R-a", 1, steps=[{"actor": "jgz", "order": 30, "text": "De JGZ gaat op huisbezoek."}]),
        rule("R-b", 2, steps=[{"actor": "$reporter", "order": 10, "text": text}]),
        rule("R-c", 3, steps=[{"actor": "$reporter", "order": 12, "text": text}]),
    )
    steps = evaluate(sit(vocab), rs).steps
    assert [(s.actor, s.because) for s in steps] == [("verloskundige", ("R-b", "R-c")), ("jgz", ("R-a",))]


def test_rule_that_does_not_match_gives_no_reason(vocab):
    rs = rules(vocab, rule("R-a", when={"phase": ["kinderwens"]}, warnings=["precedence"]))
    advice = evaluate(sit(vocab), rs)
    assert advice.reasons == () and advice.warnings == ()


def test_guards_enforce_invariants_when_rules_do_not(vocab):
    rs = rules(
        vocab,
        rule("R-bad-1", involve=[{"role": "aanvullende-jeugdhulp", "order": 1}]),
        rule("R-bad-2", interventions=[{"code": "babythuiszorg", "rank": 1}, {"code": "verlengde-kraamzorg", "rank": 2}]),
    )
    s = sit(vocab, phase="zwangerschap")  # pregnancy with concerns, no urgency
    raw = evaluate(s, rs, guards=False)
    assert len(invariant_violations(s, raw)) == 5
    guarded = evaluate(s, rs)
    assert invariant_violations(s, guarded) == []
    assert set(guarded.guards) == {"G-babythuiszorg", "G-no-specialist-promise", "G-prenataal", "G-verlengde-kraamzorg"}
    assert "jgz" in guarded.involve and "prenataal-huisbezoek" in guarded.interventions
    assert "babythuiszorg" not in guarded.interventions and "verlengde-kraamzorg" not in guarded.interventions
    assert "no-specialist-promise" in guarded.warnings


def test_guard_does_not_demand_promise_warning_from_specialist_reporter(vocab):
    rs = rules(vocab, rule("R-a", involve=[{"role": "aanvullende-jeugdhulp", "order": 1}]))
    s = sit(vocab, phase="jonge-kind", reporter="aanvullende-jeugdhulp")
    assert "no-specialist-promise" not in evaluate(s, rs).warnings


def test_advice_dict_shape(vocab, ruleset):
    data = evaluate(validate_situation(P01, vocab), ruleset).to_dict()
    assert list(data) == ["involve", "interventions", "laws", "warnings", "steps", "reasons", "content_version",
                          "contradictions", "not_in_source", "warnings_prominent"]  # extras after the contract's
    for reason in data["reasons"]:
        assert set(reason) >= {"rule", "source", "text", "explains"}
    for step in data["steps"]:
        assert set(step) == {"actor", "text", "because"} and step["because"]


@pytest.mark.parametrize("repeat", range(3))
def test_deterministic(vocab, ruleset, repeat):
    s = sit(vocab)
    assert evaluate(s, ruleset) == evaluate(s, ruleset)
    assert json.dumps(evaluate(s, ruleset).to_dict()) == json.dumps(evaluate(sit(vocab), ruleset).to_dict())


def test_done_when_young_pregnant_woman_in_overvecht(vocab, ruleset):
    advice = evaluate(validate_situation(P01, vocab), ruleset)
    assert advice.involve[0] == "jgz"
    assert advice.interventions[0] == "prenataal-huisbezoek"
    assert {"mamaatje-al-amal", "home-start", "sociale-basis"} <= set(advice.interventions)
    assert advice.laws == ("wpg",)
    assert {"ask-existing-help", "consent-required", "record-in-family-plan"} <= set(advice.warnings)
    assert "jeugdwet" not in advice.laws and "aanvullende-jeugdhulp" not in advice.involve
    explained = {c for r in advice.reasons for c in r.explains}
    assert explained == set(advice.involve + advice.interventions + advice.laws + advice.warnings)
    assert all(r.source.startswith(("Wegwijzer", "Proeftuin")) for r in advice.reasons)
    assert advice.steps[0].actor == "verloskundige"
