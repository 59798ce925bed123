"""The anonymous advice tally (codes, date, content_version — never personal data): one row per advice.

An advice appends its row as one JSON line to this process's spool file (`ADVICE_TALLY_SPOOL_DIR`). Once the
file is older than `ADVICE_TALLY_FLUSH_SECONDS`, the next advice hands it over (a rename and a close) and
enqueues the Django Task `tally_store`, which stores the file's rows in one INSERT: one
task row per file, not per advice. A process that ends hands its file over in the same way.
Why not one INSERT per advice: on SQLite every INSERT takes the database's single write lock, and with
many advice requests at once they queued behind each other (advice throughput fell from 0.3× to 0.1× the
trivial endpoint's, docs/performance.md). A line in a file costs one `write()` and takes no lock that
another process waits for.

Nothing is lost on a crash of the process: the line is in the file (the kernel's page cache) once
`write()` returns. Each process holds an exclusive `flock` on the file it appends to; a file whose lock is
free was handed over or belongs to a process that has gone, and the task (or `wegwijzer tally flush`)
stores it. Each file is ingested exactly once: its name is stored in `TallySpool` in the
same transaction as its rows, so a file ingested but not yet deleted when a process died is only deleted.

With `ADVICE_TALLY_FLUSH_SECONDS=0` each row is written at once (the test suite; a single-user setup).
A failed write is logged and the advice is still given.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import logging
import os
import socket
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.tasks import task
from django.utils import timezone

from .models import AdviceTally, TallySpool

logger = logging.getLogger("wegwijzer.routeguide")

_KEEP_NAMES = timedelta(days=7)
_SPOOL_SUFFIX = ".jsonl"
_READY_SUFFIX = ".ready"


def tally_record(row: dict[str, Any]) -> None:
    """Record one tally row of AdviceTally field values (without `date`: today is added here)."""
    row = {"date": timezone.localdate().isoformat(), **row}  # the day of the advice, not of the flush
    try:
        if _flush_seconds() <= 0:
            AdviceTally.objects.create(**row)
        else:
            _spool().append(row)
    except (DatabaseError, OSError) as exc:  # an advice is still worth giving when the tally cannot be written
        logger.warning("advice tally: row not recorded: %s: %s", type(exc).__name__, exc)


def tally_flush() -> int:
    """Hand over this process's file and store every spool file no process appends to; the rows stored."""
    spool = _SPOOL.get(os.getpid())
    if spool is not None:
        spool.hand_over()
    return ingest_abandoned(spool_dir())


# The tally fields that make up a situation: GROUP BY these and `situation_data` gives back what the engine
# reads (inzicht's advice figures and a draft's effect run the engine once per distinct group).
SITUATION_FIELDS = ("route", "phase", "reporter", "wijk", "concerns", "flags", "weeks_since_birth", "involved")


def situation_data(group: dict[str, Any]) -> dict[str, Any]:
    """The situation (without `route`) of one tally group, as `validate_situation` takes it."""
    data: dict[str, Any] = {
        "phase": group["phase"], "reporter": group["reporter"], "wijk": group["wijk"] or None,
        "concerns": list(group["concerns"] or []), "weeks_since_birth": group["weeks_since_birth"],
        **{k: v for k, v in (group["flags"] or {}).items() if v is not None},
    }
    if group.get("involved"):
        data["involved"] = list(group["involved"])
    return data


def spool_dir() -> Path:
    return Path(settings.ADVICE_TALLY_SPOOL_DIR)


def _flush_seconds() -> float:
    return float(settings.ADVICE_TALLY_FLUSH_SECONDS)


class _Spool:
    """This process's spool file: appended under a thread lock, handed over by the advice that finds it old."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.lock = threading.Lock()
        self.fd: int | None = None
        self.path: Path | None = None
        self.opened_at = 0.0

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:12]}{_SPOOL_SUFFIX}"
        self.path = self.directory / name
        self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # ours while we append to it
        self.opened_at = time.monotonic()

    def append(self, row: dict[str, Any]) -> None:
        line = (json.dumps(row, separators=(",", ":"), sort_keys=True) + "\n").encode()
        with self.lock:
            if self.fd is None:
                self._open()
            assert self.fd is not None
            os.write(self.fd, line)  # one write of one line on an O_APPEND file: whole lines only
            handed_over = time.monotonic() - self.opened_at >= _flush_seconds() and self._hand_over()
        if handed_over:
            _enqueue_store()

    def _hand_over(self) -> bool:
        """Rename the file to `.ready` and close it (its lock goes with it): the task may store it now."""
        if self.fd is None or self.path is None:
            return False
        os.rename(self.path, self.path.with_suffix(_READY_SUFFIX))
        os.close(self.fd)
        self.fd = self.path = None
        return True

    def hand_over(self) -> bool:
        with self.lock:
            return self._hand_over()


@task
def tally_store() -> int:
    """The Django Task: store the rows of every spool file no process appends to any more; the rows stored.
    Safe to run twice, or at once in two workers: each file is stored once."""
    return ingest_abandoned(spool_dir())


def _enqueue_store() -> None:
    try:
        tally_store.enqueue()
    except Exception as exc:  # the file waits for the next task or `wegwijzer tally flush`
        logger.warning("advice tally: store task not queued: %s: %s", type(exc).__name__, exc)


_SPOOL: dict[int, _Spool] = {}  # per process id: a forked worker opens its own file, never its parent's
_SPOOL_LOCK = threading.Lock()


def _spool() -> _Spool:
    pid = os.getpid()
    spool = _SPOOL.get(pid)
    if spool is None:
        with _SPOOL_LOCK:
            spool = _SPOOL.setdefault(pid, _Spool(spool_dir()))
    return spool


def _ingest(path: Path, fd: int) -> int:
    """Store the rows of one locked spool file, once, then delete it. Raises on a database error (file kept)."""
    with open(path, "rb") as handle:
        lines = handle.read().splitlines()
    rows = []
    for number, line in enumerate(lines, start=1):
        try:
            rows.append(AdviceTally(**json.loads(line)))
        except (ValueError, TypeError) as exc:  # a torn last line after a machine crash: skip it, say so
            logger.warning("advice tally: %s line %d skipped: %s", path.name, number, exc)
    try:
        with transaction.atomic():
            TallySpool.objects.create(name=path.name, rows=len(rows))
            AdviceTally.objects.bulk_create(rows, batch_size=500)
            # A file can only come back within seconds of being stored (a crash before its unlink below).
            TallySpool.objects.filter(stored_at__lt=timezone.now() - _KEEP_NAMES).delete()
    except IntegrityError:  # stored before, by a process that died before deleting the file
        logger.info("advice tally: %s was stored before; deleting it", path.name)
        rows = []
    path.unlink(missing_ok=True)
    return len(rows)


def ingest_abandoned(directory: Path) -> int:
    """Ingest spool files whose process has gone (their lock is free)."""
    if not directory.is_dir():
        return 0
    stored = 0
    for path in sorted(directory.iterdir()):
        if path.suffix not in (_SPOOL_SUFFIX, _READY_SUFFIX):
            continue
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:  # ingested by another process a moment ago
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # its process lives, or another one is ingesting it now
            os.close(fd)
            continue
        try:
            if path.exists():
                stored += _ingest(path, fd)
        finally:
            os.close(fd)
    return stored


@atexit.register
def _hand_over_at_exit() -> None:  # pragma: no cover - runs when a worker process ends normally
    spool = _SPOOL.get(os.getpid())
    if spool is not None and spool.hand_over():
        _enqueue_store()
