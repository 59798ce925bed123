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


def extend_vocabulary(base: Vocabulary, text: str, name: str = "vocabulary.yaml") -> Vocabulary:
    """A second route's vocabulary: `base` with the route's own codes (content/routeguide/routes/<id>/).

    Per kind (and `reporters`) the route file may give `keep` (the base codes this route still offers, in the
    base order; absent: all of them) and `add` (new codes with their labels, after the kept ones; a list of
    codes for `reporters`). `reporter_roles` adds to the base mapping. A route never redefines a base code:
    codes mean one thing in the whole product.
    """
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise VocabularyError(f"{name} is geen geldige YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise VocabularyError(f"{name} moet een mapping zijn")
    unknown = sorted(str(k) for k in data if k not in (*KINDS, "reporter_roles"))
    if unknown:
        raise VocabularyError(f"{name}: onbekende soorten: {', '.join(unknown)}")
    merged: dict[str, Any] = {kind: dict(getattr(base, kind)) for kind in KINDS}
    merged["reporters"] = list(base.reporters)
    for kind in KINDS:
        spec = data.get(kind)
        if spec is None:
            continue
        if not isinstance(spec, dict) or set(spec) - {"keep", "add"}:
            raise VocabularyError(f"{name}: {kind} heeft alleen 'keep' en 'add'")
        current = merged[kind]
        if "keep" in spec:
            keep = spec["keep"] or []
            if not isinstance(keep, list) or any(code not in current for code in keep):
                raise VocabularyError(f"{name}: {kind}.keep noemt een code die niet in de basis staat")
            current = [c for c in current if c in keep] if kind == "reporters" else {
                c: label for c, label in current.items() if c in keep
            }
        add = spec.get("add") or ([] if kind == "reporters" else {})
        clash = [c for c in add if c in getattr(base, kind)]
        if clash:
            raise VocabularyError(f"{name}: {kind}.add herdefinieert bestaande codes: {', '.join(clash)}")
        if kind == "reporters":
            current = [*current, *add]
        else:
            if not isinstance(add, dict):
                raise VocabularyError(f"{name}: {kind}.add moet code: label paren bevatten")
            current = {**current, **add}
        merged[kind] = current
    roles = data.get("reporter_roles") or {}
    if not isinstance(roles, dict):
        raise VocabularyError(f"{name}: reporter_roles moet melder: rol paren bevatten")
    acting = {c: r for c, r in base.reporter_roles.items() if c in merged["reporters"]}
    merged["reporter_roles"] = {**acting, **roles}
    return parse_vocabulary(yaml.safe_dump(merged, allow_unicode=True, sort_keys=False))
