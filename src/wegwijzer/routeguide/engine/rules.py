"""Route rules as content: load YAML rule files, validate them (JSON Schema + vocabulary), compile them.

A rule file holds `theme` and `rules`; each rule has an id, the seed section it rests on (`source`),
a `description`, a `priority` (lower runs first; ties by id), a condition `when`, effects `then` and a
Dutch `reason`. See docs/rules.md. Pure Python: no Django import.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .situation import Situation
from .sources import Sources, unknown_source_problems
from .vocabulary import Vocabulary

ADVICE_KINDS = ("involve", "interventions", "laws", "warnings")
# Which vocabulary kind each advice list draws its codes from.
VOCAB_KIND = {"involve": "roles", "interventions": "interventions", "laws": "laws", "warnings": "warnings"}
DEFAULT_RANK = 50
REPORTER_ACTOR = "$reporter"


class RuleSetError(ValueError):
    """The rule files are invalid. `problems`: one Dutch/English line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# A compiled condition: (situation, advice-so-far) -> bool. The advice-so-far maps kind -> codes.
Test = Callable[[Situation, Mapping[str, Mapping[str, Any]]], bool]


@dataclass(frozen=True, slots=True)
class StepSpec:
    actor: str
    order: int
    text: str


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    source: str
    description: str
    priority: int
    reason: str
    file: str
    when: Mapping[str, Any]
    test: Test
    adds: tuple[tuple[str, str, int], ...]  # (kind, code, rank/order)
    steps: tuple[StepSpec, ...]
    excludes: tuple[tuple[str, str], ...]  # (kind, code)
    # Roles this rule asks to join *because* they are already involved (its `when` requires it): only such a
    # rule may keep an already-involved role in `involve` (contract revision 2).
    joins: frozenset[str] = frozenset()
    # The sections `source` names, resolved against content/sources.yaml (document, section, title, url).
    cited: tuple[tuple[tuple[str, str], ...], ...] = ()


NOTICE_KINDS = ("contradiction", "silence")


@dataclass(frozen=True, slots=True)
class Notice:
    """A line about the situation itself, not the route (content/routeguide/notices.yaml): a contradiction
    in what the professional entered, or a point where the source documents are silent."""

    id: str
    kind: str  # contradiction | silence
    source: str
    text: str
    test: Test
    cited: tuple[tuple[tuple[str, str], ...], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "source": self.source, "text": self.text}
        if self.cited:
            out["sources"] = [dict(c) for c in self.cited]
        return out


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]  # already sorted by (priority, id)
    vocabulary: Vocabulary
    content_version: str
    files: tuple[str, ...]
    notices: tuple[Notice, ...] = ()
    sources: Sources | None = None

    def by_id(self, rule_id: str) -> Rule | None:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        return None


# ------------------------------------------------------------------ conditions


def _range_test(value: int | None, spec: Mapping[str, Any]) -> bool:
    if value is None:
        return bool(spec.get("unknown", False))
    low = spec.get("min")
    high = spec.get("max")
    return (low is None or value >= low) and (high is None or value <= high)


def compile_condition(cond: Mapping[str, Any]) -> Test:
    """Turn a condition mapping into a fast closure. Every key must hold (implicit AND)."""
    # Cheapest and most selective tests first; the meaning (an AND) does not depend on the order.
    keys = sorted(cond, key=lambda k: (_COST.get(k, 5), k))
    return _conjunction([_compile_key(key, cond[key]) for key in keys])


_COST = {"phase": 0, "flags": 1, "reporter": 1, "reporter_not": 1, "reporter_acts_as": 1, "involved_any": 1,
         "involved_none": 1, "wijk": 1, "wijk_known": 1, "weeks_known": 1,
         "weeks": 2, "all": 8, "any": 8, "none": 8}


def _conjunction(tests: list[Test]) -> Test:
    if not tests:
        return lambda s, a: True
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        t1, t2 = tests
        return lambda s, a: t1(s, a) and t2(s, a)
    if len(tests) == 3:
        t1, t2, t3 = tests
        return lambda s, a: t1(s, a) and t2(s, a) and t3(s, a)
    frozen = tuple(tests)

    def test(s: Situation, a: Mapping[str, Mapping[str, Any]]) -> bool:
        for t in frozen:  # noqa: SIM110 - a plain loop is faster than all(genexpr) here
            if not t(s, a):
                return False
        return True

    return test


def _compile_key(key: str, arg: Any) -> Test:  # noqa: C901 - a flat dispatch table reads best here
    if key in ("all", "any", "none"):
        subs = tuple(compile_condition(c) for c in arg)
        if key == "all":
            return _conjunction(list(subs))
        if key == "any":
            return lambda s, a: any(t(s, a) for t in subs)
        return lambda s, a: not any(t(s, a) for t in subs)
    if isinstance(arg, list):
        codes = frozenset(arg)
    if key == "phase":
        return lambda s, a: s.phase in codes
    # A reporter matches by its own code and by the role it acts as (revision 2: gynaecoloog acts as ziekenhuis).
    if key == "reporter":
        return lambda s, a: s.reporter in codes or s.acting_role in codes
    if key == "reporter_not":
        return lambda s, a: s.reporter not in codes and s.acting_role not in codes
    if key == "reporter_acts_as":
        return lambda s, a: s.acting_role in codes
    if key == "involved_any":
        return lambda s, a: not codes.isdisjoint(s.involved)
    if key == "involved_none":
        return lambda s, a: codes.isdisjoint(s.involved)
    if key == "wijk":
        return lambda s, a: s.wijk in codes
    if key == "wijk_known":
        want = bool(arg)
        return lambda s, a: (s.wijk is not None) is want
    if key == "concerns_any":
        return lambda s, a: not codes.isdisjoint(s.concerns)
    if key == "concerns_all":
        return lambda s, a: codes <= s.concerns
    if key == "concerns_none":
        return lambda s, a: codes.isdisjoint(s.concerns)
    if key == "concerns_only":
        return lambda s, a: bool(s.concerns) and s.concerns <= codes
    if key == "concerns_beyond":
        return lambda s, a: not s.concerns <= codes
    if key == "concerns_count":
        spec = dict(arg)
        return lambda s, a: _range_test(len(s.concerns), spec)
    if key == "weeks":
        spec = dict(arg)
        return lambda s, a: _range_test(s.weeks_since_birth, spec)
    if key == "weeks_known":
        want = bool(arg)
        return lambda s, a: (s.weeks_since_birth is not None) is want
    if key == "flags":
        pairs = tuple(arg.items())
        if len(pairs) == 1:
            name, value = pairs[0]
            return lambda s, a: getattr(s, name) is value
        return lambda s, a: all(getattr(s, name) is value for name, value in pairs)
    if key == "involve_count":
        spec = dict(arg)
        return lambda s, a: _range_test(len(a["involve"]), spec)
    for prefix, kind in (("involves_", "involve"), ("interventions_", "interventions"), ("laws_", "laws"),
                         ("warnings_", "warnings")):
        if key.startswith(prefix):
            mode = key[len(prefix):]
            if mode in ("any", "all", "none"):
                return _advice_test(kind, mode, codes)
    raise RuleSetError([f"onbekende voorwaarde '{key}'"])


def _advice_test(kind: str, mode: str, codes: frozenset[str]) -> Test:
    """A test on what earlier rules put in the advice (`kind`: involve, interventions, laws, warnings)."""
    if mode == "any":
        return lambda s, a: any(c in a[kind] for c in codes)
    if mode == "all":
        return lambda s, a: all(c in a[kind] for c in codes)
    return lambda s, a: not any(c in a[kind] for c in codes)


# ------------------------------------------------------------------ codes used by a condition

_COND_VOCAB = {
    "phase": "phases",
    "reporter": "reporters",
    "reporter_not": "reporters",
    "reporter_acts_as": "roles",
    "involved_any": "roles",
    "involved_none": "roles",
    "wijk": "wijken",
    "concerns_any": "concerns",
    "concerns_all": "concerns",
    "concerns_none": "concerns",
    "concerns_only": "concerns",
    "concerns_beyond": "concerns",
    "involves_any": "roles",
    "involves_all": "roles",
    "involves_none": "roles",
    "interventions_any": "interventions",
    "interventions_none": "interventions",
    "laws_any": "laws",
    "laws_all": "laws",
    "laws_none": "laws",
    "warnings_any": "warnings",
}


def _condition_codes(cond: Mapping[str, Any]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for key, arg in cond.items():
        if key in ("all", "any", "none"):
            for sub in arg:
                found.extend(_condition_codes(sub))
        elif key in _COND_VOCAB:
            found.extend((_COND_VOCAB[key], code) for code in arg)
    return found


# ------------------------------------------------------------------ loading


def read_rule_files(rules_dir: Path) -> list[tuple[str, str]]:
    """(file name, text) of every *.yaml in the directory, sorted by name."""
    rules_dir = Path(rules_dir)
    if not rules_dir.is_dir():
        raise RuleSetError([f"regelmap bestaat niet: {rules_dir}"])
    out = []
    for path in sorted(rules_dir.glob("*.yaml")):
        out.append((path.name, path.read_text(encoding="utf-8")))
    if not out:
        raise RuleSetError([f"geen regelbestanden (*.yaml) in {rules_dir}"])
    return out


def compute_content_version(documents: list[tuple[str, Any]], vocab: Vocabulary) -> str:
    """sha256 over the canonical (parsed, key-sorted JSON) rule files and the vocabulary; 12 hex digits.

    Comments and layout do not change the version; any change in meaning does.
    """
    digest = hashlib.sha256()
    vocab_data = yaml.safe_load(vocab.raw_text) if vocab.raw_text else vocab.as_dict()
    digest.update(b"vocabulary\0")
    digest.update(json.dumps(vocab_data, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    for name, data in sorted(documents, key=lambda d: d[0]):
        digest.update(b"\0" + name.encode("utf-8") + b"\0")
        digest.update(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()[:12]


def _ranked(item: Any) -> tuple[str, int]:
    if isinstance(item, str):
        return item, DEFAULT_RANK
    return item["code"], int(item.get("rank", DEFAULT_RANK))


def _joins(when: Mapping[str, Any]) -> frozenset[str]:
    """Roles the top level of `when` requires to be involved already."""
    roles = set(when.get("involved_any") or ())
    if (when.get("flags") or {}).get("buurtteam_involved") is True:
        roles.add("buurtteam-jeugd-gezin")
    return frozenset(roles)


def _compile_rule(raw: Mapping[str, Any], file: str) -> Rule:
    then = raw["then"]
    adds: list[tuple[str, str, int]] = []
    for item in then.get("involve", []):
        adds.append(("involve", item["role"], int(item["order"])))
    for item in then.get("interventions", []):
        adds.append(("interventions", item["code"], int(item["rank"])))
    for kind in ("laws", "warnings"):
        for item in then.get(kind, []):
            code, rank = _ranked(item)
            adds.append((kind, code, rank))
    steps = tuple(StepSpec(s["actor"], int(s["order"]), s["text"].strip()) for s in then.get("steps", []))
    excludes = tuple((kind, code) for kind, codes in then.get("excludes", {}).items() for code in codes)
    return Rule(
        id=raw["id"],
        source=raw["source"].strip(),
        description=raw["description"].strip(),
        priority=int(raw["priority"]),
        reason=" ".join(raw["reason"].split()),
        file=file,
        when=raw["when"],
        test=compile_condition(raw["when"]),
        adds=tuple(adds),
        steps=steps,
        excludes=excludes,
        joins=_joins(raw["when"]),
    )


def check_rule_documents(
    documents: list[tuple[str, Any]], vocab: Vocabulary, schema: Mapping[str, Any]
) -> list[str]:
    """Every problem in the parsed rule files: schema, unknown codes, duplicate ids, contradictions."""
    problems: list[str] = []
    validator = jsonschema.Draft202012Validator(schema)
    seen: dict[str, str] = {}
    # A warning's rank is its weight (issue 11, point 9): the advice lists warnings by it and shows the first
    # few prominently, so one code must carry one weight in every rule.
    weights: dict[str, tuple[int, str]] = {}
    for name, data in documents:
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
        for err in errors:
            where = "/".join(str(p) for p in err.absolute_path) or "(bestand)"
            problems.append(f"{name}: {where}: {err.message}")
        if errors:
            continue
        for i, rule in enumerate(data["rules"]):
            rid = rule["id"]
            label = f"{name}: {rid}"
            if rid in seen:
                problems.append(f"{label}: id komt ook voor in {seen[rid]}")
            seen[rid] = name
            for kind, code in _condition_codes(rule["when"]):
                if code not in getattr(vocab, kind):
                    problems.append(f"{label}: when: onbekende code '{code}' ({kind})")
            then = rule["then"]
            for kind in ADVICE_KINDS:
                for item in then.get(kind, []):
                    code = item["role"] if kind == "involve" else _ranked(item)[0]
                    if code not in getattr(vocab, VOCAB_KIND[kind]):
                        problems.append(f"{label}: then.{kind}: onbekende code '{code}'")
            for item in then.get("warnings", []):
                code, rank = _ranked(item)
                first = weights.setdefault(code, (rank, rid))
                if first[0] != rank:
                    problems.append(
                        f"{label}: then.warnings: '{code}' heeft gewicht (rank) {rank}, maar {first[1]} geeft "
                        f"{first[0]}; een waarschuwing heeft één gewicht"
                    )
            for kind, codes in then.get("excludes", {}).items():
                for code in codes:
                    if code not in getattr(vocab, VOCAB_KIND[kind]):
                        problems.append(f"{label}: then.excludes.{kind}: onbekende code '{code}'")
                added = {item["role"] if kind == "involve" else _ranked(item)[0] for item in then.get(kind, [])}
                both = added & set(codes)
                if both:
                    problems.append(f"{label}: voegt toe én sluit uit: {', '.join(sorted(both))}")
            for step in then.get("steps", []):
                actor = step["actor"]
                if actor != REPORTER_ACTOR and actor not in vocab.roles and actor not in vocab.reporters:
                    problems.append(f"{label}: then.steps: onbekende actor '{actor}'")
            if not rule["source"].strip():
                problems.append(f"{label}: source ontbreekt")
            _ = i
    return problems


def parse_rule_files(files: list[tuple[str, str]]) -> tuple[list[tuple[str, Any]], list[str]]:
    documents: list[tuple[str, Any]] = []
    problems: list[str] = []
    for name, text in files:
        try:
            documents.append((name, yaml.safe_load(text)))
        except yaml.YAMLError as exc:
            problems.append(f"{name}: geen geldige YAML: {exc}")
    return documents, problems


def load_schema(path: Path) -> dict[str, Any]:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RuleSetError([f"regelschema niet te lezen: {path}: {exc}"]) from exc


def _cite(source: str, sources: Sources | None) -> tuple[tuple[tuple[str, str], ...], ...]:
    if sources is None:
        return ()
    found, _ = sources.resolve(source)
    return tuple(tuple(item.items()) for item in found)


NOTICE_KEYS = {"id", "kind", "source", "when", "text"}
# A notice looks at the situation only: conditions on the advice so far make no sense before the route.
_ADVICE_CONDITIONS = ("involves_", "involve_count", "interventions_", "laws_", "warnings_")


def _situation_only(cond: Mapping[str, Any]) -> list[str]:
    bad = []
    for key, arg in cond.items():
        if key in ("all", "any", "none"):
            for sub in arg:
                bad += _situation_only(sub)
        elif key.startswith(_ADVICE_CONDITIONS):
            bad.append(key)
    return bad


def build_notices(data: Any, vocab: Vocabulary, sources: Sources | None, name: str = "notices.yaml") -> tuple[
    tuple[Notice, ...], list[str]
]:
    """Validate and compile the notices file (a list under `notices`); (notices, problems)."""
    problems: list[str] = []
    out: list[Notice] = []
    if data is None:
        return (), []
    if not isinstance(data, dict) or not isinstance(data.get("notices"), list):
        return (), [f"{name}: verwacht 'notices': een lijst"]
    seen: set[str] = set()
    for i, item in enumerate(data["notices"]):
        where = f"{name}: notices[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: verwacht id, kind, source, when en text")
            continue
        nid = item.get("id")
        if isinstance(nid, str) and nid:
            where = f"{name}: {nid}"
        missing = sorted(NOTICE_KEYS - set(item))
        extra = sorted(map(str, set(item) - NOTICE_KEYS))
        if missing:
            problems.append(f"{where}: ontbreekt: {', '.join(missing)}")
        if extra:
            problems.append(f"{where}: onbekende velden: {', '.join(extra)}")
        if missing or extra:
            continue
        if not isinstance(nid, str) or not nid.startswith("N-"):
            problems.append(f"{where}: id moet met N- beginnen")
        elif nid in seen:
            problems.append(f"{where}: id komt vaker voor")
        seen.add(str(nid))
        if item["kind"] not in NOTICE_KINDS:
            problems.append(f"{where}: kind moet een van {', '.join(NOTICE_KINDS)} zijn, niet '{item['kind']}'")
        for key in ("source", "text"):
            if not isinstance(item[key], str) or len(item[key].strip()) < 5:
                problems.append(f"{where}: {key} moet een tekst zijn")
        when = item["when"]
        if not isinstance(when, dict):
            problems.append(f"{where}: when moet een voorwaarde zijn (zie docs/rules.md)")
            continue
        for key in _situation_only(when):
            problems.append(f"{where}: when: '{key}' kijkt naar het advies; een melding kijkt alleen naar de situatie")
        for kind, code in _condition_codes(when):
            if code not in getattr(vocab, kind):
                problems.append(f"{where}: when: onbekende code '{code}' ({kind})")
        try:
            test = compile_condition(when)
        except RuleSetError as exc:
            problems += [f"{where}: when: {p}" for p in exc.problems]
            continue
        except (TypeError, AttributeError, ValueError):
            problems.append(f"{where}: when: ongeldige voorwaarde")
            continue
        if problems:
            continue
        source = " ".join(item["source"].split())
        if sources is not None:
            _, unknown = sources.resolve(source)
            for part in unknown:
                problems.append(f"{where}: source noemt een paragraaf die niet in content/sources.yaml staat: '{part}'")
        out.append(
            Notice(id=str(nid), kind=item["kind"], source=source, text=" ".join(item["text"].split()), test=test,
                   cited=_cite(source, sources))
        )
    return tuple(out), problems


def build_ruleset(
    files: list[tuple[str, str]],
    vocab: Vocabulary,
    schema: Mapping[str, Any],
    *,
    sources: Sources | None = None,
    notices: Any = None,
) -> RuleSet:
    """Compile the rules; with `sources`, every rule's `source` must name listed sections; `notices` is the
    parsed notices file (or None)."""
    documents, problems = parse_rule_files(files)
    problems += check_rule_documents(documents, vocab, schema)
    if problems:
        raise RuleSetError(problems)
    rules = [_compile_rule(raw, name) for name, data in documents for raw in data["rules"]]
    if sources is not None:
        problems += unknown_source_problems(rules, sources)
        rules = [replace(rule, cited=_cite(rule.source, sources)) for rule in rules]
    compiled_notices, notice_problems = build_notices(notices, vocab, sources)
    problems += notice_problems
    if problems:
        raise RuleSetError(problems)
    rules.sort(key=lambda r: (r.priority, r.id))
    versioned = list(documents)
    if notices is not None:
        versioned.append(("\0notices", notices))
    if sources is not None:
        versioned.append(("\0sources", [(d.id, [(s.id, s.title, s.url) for s in d.sections]) for d in sources.documents]))
    return RuleSet(
        rules=tuple(rules),
        vocabulary=vocab,
        content_version=compute_content_version(versioned, vocab),
        files=tuple(name for name, _ in files),
        notices=compiled_notices,
        sources=sources,
    )


def load_ruleset(
    rules_dir: Path,
    vocab: Vocabulary,
    schema: Mapping[str, Any] | Path,
    *,
    sources: Sources | None = None,
    notices_path: Path | None = None,
) -> RuleSet:
    """Read, validate and compile every rule file in `rules_dir`; RuleSetError lists all problems."""
    if not isinstance(schema, Mapping):
        schema = load_schema(Path(schema))
    notices = None
    if notices_path is not None and Path(notices_path).is_file():
        try:
            notices = yaml.safe_load(Path(notices_path).read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise RuleSetError([f"{Path(notices_path).name}: geen geldige YAML: {exc}"]) from exc
    return build_ruleset(read_rule_files(Path(rules_dir)), vocab, schema, sources=sources, notices=notices)
