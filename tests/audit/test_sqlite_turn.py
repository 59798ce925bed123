"""audit.sqlite_turn: writers of one host take turns (threads by a lock, processes by an flock)."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from types import SimpleNamespace

from wegwijzer.audit.sqlite_turn import write_turn


def sqlite_connection(name: str, *, atomic: bool = False) -> SimpleNamespace:
    return SimpleNamespace(vendor="sqlite", in_atomic_block=atomic, settings_dict={"NAME": name})


def test_threads_take_turns(tmp_path):
    connection = sqlite_connection(str(tmp_path / "db.sqlite3"))
    inside, overlaps = [0], [0]
    guard = threading.Lock()

    def writer() -> None:
        for _ in range(20):
            with write_turn(connection):
                with guard:
                    inside[0] += 1
                    overlaps[0] += inside[0] > 1
                time.sleep(0.0005)
                with guard:
                    inside[0] -= 1

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps[0] == 0


def test_the_turn_is_an_flock_beside_the_database(tmp_path):
    database = str(tmp_path / "db.sqlite3")
    with write_turn(sqlite_connection(database)):
        other = os.open(f"{database}.writer-turn", os.O_RDWR)  # another open file, as another process has
        try:
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
                taken = False
            except BlockingIOError:
                taken = True
        finally:
            os.close(other)
    assert taken
    other = os.open(f"{database}.writer-turn", os.O_RDWR)
    try:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released after the turn
    finally:
        os.close(other)


def test_no_turn_inside_a_transaction_in_memory_or_on_other_databases(tmp_path):
    for connection in (
        sqlite_connection(str(tmp_path / "db.sqlite3"), atomic=True),
        sqlite_connection(":memory:"),
        SimpleNamespace(vendor="postgresql", in_atomic_block=False, settings_dict={"NAME": "x"}),
    ):
        with write_turn(connection):
            pass
    assert not (tmp_path / "db.sqlite3.writer-turn").exists()
