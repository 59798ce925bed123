"""Taking turns for SQLite's one writer, without its busy handler's sleeps.

SQLite lets one connection write at a time; a second writer waits in the busy handler, which sleeps
1, 2, 5, 10 … 100 ms between retries and so wakes long after the lock was freed. Under load (every case
read appends an access-log row) those sleeps, not the writes, capped throughput: the case read served half
the requests when 16 threads met there. `write_turn(connection)` queues the writers of a host instead: a
thread lock within the process, then an `flock` on a file beside the database across processes (the
`serve` workers); both wake the next writer the moment the turn is released. Only for one autocommitted
statement — a transaction holds SQLite's lock until its commit, which a turn here cannot span — and a
no-op on other databases and on in-memory SQLite.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_thread_turn = threading.Lock()
_files: dict[tuple[int, str], int] = {}
_files_lock = threading.Lock()


def _lock_file(database: str) -> int | None:
    if not database or database == ":memory:" or database.startswith("file:") or "mode=memory" in database:
        return None
    # Per process: an flock belongs to the open file, which a forked worker would share with its parent.
    key = (os.getpid(), database)
    with _files_lock:
        fd = _files.get(key)
        if fd is None:
            fd = _files[key] = os.open(f"{database}.writer-turn", os.O_RDWR | os.O_CREAT, 0o600)
        return fd


@contextmanager
def write_turn(connection: Any) -> Iterator[None]:
    """Hold the host's SQLite writer turn around one autocommitted write (no-op elsewhere)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    fd = _lock_file(str(connection.settings_dict.get("NAME") or ""))
    with _thread_turn:
        if fd is None:
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
