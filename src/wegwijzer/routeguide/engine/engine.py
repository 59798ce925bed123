"""Evaluate a situation against a rule set: deterministic, traceable, fast. Pure Python: no Django import.

Semantics (docs/rules.md):
1. Rules run in (priority, id) order. A rule fires when its `when` holds for the situation and for the
   advice built so far (conditions such as `involves_any` look at what earlier rules added).
2. A firing rule adds its codes (involve with an `order`, interventions with a `rank`, laws and
   warnings with an optional rank). A code added twice keeps its lowest order/rank.
3. `excludes` removes codes and blocks them for every later rule (e.g. medical-first blocks the Jeugdwet).
4. Guards enforce the contract's invariants after the rules; each action is a reason of its own (G-…).
5. Lists are sorted by (order/rank, vocabulary position); steps by (order, rule priority, rule id).
6. Post-condition: every returned code is named in some reason's `explains`.
7. (Contract revision 2) `involve` never holds the role the reporter acts as, nor a role already in
   `situation.involved` unless a rule asks it to join *because* it is involved (`Rule.joins`). Such a role
   still counts for conditions on the advice (`involves_any` sees the whole route, the reporter included),
   its steps stay (the reporter's own become "U …" steps), and an already-involved role gets a step and a
   reason (E-al-betrokken) saying so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .rules import ADVICE_KINDS, REPORTER_ACTOR, VOCAB_KIND, Notice, Rule, RuleSet
from .situation import Situation

GUARD_SOURCE = "Contract routewijzer, invarianten (Wegwijzer §2, §3, Bijlage 2)"
ALREADY_INVOLVED = "E-al-betrokken"
ALREADY_INVOLVED_SOURCE = "Wegwijzer §3, Na de zwangerschap"
# At most this many warnings are prominent (issue 11, point 9); the rest follow, ordered by weight (rank).
PROMINENT_WARNINGS = 3


class EngineError(RuntimeError):
    """An internal post-condition failed: a bug, never bad input."""


@dataclass(frozen=True, slots=True)
class Step:
    actor: str
    text: str
    because: tuple[str, ...]
    order: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "text": self.text, "because": list(self.because)}


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str
    source: str
    text: str
    explains: tuple[str, ...]
    excludes: tuple[str, ...] = ()
    joins: tuple[str, ...] = ()  # roles in `explains` that are already involved and asked to join
    # the listed sections `source` names (content/sources.yaml): document, section, title, url
    sources: tuple[dict[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "source": self.source,
            "text": self.text,
            "explains": list(self.explains),
        }
        if self.excludes:
            out["excludes"] = list(self.excludes)
        if self.joins:
            out["joins"] = list(self.joins)
        if self.sources:
            out["sources"] = [dict(s) for s in self.sources]
        return out


@dataclass(frozen=True, slots=True)
class Advice:
    involve: tuple[str, ...]
    interventions: tuple[str, ...]
    laws: tuple[str, ...]
    warnings: tuple[str, ...]
    steps: tuple[Step, ...]
    reasons: tuple[Reason, ...]
    content_version: str
    guards: tuple[str, ...] = field(default=())  # ids of guards that had to act (content gap signal)
    # Lines about the situation itself (content/routeguide/notices.yaml), in file order: contradictions in what
    # was entered, and what the sources do not say. Extra output, allowed by the contract.
    contradictions: tuple[Notice, ...] = field(default=())
    silences: tuple[Notice, ...] = field(default=())

    def codes(self, kind: str) -> tuple[str, ...]:
        return getattr(self, kind)

    def to_dict(self) -> dict[str, Any]:
        return {
            "involve": list(self.involve),
            "interventions": list(self.interventions),
            "laws": list(self.laws),
            "warnings": list(self.warnings),
            "steps": [s.to_dict() for s in self.steps],
            "reasons": [r.to_dict() for r in self.reasons],
            "content_version": self.content_version,
            "contradictions": [n.to_dict() for n in self.contradictions],
            "not_in_source": [n.to_dict() for n in self.silences],
            # the warnings are ordered by weight (rank); the first few are the prominent ones
            "warnings_prominent": list(self.warnings[:PROMINENT_WARNINGS]),
        }


class _State:
    """The advice under construction."""

    __slots__ = ("codes", "blocked", "explains", "excluded", "steps", "fired", "route", "view", "own",
                 "involved", "held_back")

    def __init__(self, own: str | None = None, involved: frozenset[str] = frozenset()) -> None:
        self.codes: dict[str, dict[str, int]] = {kind: {} for kind in ADVICE_KINDS}
        # Every role the rules put in the route, the reporter's own and already-involved ones included:
        # what conditions on `involve` look at.
        self.route: dict[str, int] = {own: 0} if own else {}  # the reporter's own role is in the route
        self.view: dict[str, dict[str, int]] = {**self.codes, "involve": self.route}
        self.own = own
        self.involved = involved
        self.held_back: dict[str, list[str]] = {}  # already-involved role -> rules that wanted it as a contact
        self.blocked: dict[str, set[str]] = {kind: set() for kind in ADVICE_KINDS}
        self.explains: dict[str, list[str]] = {}
        self.excluded: dict[str, list[str]] = {}
        self.steps: dict[tuple[str, str], tuple[int, int, list[str]]] = {}
        self.fired: list[tuple[str, str, str]] = []  # (id, source, text)

    def add(self, rule_id: str, kind: str, code: str, rank: int, joins: frozenset[str] = frozenset()) -> None:
        if code in self.blocked[kind]:
            return
        if kind == "involve":
            low = self.route.get(code)
            if low is None or rank < low:
                self.route[code] = rank
            if code == self.own:
                return  # the reporter does not contact itself: its part is in the steps
            if code in self.involved and code not in joins:
                self.held_back.setdefault(code, [])
                if rule_id not in self.held_back[code]:
                    self.held_back[code].append(rule_id)
                return
        current = self.codes[kind].get(code)
        if current is None or rank < current:
            self.codes[kind][code] = rank
        bucket = self.explains.setdefault(rule_id, [])
        if code not in bucket:
            bucket.append(code)

    def exclude(self, rule_id: str, kind: str, code: str) -> None:
        self.blocked[kind].add(code)
        self.codes[kind].pop(code, None)
        if kind == "involve":
            self.route.pop(code, None)
            self.held_back.pop(code, None)
        bucket = self.excluded.setdefault(rule_id, [])
        if code not in bucket:
            bucket.append(code)

    def step(self, rule_id: str, seq: int, actor: str, order: int, text: str) -> None:
        key = (actor, text)
        found = self.steps.get(key)
        if found is None:
            self.steps[key] = (order, seq, [rule_id])
        else:
            low, first_seq, because = found
            if rule_id not in because:
                because.append(rule_id)
            self.steps[key] = (min(low, order), first_seq, because)


def _fire(rule: Rule, seq: int, situation: Situation, state: _State) -> None:
    state.fired.append((rule.id, rule.source, rule.reason))
    state.explains.setdefault(rule.id, [])
    for kind, code in rule.excludes:
        state.exclude(rule.id, kind, code)
    for kind, code, rank in rule.adds:
        state.add(rule.id, kind, code, rank, rule.joins)
    for spec in rule.steps:
        actor = reporter_actor(situation) if spec.actor == REPORTER_ACTOR else spec.actor
        state.step(rule.id, seq, actor, spec.order, spec.text)


def reporter_actor(situation: Situation) -> str:
    """The actor of the reporter's own steps: the role it acts as, else its reporter code (e.g. anders)."""
    return situation.acting_role or situation.reporter


def route_roles(situation: Situation, involve: Any) -> set[str]:
    """Everyone in the route: the contacts, the reporter's own role and who is already involved."""
    roles = set(involve) | set(situation.involved)
    if situation.acting_role:
        roles.add(situation.acting_role)
    return roles


# ------------------------------------------------------------------ guards (contract invariants)

GUARDS: dict[str, tuple[str, str]] = {
    "G-babythuiszorg": (
        "Bijlage 2, Babythuiszorg",
        "Babythuiszorg is weggelaten: het kan alleen samen met het buurtteam en KOOS Utrecht of Spoor030, of met de Wmo.",
    ),
    "G-no-specialist-promise": (
        "§3, Na de zwangerschap",
        "Omdat aanvullende jeugdhulp in beeld is: beloof ouders niets over specialistische jeugdhulp zonder akkoord van KOOS Utrecht of Spoor030.",
    ),
    "G-prenataal": (
        "§3, Tijdens de zwangerschap",
        "Bij zorgen in de zwangerschap is een prenataal huisbezoek door de JGZ de eerste stap.",
    ),
    "G-verlengde-kraamzorg": (
        "§2, Uitgangspunten",
        "Extra uren kraamzorg zijn weggelaten: die kunnen alleen tot 6 weken na de bevalling.",
    ),
}


def babythuiszorg_allowed(involve: Any, laws: Any) -> bool:
    return "buurtteam-jeugd-gezin" in involve and ("aanvullende-jeugdhulp" in involve or "wmo" in involve)


def verlengde_kraamzorg_allowed(situation: Situation) -> bool:
    """Up to six weeks after the birth, whichever phase label carries week 6 (W §2)."""
    weeks = situation.weeks_since_birth
    return situation.phase in ("kraamperiode", "jonge-kind") and weeks is not None and weeks <= 6


def invariant_violations(situation: Situation, advice: Advice | dict[str, Any]) -> list[str]:
    """The contract's global invariants (route-guide.md) that `advice` breaks; [] when it holds them all."""
    data = advice.to_dict() if isinstance(advice, Advice) else advice
    involve, interventions = data["involve"], data["interventions"]
    laws, warnings = data["laws"], data["warnings"]
    problems: list[str] = []
    explained = {code for reason in data["reasons"] for code in reason["explains"]}
    for kind in ADVICE_KINDS:
        for code in data[kind]:
            if code not in explained:
                problems.append(f"niet navolgbaar: {kind} '{code}' staat in geen enkele reden")
        if len(set(data[kind])) != len(data[kind]):
            problems.append(f"{kind} bevat dubbele codes")
    route = route_roles(situation, involve)
    own = situation.acting_role
    if own is not None and own in involve:
        problems.append(f"involve bevat de eigen rol van de melder ({own})")
    for role in involve:
        if role in situation.involved and not any(
            role in reason["explains"] and reason.get("joins") for reason in data["reasons"]
        ):
            problems.append(f"involve bevat '{role}' als nieuw contact, terwijl die al betrokken is")
    if "babythuiszorg" in interventions and not babythuiszorg_allowed(route, laws):
        problems.append("babythuiszorg zonder buurtteam-jeugd-gezin en (aanvullende-jeugdhulp of wmo)")
    if (
        "aanvullende-jeugdhulp" in involve
        and situation.reporter != "aanvullende-jeugdhulp"
        and "no-specialist-promise" not in warnings
    ):
        problems.append("aanvullende-jeugdhulp zonder de waarschuwing no-specialist-promise")
    if situation.phase == "zwangerschap" and situation.concerns and not situation.urgent:
        if "jgz" not in route:
            problems.append("zwangerschap met zorgen zonder spoed: jgz ontbreekt in involve")
        if "prenataal-huisbezoek" not in interventions:
            problems.append("zwangerschap met zorgen zonder spoed: prenataal-huisbezoek ontbreekt")
    if "verlengde-kraamzorg" in interventions and not verlengde_kraamzorg_allowed(situation):
        problems.append("verlengde-kraamzorg buiten de eerste 6 weken na de bevalling")
    for step in data["steps"]:
        if not step["because"]:
            problems.append(f"stap zonder regel: {step['text']}")
    return problems


def _apply_guards(situation: Situation, state: _State) -> list[str]:
    acted: list[str] = []
    codes = state.codes

    def guard(gid: str) -> None:
        acted.append(gid)
        section, text = GUARDS[gid]
        state.fired.append((gid, f"Wegwijzer {section}", text))
        state.explains.setdefault(gid, [])

    if "verlengde-kraamzorg" in codes["interventions"] and not verlengde_kraamzorg_allowed(situation):
        guard("G-verlengde-kraamzorg")
        state.exclude("G-verlengde-kraamzorg", "interventions", "verlengde-kraamzorg")
    pregnancy_route = situation.phase == "zwangerschap" and situation.concerns and not situation.urgent
    if pregnancy_route and (
        "jgz" not in route_roles(situation, codes["involve"]) or "prenataal-huisbezoek" not in codes["interventions"]
    ):
        guard("G-prenataal")
        for kind, code in (("involve", "jgz"), ("interventions", "prenataal-huisbezoek"), ("laws", "wpg")):
            state.blocked[kind].discard(code)
            state.add("G-prenataal", kind, code, 10)
    if "babythuiszorg" in codes["interventions"] and not babythuiszorg_allowed(
        route_roles(situation, codes["involve"]), codes["laws"]
    ):
        guard("G-babythuiszorg")
        state.exclude("G-babythuiszorg", "interventions", "babythuiszorg")
    if (
        "aanvullende-jeugdhulp" in codes["involve"]
        and situation.reporter != "aanvullende-jeugdhulp"
        and "no-specialist-promise" not in codes["warnings"]
    ):
        guard("G-no-specialist-promise")
        state.blocked["warnings"].discard("no-specialist-promise")
        state.add("G-no-specialist-promise", "warnings", "no-specialist-promise", 5)
    return acted


def _already_involved(situation: Situation, state: _State, vocab: Any, seq: int) -> None:
    """A role the route wanted but that is already involved: a step to coordinate with it, and why."""
    held = [role for role in state.held_back if role not in state.codes["involve"]]
    if not held:
        return
    labels = [vocab.label("roles", role) for role in sorted(held, key=lambda r: vocab.index("roles").get(r, 0))]
    text = (
        "Al betrokken bij het gezin: " + "; ".join(labels) + ". De route vraagt hen niet opnieuw aan, maar u "
        "stemt met hen af over de volgende stap."
    )
    state.fired.append((ALREADY_INVOLVED, ALREADY_INVOLVED_SOURCE, text))
    state.explains.setdefault(ALREADY_INVOLVED, [])
    for label in labels:
        state.step(ALREADY_INVOLVED, seq, reporter_actor(situation), 12, f"Stem af met {label}: al betrokken bij het gezin.")


# ------------------------------------------------------------------ evaluate


def _ordered(ranked: dict[str, int], position: Any) -> tuple[str, ...]:
    """Codes by rank/order, ties by their position in the vocabulary, then by code."""
    return tuple(sorted(ranked, key=lambda c: (ranked[c], position.get(c, 10_000), c)))


def evaluate(situation: Situation, ruleset: RuleSet, *, guards: bool = True) -> Advice:
    """The advice for a validated situation. Same input, same rule set -> same advice."""
    state = _State(own=situation.acting_role, involved=situation.involved)
    view = state.view  # conditions see the advice so far (the whole route for `involve`)
    joined: dict[str, set[str]] = {}
    for seq, rule in enumerate(ruleset.rules):
        if rule.test(situation, view):
            _fire(rule, seq, situation, state)
            if rule.joins:
                joined[rule.id] = set(rule.joins)
    acted = _apply_guards(situation, state) if guards else []
    vocab = ruleset.vocabulary
    _already_involved(situation, state, vocab, len(ruleset.rules))

    lists: dict[str, tuple[str, ...]] = {}
    for kind in ADVICE_KINDS:
        lists[kind] = _ordered(state.codes[kind], vocab.index(VOCAB_KIND[kind]))
    present = {code for kind in ADVICE_KINDS for code in lists[kind]}

    cite = ruleset.sources.cite if ruleset.sources is not None else (lambda _source: ())
    reasons = tuple(
        Reason(
            rule=rule_id,
            source=source,
            sources=cite(source),
            text=text,
            explains=tuple(c for c in state.explains.get(rule_id, ()) if c in present),
            excludes=tuple(state.excluded.get(rule_id, ())),
            joins=tuple(
                c for c in state.explains.get(rule_id, ()) if c in present and c in joined.get(rule_id, ())
            ),
        )
        for rule_id, source, text in state.fired
    )
    step_items = sorted(state.steps.items(), key=lambda kv: (kv[1][0], kv[1][1], kv[0][0], kv[0][1]))
    steps = tuple(
        Step(actor=actor, text=text, because=tuple(because), order=order)
        for (actor, text), (order, _seq, because) in step_items
    )
    advice = Advice(
        involve=lists["involve"],
        interventions=lists["interventions"],
        laws=lists["laws"],
        warnings=lists["warnings"],
        steps=steps,
        reasons=reasons,
        content_version=ruleset.content_version,
        guards=tuple(acted),
        contradictions=tuple(n for n in ruleset.notices if n.kind == "contradiction" and n.test(situation, view)),
        silences=tuple(n for n in ruleset.notices if n.kind == "silence" and n.test(situation, view)),
    )
    explained = {code for reason in reasons for code in reason.explains}
    missing = present - explained
    if missing:  # cannot happen by construction; a bug if it does
        raise EngineError(f"niet navolgbaar: {sorted(missing)}")
    return advice
