"""The vocabulary codes a plan uses (phases, wijken, roles): views over the one cached vocabulary."""

from __future__ import annotations

from wegwijzer.core.vocabulary import vocabulary


def _labels(section: str) -> dict[str, str]:
    return dict(getattr(vocabulary(), section))


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
    return getattr(vocabulary(), section).get(code, code)
