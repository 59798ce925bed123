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
    return Vocabulary(raw_text=text, **parts)


def load_vocabulary(path: Path | str) -> Vocabulary:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise VocabularyError(f"vocabulary niet te lezen: {path}: {exc}") from exc
    return parse_vocabulary(text)
