""""Wat vraagt om mijn actie": the open items a user owns, gathered from every app that has some.

core imports no app, so the apps register a provider from their AppConfig.ready (`register`) and a page
asks `actions_for`. A provider answers the user's own open items as `ActionItem`s; the order (overdue first,
then by due date) is decided here once, for all providers together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ActionItem:
    what: str
    url: str
    where: str  # the plan or network the item belongs to, as the user reads it
    due_date: dt.date | None
    overdue: bool


Provider = Callable[[Any, dt.date], Iterable[ActionItem]]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add (or replace, by name: ready() may run twice in tests) a provider of a user's open items."""
    _providers[name] = provider


def actions_for(user: Any, today: dt.date) -> list[ActionItem]:
    items = [item for provider in _providers.values() for item in provider(user, today)]
    items.sort(key=lambda i: (not i.overdue, i.due_date or dt.date.max, i.what))
    return items
