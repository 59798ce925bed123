"""Vignettes: situations with what a careful professional expects of the advice (contract: route-guide.md).

Pure Python: loading, format checks and expectation checks; no Django import.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .engine import Advice
from .rules import VOCAB_KIND
from .vocabulary import Vocabulary

EXPECT_KEYS = {
    "first_involve_any": "roles",
    "involve_includes": "roles",
    "involve_excludes": "roles",
    "interventions_includes": "interventions",
    "interventions_any": "interventions",
    "interventions_excludes": "interventions",
    "laws_includes": "laws",
    "laws_excludes": "laws",
    "warnings_includes": "warnings",
    "warnings_excludes": "warnings",
    # Accepted as well, for symmetry:
    "involve_any": "roles",
    "laws_any": "laws",
    "warnings_any": "warnings",
    # issue 11, point 9: the warnings the advice lists first (the prominent ones), in this order
    "warnings_first": "warnings",
}
# Expectations on the notices (content/routeguide/notices.yaml), by notice id (N-…).
NOTICE_EXPECT_KEYS = {
    "contradictions_includes": "contradictions",
    "contradictions_excludes": "contradictions",
    "not_in_source_includes": "not_in_source",
}
VIGNETTE_KEYS = {"id", "story", "situation", "expect", "source"}


def load_vignette_files(directory: Path) -> list[tuple[str, list[dict[str, Any]]]]:
    """(file name, vignettes) for every *.yaml in `directory`, sorted by name. Raises ValueError on bad YAML."""
    out = []
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ValueError(f"{path.name}: geen geldige YAML: {exc}") from exc
        if not isinstance(data, list):
            raise ValueError(f"{path.name}: moet een lijst van vignetten zijn")
        out.append((path.name, data))
    return out


def format_problems(vignette: Any, vocab: Vocabulary) -> list[str]:
    if not isinstance(vignette, dict):
        return ["vignet moet een mapping zijn"]
    problems = [f"onbekende sleutel '{k}'" for k in vignette if k not in VIGNETTE_KEYS]
    for key in ("id", "situation"):
        if key not in vignette:
            problems.append(f"'{key}' ontbreekt")
    expect = vignette.get("expect") or {}
    if not isinstance(expect, dict):
        return [*problems, "'expect' moet een mapping zijn"]
    for key, codes in expect.items():
        if key in NOTICE_EXPECT_KEYS:
            if not isinstance(codes, list) or not all(isinstance(c, str) and c.startswith("N-") for c in codes):
                problems.append(f"expect.{key}: moet een lijst van melding-id's (N-…) zijn")
            continue
        kind = EXPECT_KEYS.get(key)
        if kind is None:
            problems.append(f"expect: onbekende verwachting '{key}'")
            continue
        if not isinstance(codes, list):
            problems.append(f"expect.{key}: moet een lijst zijn")
            continue
        for code in codes:
            if code not in getattr(vocab, kind):
                problems.append(f"expect.{key}: onbekende code '{code}'")
    return problems


def expectation_failures(
    advice: Advice | dict[str, Any], expect: dict[str, Any] | None, own_role: str | None = None
) -> list[str]:
    """Every expectation of `expect` that the advice does not meet (Dutch, one line each).

    `own_role` is the role the reporter acts as. Since contract revision 2 `involve` never holds it: the
    reporter's part is in the steps with that role as actor. So `involve_includes` of the reporter's own role
    (written for revision 1, e.g. public P02: the kraamzorg asks and "kraamzorg" is expected) holds when the
    advice has a step for that role.
    """
    data = advice.to_dict() if isinstance(advice, Advice) else advice
    failures: list[str] = []
    own_steps = own_role is not None and any(step["actor"] == own_role for step in data["steps"])
    for key, codes in (expect or {}).items():
        if key in NOTICE_EXPECT_KEYS:
            field = NOTICE_EXPECT_KEYS[key]
            ids = [n["id"] for n in data.get(field, [])]
            if key.endswith("_includes"):
                missing = [c for c in codes if c not in ids]
                if missing:
                    failures.append(f"{field} mist {missing} (kreeg {ids})")
            else:
                present = [c for c in codes if c in ids]
                if present:
                    failures.append(f"{field} bevat ten onrechte {present}")
            continue
        if key == "warnings_first":
            leading = list(data["warnings"][: len(codes)])
            if leading != list(codes):
                failures.append(f"warnings begint met {leading}, verwacht {list(codes)}")
            continue
        if key == "first_involve_any":
            first = data["involve"][0] if data["involve"] else None
            if first not in codes:
                failures.append(f"eerste in involve is {first!r}, verwacht een van {codes}")
            continue
        kind, _, mode = key.rpartition("_")
        if key not in EXPECT_KEYS or kind not in VOCAB_KIND or not isinstance(codes, list):
            failures.append(f"onbekende of ongeldige verwachting '{key}'")
            continue
        got = data[kind]
        if mode == "includes":
            missing = [c for c in codes if c not in got and not (kind == "involve" and own_steps and c == own_role)]
            if missing:
                failures.append(f"{kind} mist {missing} (kreeg {got})")
        elif mode == "excludes":
            present = [c for c in codes if c in got]
            if present:
                failures.append(f"{kind} bevat ten onrechte {present}")
        elif mode == "any" and not any(c in got for c in codes):
            failures.append(f"{kind} bevat geen van {codes} (kreeg {got})")
    return failures


__all__ = ["EXPECT_KEYS", "NOTICE_EXPECT_KEYS", "VOCAB_KIND", "expectation_failures", "format_problems", "load_vignette_files"]
