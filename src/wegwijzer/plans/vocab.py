"""The vocabulary codes a plan uses (phases, wijken, roles), read once from the content directory."""

from __future__ import annotations

from functools import lru_cache

import yaml
from django.conf import settings


@lru_cache(maxsize=1)
def _vocabulary() -> dict:
    path = settings.CONTENT_DIR / "vocabulary.yaml"
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def _labels(section: str) -> dict[str, str]:
    value = _vocabulary().get(section) or {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def phases() -> dict[str, str]:
    return _labels("phases")


def wijken() -> dict[str, str]:
    return _labels("wijken")


def roles() -> dict[str, str]:
    return _labels("roles")


def label(section: str, code: str) -> str:
    """The Dutch label of a code, the code itself if unknown, "onbekend" if empty."""
    if not code:
        return "onbekend"
    return _labels(section).get(code, code)
