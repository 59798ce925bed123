"""The product's domain vocabulary (content/vocabulary.yaml) as a frozen, read-only object.

Pure Python: no Django import. Codes never change once released; labels may.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

KINDS = ("phases", "reporters", "wijken", "concerns", "roles", "interventions", "laws", "warnings")
REPORTER_OTHER_LABEL = "Anders"


class VocabularyError(ValueError):
    """The vocabulary file is missing or malformed."""


@dataclass(frozen=True)
class Vocabulary:
    """Every kind maps code -> Dutch label, in the file's order (which is also the display order)."""

    phases: Mapping[str, str]
    reporters: Mapping[str, str]
    wijken: Mapping[str, str]
    concerns: Mapping[str, str]
    roles: Mapping[str, str]
    interventions: Mapping[str, str]
    laws: Mapping[str, str]
    warnings: Mapping[str, str]
    # revision 2: a reporter code that is not itself a role acts as this role (None: as no role)
    reporter_roles: Mapping[str, str | None] = field(default_factory=lambda: MappingProxyType({}))
    raw_text: str = ""
    _indexes: Mapping[str, Mapping[str, int]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        indexes = {
            kind: MappingProxyType({code: i for i, code in enumerate(getattr(self, kind))}) for kind in KINDS
        }
        object.__setattr__(self, "_indexes", MappingProxyType(indexes))

    def codes(self, kind: str) -> tuple[str, ...]:
        return tuple(getattr(self, kind))

    def label(self, kind: str, code: str) -> str:
        return getattr(self, kind).get(code, code)

    def acting_role(self, reporter: str) -> str | None:
        """The role a reporter acts as: itself when it is a role code, else what reporter_roles names."""
        if reporter in self.roles:
            return reporter
        return self.reporter_roles.get(reporter)

    def index(self, kind: str) -> Mapping[str, int]:
        """Position of each code in the file: a stable tie-breaker for ordering."""
        return self._indexes[kind]

    def as_dict(self) -> dict[str, dict[str, str]]:
        return {kind: dict(getattr(self, kind)) for kind in KINDS}


def parse_vocabulary(text: str) -> Vocabulary:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise VocabularyError(f"vocabulary is geen geldige YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise VocabularyError("vocabulary moet een mapping zijn")
    parts: dict[str, Any] = {}
    for kind in KINDS:
        value = data.get(kind)
        if kind == "reporters":
            if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
                raise VocabularyError("vocabulary.reporters moet een lijst van codes zijn")
            continue
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise VocabularyError(f"vocabulary.{kind} moet code: label paren bevatten")
        parts[kind] = MappingProxyType(dict(value))
    roles = parts["roles"]
    reporters = {code: roles.get(code, REPORTER_OTHER_LABEL if code == "anders" else code) for code in data["reporters"]}
    parts["reporters"] = MappingProxyType(reporters)
    acting = data.get("reporter_roles") or {}
    if not isinstance(acting, dict):
        raise VocabularyError("vocabulary.reporter_roles moet melder: rol paren bevatten")
    for code, role in acting.items():
        if code not in reporters or (role is not None and role not in roles):
            raise VocabularyError(f"vocabulary.reporter_roles: '{code}: {role}' noemt een onbekende melder of rol")
    for code in reporters:
        if code not in roles and code not in acting:
            raise VocabularyError(f"vocabulary.reporter_roles: melder '{code}' is geen rol en staat er niet in")
    parts["reporter_roles"] = MappingProxyType(dict(acting))
    return Vocabulary(raw_text=text, **parts)


def load_vocabulary(path: Path | str) -> Vocabulary:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise VocabularyError(f"vocabulary niet te lezen: {path}: {exc}") from exc
    return parse_vocabulary(text)
