"""The vocabulary codes a plan uses (phases, wijken, roles): views over the one cached vocabulary."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
    return labeller(section)(code)


def labeller(section: str) -> Callable[[str], str]:
    """`label` for many codes of one section: the vocabulary looked up once (each lookup stats its file)."""
    return _labeller_of(getattr(vocabulary(), section))


def labellers(*sections: str) -> tuple[Callable[[str], str], ...]:
    """`labeller` for several sections from one lookup of the vocabulary (a case read labels three)."""
    current = vocabulary()
    return tuple(_labeller_of(getattr(current, section)) for section in sections)


def _labeller_of(labels: Any) -> Callable[[str], str]:
    return lambda code: labels.get(code, code) if code else "onbekend"
