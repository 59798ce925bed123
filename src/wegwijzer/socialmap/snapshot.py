"""Per-process snapshots of social-map reads that sit on hot paths (e.g. the route guide's contacts).

A snapshot is rebuilt when the map's change counter (`map_stamp`: socialmap.changes, the counter the search
index follows too) changes; the fingerprint is checked at most once per `SEARCH_STAMP_SECONDS`, so an edit in the
admin shows up within that interval in every process. Models only: the selectors build
on this module, never the other way round.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings

from . import changes

_lock = threading.Lock()
_entries: dict[str, tuple[Any, tuple, float]] = {}  # name -> (value, stamp, last checked)


def map_stamp() -> tuple:
    """The map's change counter (socialmap.changes): one primary-key read, bumped by every edit."""
    counter = changes.counter_read()
    return (counter.value, counter.epoch)


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
