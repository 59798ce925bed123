"""Role-based items of the main navigation, gathered from the apps that offer one.

core imports no app, so an app registers a provider from its AppConfig.ready (`register`), like the action
registry (core.actions); the `main_nav` context processor asks `items_for` once per page. A provider answers
the items the user may open (an empty list for everyone else), so a link is only shown to whom the page is for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 50


Provider = Callable[[Any], Iterable[NavItem]]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add (or replace, by name: ready() may run twice in tests) a provider of navigation items."""
    _providers[name] = provider


def items_for(user: Any) -> list[NavItem]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    items = [item for provider in _providers.values() for item in provider(user)]
    return sorted(items, key=lambda i: (i.order, i.label))
