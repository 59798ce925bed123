"""The on-disk search index of this host: one writer keeps it current, every process reads it.

Layout under `settings.SEARCH_INDEX_DIR`:

    CURRENT                 name of the generation readers use (replaced atomically on a full rebuild)
    indexer.lock            flock held by the one process that writes (the `search_index --follow` indexer)
    gen-<counter>-<ns>/     one generation: tantivy/ (the index), vocabulary.txt (+ vocabulary-extra.txt,
                            appended by per-record updates) and state.json (the change counter it reflects)

The writer (`follow_once`) compares the database's change counter with the generation's state: equal ->
nothing; a few logged records -> delete by id + add, commit (readers reload); the whole map, a gap in the
log, another database (epoch) or a changed synonyms file -> build a new generation aside and point CURRENT
at it. Readers (`current()`) look at CURRENT and state.json at most once per `SEARCH_STAMP_SECONDS` (two
stat calls) and reload or switch; a search never waits for that: the thread that refreshes holds a lock
the others skip. Without a running indexer (tests, the `wegwijzer search` CLI, the dev server) the
process that notices a change does the writer's step itself, under the same flock
(`SEARCH_BUILD_IN_PROCESS`, on by default; `serve` turns it off in its web workers).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from wegwijzer.core.health import Check

from .. import changes
from . import synonyms as synonyms_mod
from .documents import search_documents
from .index import INDEX_FORMAT, SearchIndex

logger = logging.getLogger("wegwijzer.search")

POINTER = "CURRENT"
LOCK_FILE = "indexer.lock"
STATE_FILE = "state.json"
VOCABULARY = "vocabulary.txt"
VOCABULARY_EXTRA = "vocabulary-extra.txt"
TANTIVY_DIR = "tantivy"


def index_root() -> Path:
    return Path(settings.SEARCH_INDEX_DIR)


def synonyms_path() -> Path:
    return Path(settings.CONTENT_DIR) / "search" / "synonyms.yaml"


def _synonyms_mtime() -> int:
    try:
        return os.stat(synonyms_path()).st_mtime_ns
    except OSError:
        return 0


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)  # readers see the old file or the new one, never half of one


# ---------------------------------------------------------------------- the writer's lock


@contextlib.contextmanager
def writer_lock(root: Path, *, blocking: bool) -> Iterator[bool]:
    """The host's one-writer lock (flock: released when the process dies). Yields whether we hold it."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def writer_busy(root: Path | None = None) -> bool:
    """Does another process (or thread) hold the writer lock right now (an indexer runs)?"""
    with writer_lock(root or index_root(), blocking=False) as got:
        return not got


# ---------------------------------------------------------------------- generations on disk


@dataclass(frozen=True)
class Generation:
    path: Path
    state: dict[str, Any]
    key: tuple[str, int]  # (generation, state.json mtime): changes whenever the writer commits


def generation_current(root: Path | None = None) -> Generation | None:
    """The generation CURRENT names, with its state; None when there is no index on disk yet."""
    root = root or index_root()
    try:
        name = (root / POINTER).read_text(encoding="utf-8").strip()
        path = root / name
        stat = os.stat(path / STATE_FILE)
        state = json.loads((path / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Generation(path, state, (name, stat.st_mtime_ns))


def _read_vocabulary(path: Path, offset: int = 0) -> tuple[list[str], int]:
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read()
    except OSError:
        return [], offset
    end = data.rfind(b"\n") + 1  # only whole lines: the writer may be appending
    return data[:end].decode("utf-8").split(), offset + end


def _write_state(path: Path, state: dict[str, Any]) -> None:
    state = {**state, "updated_at": time.time()}
    _write_atomic(path / STATE_FILE, json.dumps(state, sort_keys=True))


def _build_generation(root: Path, counter: changes.Counter) -> Generation:
    """Build a whole new generation aside and make it current (readers switch on their next check)."""
    started = time.perf_counter()
    synonyms_mtime = _synonyms_mtime()
    synonyms = synonyms_mod.load(synonyms_path())
    documents = search_documents()  # after reading the counter: a change in between is applied again later
    name = f"gen-{counter.value}-{time.time_ns()}"
    path = root / name
    index = SearchIndex(documents, synonyms, path=path / TANTIVY_DIR)
    (path / VOCABULARY).write_text("\n".join(sorted(index.corpus_vocabulary)) + "\n", encoding="utf-8")
    (path / VOCABULARY_EXTRA).touch()
    state = {
        "counter": counter.value, "epoch": counter.epoch, "synonyms_mtime": synonyms_mtime,
        "built_at": time.time(), "build_seconds": round(time.perf_counter() - started, 3),
        "documents": len(documents), "format": INDEX_FORMAT,
    }
    _write_state(path, state)
    _write_atomic(root / POINTER, name + "\n")
    _prune_generations(root, keep={name})
    _opened.update(index=index, key=None, path=path / TANTIVY_DIR, extra_offset=0)
    logger.info("search index built: %d records in %.1f s (%s)", len(documents), state["build_seconds"], name)
    generation = generation_current(root)
    assert generation is not None
    return generation


def _prune_generations(root: Path, keep: set[str]) -> None:
    """Remove all but the newest generations: a reader that still has an old one open keeps its mmaps."""
    gens = sorted((p for p in root.glob("gen-*") if p.is_dir()), key=lambda p: p.stat().st_mtime_ns)
    for old in gens[:-2]:
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------------- the writer's step


# The index this process has open, for writing and reading alike (one per process).
_opened: dict[str, Any] = {"index": None, "key": None, "path": None, "extra_offset": 0}


def _settle_heap() -> None:
    """Leave what this process holds for good (Django, the opened index and its vocabulary) out of the
    garbage collector's full passes: at 50,000 services a full pass over it took ~56 ms (bench: the
    worker's gen-2 collection), inside whichever search's thread triggered it. Frozen objects are still
    freed by reference counting; the previous index's cycles are collected once here, on the next open."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _open(generation: Generation) -> SearchIndex:
    """This process's SearchIndex for a generation: opened once, reloaded when its state changed."""
    tantivy_path = generation.path / TANTIVY_DIR
    index: SearchIndex | None = _opened["index"]
    if index is None or _opened["path"] != tantivy_path:
        words, _end = _read_vocabulary(generation.path / VOCABULARY)
        extra, offset = _read_vocabulary(generation.path / VOCABULARY_EXTRA)
        index = SearchIndex.open(
            tantivy_path, [*words, *extra], synonyms_mod.load(synonyms_path()),
            index_format=int(generation.state.get("format", 1)),
        )
        _opened.update(index=index, key=generation.key, path=tantivy_path, extra_offset=offset)
        if settings.SEARCH_GC_FREEZE:
            _settle_heap()
    elif _opened["key"] != generation.key:
        extra, offset = _read_vocabulary(generation.path / VOCABULARY_EXTRA, _opened["extra_offset"])
        index.add_vocabulary(extra)
        index.index.reload()
        _opened.update(key=generation.key, extra_offset=offset)
    return index


def follow_once(*, root: Path | None = None, rebuild: bool = False) -> str:
    """One step of the writer: bring the on-disk index up to the database's change counter.

    The caller holds the writer lock. Returns what it did: "fresh", "updated N", or "rebuilt".
    """
    root = root or index_root()
    counter = changes.counter_read()
    generation = generation_current(root)
    if rebuild or generation is None:
        _build_generation(root, counter)
        return "rebuilt"
    state = generation.state
    if (
        state.get("epoch") != counter.epoch
        or state.get("synonyms_mtime") != _synonyms_mtime()
        or state.get("format", 1) != INDEX_FORMAT  # written by an older version: its readers still work, slower
    ):
        _build_generation(root, counter)
        return "rebuilt"
    applied = int(state.get("counter", -1))
    if counter.value == applied:
        return "fresh"
    limit = int(settings.SEARCH_UPDATE_MAX_RECORDS)
    rows = changes.changes_since(applied, limit=limit + 1)
    if (
        counter.value < applied  # the database went back (a restore): start again
        or not rows
        or rows[0][0] != applied + 1  # pruned past us: we cannot know what changed
        or len(rows) > limit
        or any(kind == changes.KIND_ALL or kind not in changes.KIND_MODELS for _seq, kind, _rid in rows)
    ):
        _build_generation(root, counter)
        return "rebuilt"
    wanted: dict[str, set[str]] = {}
    for _seq, kind, rid in rows:
        if rid:
            wanted.setdefault(kind, set()).add(rid)
    index = _open(generation)
    documents = search_documents(only=wanted)
    new_words = index.apply(upserts=documents, removed=[rid for ids in wanted.values() for rid in ids])
    if new_words:
        with open(generation.path / VOCABULARY_EXTRA, "a", encoding="utf-8") as f:
            f.write("\n".join(sorted(new_words)) + "\n")
    _write_state(generation.path, {**state, "counter": rows[-1][0], "documents": index.size})
    refreshed = generation_current(root)
    if refreshed is not None:  # this process's own copy is current already: no reload on the next check
        _opened.update(key=refreshed.key)
        _opened["extra_offset"] = os.stat(generation.path / VOCABULARY_EXTRA).st_size
    return f"updated {sum(len(ids) for ids in wanted.values())}"


def rebuild(*, root: Path | None = None) -> str:
    """A full rebuild now: done here when no indexer runs, else asked of the running indexer."""
    root = root or index_root()
    with writer_lock(root, blocking=False) as got:
        if got:
            follow_once(root=root, rebuild=True)
            return "rebuilt"
    changes.changes_record_all()  # the indexer sees an `all` change and rebuilds aside
    return "requested"


def _lower_priority(increment: int) -> None:
    """Give the indexer's CPU to searches first: on a host whose cores the web workers keep busy, an edit's
    update otherwise takes a core from them exactly while they search (bench/search_lifecycle_bench.py:
    the worst search during an edit at 50,000 services). Linux applies nice per thread; the writer's threads,
    started after this, inherit it. Its own work per edit is milliseconds, so an edit stays searchable as fast."""
    if increment > 0:
        try:
            os.nice(increment)
        except OSError:  # not permitted here: run at the normal priority
            logger.warning("search indexer could not lower its CPU priority")


def follow(*, stop: threading.Event, root: Path | None = None, log: Any = None) -> None:
    """The indexer's loop (`search_index --follow`): hold the writer lock, apply changes as they come.

    A failing step (database down, disk full) is logged and retried; searches keep the last index meanwhile.
    """
    from django.db import DatabaseError, connection

    root = root or index_root()
    log = log or logger.info
    with writer_lock(root, blocking=True):
        _lower_priority(int(settings.SEARCH_INDEXER_NICE))
        log(_("Zoekindexer volgt de sociale kaart in %(root)s.") % {"root": root})
        pruned_at = 0.0
        failures = 0
        while not stop.is_set():
            try:
                done = follow_once(root=root)
                if done != "fresh":
                    log(_("Zoekindex bijgewerkt: %(what)s.") % {"what": done})
                if time.monotonic() - pruned_at > 300:
                    changes.changes_prune(keep=int(settings.SEARCH_CHANGELOG_KEEP))
                    pruned_at = time.monotonic()
                failures = 0
            except (DatabaseError, OSError) as e:
                failures += 1
                logger.warning("search indexer step failed (%d in a row): %s", failures, e)
                connection.close()  # a fresh connection on the next step
                stop.wait(min(30.0, float(settings.SEARCH_FOLLOW_SECONDS) * 2**failures))
                continue
            stop.wait(float(settings.SEARCH_FOLLOW_SECONDS))


# ---------------------------------------------------------------------- readers (every process)

_refresh_lock = threading.Lock()
_reader: dict[str, Any] = {"index": None, "root": None, "checked": 0.0}


def stamp_interval() -> float:
    """Seconds between freshness checks (settings.SEARCH_STAMP_SECONDS; tests set 0)."""
    return float(settings.SEARCH_STAMP_SECONDS)


def _refresh(root: Path) -> None:
    if settings.SEARCH_BUILD_IN_PROCESS:
        from django.db import DatabaseError

        with writer_lock(root, blocking=False) as got:
            if got:  # no indexer runs: this process does its step (other threads keep searching)
                try:
                    follow_once(root=root)
                except DatabaseError:  # database away: keep serving what is on disk (if anything)
                    if generation_current(root) is None:
                        raise
                    logger.warning("search index not brought up to date: database unavailable", exc_info=True)
    generation = generation_current(root)
    deadline = time.monotonic() + float(settings.SEARCH_WAIT_SECONDS)
    while generation is None and _reader["index"] is None and time.monotonic() < deadline:
        time.sleep(0.1)  # another process is building the first index: wait for it, once
        generation = generation_current(root)
    if generation is not None:
        _reader.update(index=_open(generation), root=root)
    elif _reader["index"] is None:
        logger.warning("no search index on disk in %s yet; searching an empty one", root)
        _reader.update(index=SearchIndex(), root=None)  # root None: look again on the next search
    _reader["checked"] = time.monotonic()


def current() -> SearchIndex:
    """This process's index of the map, current to within SEARCH_STAMP_SECONDS.

    One thread at a time refreshes; the others keep searching the index they have (they only wait when
    there is none yet)."""
    root = index_root()
    index: SearchIndex | None = _reader["index"]
    have = index is not None and _reader["root"] == root
    if have and time.monotonic() - _reader["checked"] < stamp_interval():
        return index  # type: ignore[return-value]
    if not _refresh_lock.acquire(blocking=not have):
        return index  # type: ignore[return-value]
    try:
        if _reader["root"] != root:
            _reader.update(index=None, root=None)
            _opened.update(index=None, key=None, path=None, extra_offset=0)
        _refresh(root)
    finally:
        _refresh_lock.release()
    return _reader["index"]  # type: ignore[no-any-return]


# ---------------------------------------------------------------------- status


def status(root: Path | None = None) -> dict[str, Any]:
    """What `search_index --status` prints: the database's counter, the index's, the lag."""
    root = root or index_root()
    counter = changes.counter_read()
    generation = generation_current(root)
    out: dict[str, Any] = {
        "root": str(root), "database_counter": counter.value, "indexer_running": writer_busy(root),
        "generation": None, "index_counter": None, "lag": None, "documents": None, "updated_seconds_ago": None,
    }
    if generation is not None:
        state = generation.state
        out.update(
            generation=generation.path.name, index_counter=state.get("counter"),
            lag=counter.value - int(state.get("counter", 0)) if state.get("epoch") == counter.epoch else None,
            documents=state.get("documents"),
            updated_seconds_ago=round(time.time() - float(state.get("updated_at", 0)), 1),
        )
    return out


def readiness_check() -> Check:
    """Readiness: this process's index opens and holds records."""
    index = current()
    if not index.size:
        return Check("search_index", False, _("De zoekindex is leeg."))
    return Check("search_index", True, _("De zoekindex bevat %(n)d records.") % {"n": index.size})
