"""Per-process snapshots of social-map reads that sit on hot paths (e.g. the route guide's contacts).

A snapshot is rebuilt when the map's fingerprint (`map_stamp`, also the base of the search index's
stamp) changes; the fingerprint is checked at most once per `SEARCH_STAMP_SECONDS`, so an edit in the
admin shows up within that interval in every process. Models only: the search and the selectors build
on this module, never the other way round.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Count, Max

from . import models as m

_lock = threading.Lock()
_entries: dict[str, tuple[Any, tuple, float]] = {}  # name -> (value, stamp, last checked)


def map_stamp() -> tuple:
    """Cheap fingerprint of the map: row counts and latest change per table (history rows included)."""
    parts: list[Any] = []
    for model in (m.Role, m.Service, m.Organization):
        agg = model.objects.aggregate(n=Count("pk"), t=Max("updated_at"))
        parts.append((agg["n"], agg["t"].isoformat() if agg["t"] else None))
    # Wijk has no updated_at; its history table records every save; m2m edits also leave history rows.
    for tracked in (m.Wijk, m.Role, m.Service, m.Organization):
        hist = tracked.history.model  # type: ignore[attr-defined]
        agg = hist.objects.aggregate(n=Count("pk"), t=Max("history_date"))
        parts.append((agg["n"], agg["t"].isoformat() if agg["t"] else None))
    parts.append(m.Wijk.objects.count())
    return tuple(parts)


def snapshot[T](name: str, build: Callable[[], T]) -> T:
    interval = float(settings.SEARCH_STAMP_SECONDS)
    entry = _entries.get(name)
    now = time.monotonic()
    if entry is not None and now - entry[2] < interval:
        return entry[0]
    with _lock:
        stamp = map_stamp()
        entry = _entries.get(name)
        if entry is not None and entry[1] == stamp:
            _entries[name] = (entry[0], stamp, now)
            return entry[0]
        value = build()
        _entries[name] = (value, stamp, now)
        return value
