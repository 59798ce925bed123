"""The anonymous advice tally (codes, date, content_version — never personal data), written in batches.

Writing one row per advice inside the request makes every advice wait for SQLite's single writer lock
under load. Instead each process queues rows and a background thread inserts them with one bulk insert
at most every `ROUTES_TALLY_FLUSH_SECONDS` (0 = write at once, as the tests do). Rows still queued when a
process is killed hard are lost; the tally is statistics, not a record of care.
"""

from __future__ import annotations

import atexit
import logging
import threading
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections

logger = logging.getLogger("wegwijzer.routes")

_pending: list[dict[str, Any]] = []
_lock = threading.Lock()
_wake = threading.Event()
_worker: threading.Thread | None = None


def tally_record(row: dict[str, Any]) -> None:
    """Queue (or, with a flush interval of 0, write) one tally row of AdviceTally field values."""
    interval = float(settings.ROUTES_TALLY_FLUSH_SECONDS)
    if interval <= 0:
        _write([row])
        return
    with _lock:
        _pending.append(row)
        _ensure_worker(interval)


def tally_flush() -> int:
    """Write every queued row now; returns how many were written."""
    with _lock:
        rows = _pending[:]
        _pending.clear()
    if rows:
        _write(rows)
    return len(rows)


def _write(rows: list[dict[str, Any]]) -> None:
    from .models import AdviceTally

    try:
        AdviceTally.objects.bulk_create([AdviceTally(**row) for row in rows])
    except DatabaseError as exc:  # an advice is still worth giving when the tally cannot be written
        logger.warning("advice tally: %d row(s) not recorded: %s: %s", len(rows), type(exc).__name__, exc)


def _ensure_worker(interval: float) -> None:
    global _worker
    if _worker is not None and _worker.is_alive():
        return

    def run() -> None:
        while True:
            _wake.wait(interval)
            _wake.clear()
            tally_flush()
            close_old_connections()

    _worker = threading.Thread(target=run, name="advice-tally", daemon=True)
    _worker.start()


atexit.register(tally_flush)
