"""One rule of a rule file, edited in a form (issue 15 item 2): find it, and write it back changing only it.

The file's other text (comments, layout, the other rules) stays as it is: only the lines of the edited rule
are replaced by the rule dumped with PyYAML (ruamel is not a dependency). The result is parsed again and
must equal the old document with just that rule replaced; when the splice cannot guarantee that (an odd
layout), the whole file is dumped instead, which keeps the meaning and loses the comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

_ITEM = re.compile(r"^(?P<indent>\s*)-\s+id:\s*['\"]?(?P<id>[A-Za-z0-9_.-]+)['\"]?\s*(?:#.*)?$")


@dataclass(frozen=True)
class FoundRule:
    path: str
    index: int  # position in the file's `rules` list
    rule: dict[str, Any]


def find_rule(files: dict[str, str], rule_id: str) -> FoundRule | None:
    """The rule with this id in the given rule files (path → text); None when no file holds it."""
    for path, text in sorted(files.items()):
        if f"id: {rule_id}" not in text and f"id: '{rule_id}'" not in text and f'id: "{rule_id}"' not in text:
            continue
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            continue
        rules = data.get("rules") if isinstance(data, dict) else None
        for index, rule in enumerate(rules if isinstance(rules, list) else []):
            if isinstance(rule, dict) and rule.get("id") == rule_id:
                return FoundRule(path, index, rule)
    return None


def rule_ids(text: str) -> list[str]:
    """The ids of a rule file's rules in file order ([] when the file does not parse)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    rules = data.get("rules") if isinstance(data, dict) else None
    return [str(r.get("id")) for r in (rules if isinstance(rules, list) else []) if isinstance(r, dict)]


def _dump_rule(rule: dict[str, Any], indent: str) -> list[str]:
    text = yaml.safe_dump([rule], allow_unicode=True, sort_keys=False, width=110, default_flow_style=False)
    return [f"{indent}{line}" if line else line for line in text.splitlines()]


def _block(lines: list[str], start: int, indent: str) -> int:
    """The end (exclusive) of the list item starting at `start`: the next item at the same indent or a line
    indented less, without the blank and comment lines right before it (they belong to what follows)."""
    end = start + 1
    while end < len(lines):
        line = lines[end]
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            lead = len(line) - len(line.lstrip())
            if lead < len(indent) or (lead == len(indent) and stripped.startswith("-")):
                break
        end += 1
    while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].strip().startswith("#")):
        end -= 1
    return end


def replace_rule(text: str, index: int, rule: dict[str, Any]) -> str:
    """`text` with the rule at `index` of its `rules` list replaced by `rule`; everything else as it was."""
    data = yaml.safe_load(text)
    expected = {**data, "rules": [*data["rules"][:index], rule, *data["rules"][index + 1:]]}
    old_id = data["rules"][index].get("id")
    lines = text.splitlines()
    for number, line in enumerate(lines):
        match = _ITEM.match(line)
        if match and match.group("id") == old_id:
            end = _block(lines, number, match.group("indent"))
            spliced = [*lines[:number], *_dump_rule(rule, match.group("indent")), *lines[end:]]
            candidate = "\n".join(spliced) + "\n"
            try:
                if yaml.safe_load(candidate) == expected:
                    return candidate
            except yaml.YAMLError:
                pass
            break
    return yaml.safe_dump(expected, allow_unicode=True, sort_keys=False, width=110, default_flow_style=False)
