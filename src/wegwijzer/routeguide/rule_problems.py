"""Which field of the rule form a `content check` problem is about, so the page shows it next to that field.

The problems are content check's own lines (drafts store them). A line about the edited rule names the file
and the rule id (or, for a schema error, the rule's index: `rules/<i>/then/warnings/1`); what it names next
(`when: onbekende code 'x'`, `then.warnings`, `source`) says the field. Anything else (a vignette that now
fails, another file) is shown above the form as a problem elsewhere in the content.
"""

from __future__ import annotations

import re
from typing import Any

from .forms_content import BOOL_CONDITIONS, CODE_CONDITIONS, RANGES, RANKED

_SCHEMA = re.compile(r"(?:^|: )(?P<file>[A-Za-z0-9_.-]+\.yaml): rules/(?P<index>\d+)(?:/(?P<rest>[^:]*))?: ")
_CODE = re.compile(r"when: onbekende code '(?P<code>[^']+)'")


def _schema_field(rest: str) -> str | None:
    bits = [b for b in rest.split("/") if b]
    if not bits:
        return None
    if bits[0] in ("description", "priority", "source", "reason"):
        return bits[0]
    if bits[0] == "then" and len(bits) > 1:
        if bits[1] == "excludes" and len(bits) > 2:
            return f"excludes_{bits[2]}"
        if bits[1] == "steps":
            return f"step_{bits[2]}_text" if len(bits) > 2 and bits[2].isdigit() else None
        return f"then_{bits[1]}"
    if bits[0] == "when" and len(bits) > 1:
        key = bits[1]
        if key in {k for k, _v, _l in CODE_CONDITIONS} | {k for k, _l in BOOL_CONDITIONS}:
            return f"when_{key}"
        if key in {k for k, _l in RANGES}:
            return f"when_{key}_min"
        if key == "flags" and len(bits) > 2:
            return f"when_flag_{bits[2]}"
        if key in ("all", "any", "none"):
            return "when_nested"
    return None


def _named_field(text: str, rule: dict[str, Any], form: Any) -> str | None:
    code = _CODE.search(text)
    if code:
        when = rule.get("when") or {}
        for key, _kind, _label in CODE_CONDITIONS:
            if code.group("code") in (form.data.getlist(f"when_{key}") if form.is_bound else when.get(key) or []):
                return f"when_{key}"
        return "when_nested"
    for marker, name in (("then.excludes.", "excludes_"), ("then.", "then_")):
        at = text.find(marker)
        if at >= 0:
            kind = re.match(r"[a-z_]+", text[at + len(marker):])
            if kind and kind.group(0) == "steps":
                return "steps"
            if kind:
                return f"{name}{kind.group(0)}"
    if "source" in text:
        return "source"
    if "voegt toe én sluit uit" in text:
        return "excludes"
    return None


def place(problems: list[str], path: str, index: int, rule: dict[str, Any], form: Any
          ) -> tuple[dict[str, list[str]], list[str]]:
    """(form field name → the problems about it, the problems about anything else). A problem about the rule
    that names no single field goes to the rule's first field group ("description")."""
    name = path.rsplit("/", 1)[-1]
    rid = str(rule.get("id", ""))
    ranked_kinds = {kind for kind, *_rest in RANKED}
    placed: dict[str, list[str]] = {}
    elsewhere: list[str] = []
    for problem in problems:
        field: str | None = None
        schema = _SCHEMA.search(problem)
        if schema and schema.group("file") == name:
            if int(schema.group("index")) != index:
                elsewhere.append(problem)
                continue
            field = _schema_field(schema.group("rest") or "") or "description"
        elif f"{name}: {rid}:" in problem:
            field = _named_field(problem[problem.index(f"{name}: {rid}:"):], rule, form) or "description"
        elif re.search(rf"(?<![\w-]){re.escape(rid)}(?![\w-])", problem) and not problem.lstrip().startswith("vignet") \
                and "then.warnings" in problem:
            field = "then_warnings"  # another rule's weight line naming this rule: the weight is this rule's
        else:
            elsewhere.append(problem)
            continue
        if field.startswith("then_") and field[5:] in ranked_kinds:
            field = f"ranked_{field[5:]}"  # the group of number fields of that effect
        elif field == "excludes":
            field = "excludes_involve"
        elif field == "steps":
            field = "steps"
        placed.setdefault(field, []).append(problem)
    return placed, elsewhere
