"""The anonymous advice tally: one row per advice, codes only; a failed write is no error. Spooled: rows wait
in a per-process file and reach the database in one INSERT, and survive the process being killed."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from django.core.management import call_command
from django.db import DatabaseError

from wegwijzer.routeguide import service, tally
from wegwijzer.routeguide.models import AdviceTally, TallySpool

SITUATION = {
    "phase": "zwangerschap",
    "reporter": "verloskundige",
    "wijk": "overvecht",
    "concerns": ["geen-netwerk", "jong-ouderschap"],
    "buurtteam_involved": False,
}


@pytest.mark.django_db
def test_each_advice_writes_one_tally_row_at_once():
    service.advise(SITUATION)
    assert AdviceTally.objects.count() == 1
    service.advise({**SITUATION, "wijk": None})
    rows = list(AdviceTally.objects.order_by("wijk").values("phase", "reporter", "wijk", "concerns", "content_version"))
    version = service.ruleset().content_version
    assert rows == [
        {"phase": "zwangerschap", "reporter": "verloskundige", "wijk": "", "concerns": ["geen-netwerk", "jong-ouderschap"],
         "content_version": version},
        {"phase": "zwangerschap", "reporter": "verloskundige", "wijk": "overvecht",
         "concerns": ["geen-netwerk", "jong-ouderschap"], "content_version": version},
    ]


@pytest.mark.django_db
def test_no_tally_when_asked():
    service.advise(SITUATION, tally=False)
    assert AdviceTally.objects.count() == 0
    service.advise(SITUATION)
    assert AdviceTally.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_tally_write_still_gives_the_advice(monkeypatch, caplog):
    def broken(**row):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(AdviceTally.objects, "create", broken)
    advice = service.advise(SITUATION)
    assert advice["involve"]
    assert "advice tally: row not recorded" in caplog.text


# --- the spool: rows wait in a per-process file and reach the database in one INSERT -----------------



@pytest.fixture
def spool(settings, tmp_path):
    settings.ADVICE_TALLY_FLUSH_SECONDS = 60  # no file is handed over during the test unless it says so
    settings.ADVICE_TALLY_SPOOL_DIR = tmp_path
    tally._SPOOL.clear()
    yield tmp_path
    for each in tally._SPOOL.values():
        if each.fd is not None:
            os.close(each.fd)
    tally._SPOOL.clear()


def _row(**extra):
    return {"date": "2026-12-01", "phase": "zwangerschap", "reporter": "verloskundige", "wijk": "", "concerns": [],
            "flags": {}, "weeks_since_birth": None, "content_version": "v1", **extra}


@pytest.mark.django_db
def test_spooled_rows_reach_the_database_in_one_flush(spool, django_assert_max_num_queries):
    for _ in range(3):
        service.advise(SITUATION)
    assert AdviceTally.objects.count() == 0
    [path] = spool.iterdir()
    assert len(path.read_text().splitlines()) == 3
    with django_assert_max_num_queries(6):  # savepoint, spool name, one INSERT for the rows, prune
        assert tally.tally_flush() == 3
    assert AdviceTally.objects.filter(phase="zwangerschap", wijk="overvecht").count() == 3
    assert list(spool.iterdir()) == []
    assert TallySpool.objects.get().rows == 3
    service.advise(SITUATION)  # a new file after the flush
    assert tally.tally_flush() == 1
    assert AdviceTally.objects.count() == 4


@pytest.mark.django_db
def test_an_abandoned_file_is_stored_and_a_live_one_is_left(spool):
    (spool / "gone-1-a.jsonl").write_text(json.dumps(_row(wijk="noordoost")) + "\n" + json.dumps(_row()) + "\n")
    live = spool / "live-2-b.jsonl"
    live.write_text(json.dumps(_row(wijk="zuid")) + "\n")
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as its living process holds it
    try:
        assert tally.tally_flush() == 2
        assert live.exists()
    finally:
        os.close(fd)
    assert set(AdviceTally.objects.values_list("wijk", flat=True)) == {"noordoost", ""}
    assert tally.tally_flush() == 1  # its process has gone now
    assert AdviceTally.objects.filter(wijk="zuid").count() == 1


@pytest.mark.django_db
def test_a_file_stored_before_is_deleted_not_stored_twice(spool):
    (spool / "twice-1-a.ready").write_text(json.dumps(_row()) + "\n")
    TallySpool.objects.create(name="twice-1-a.ready", rows=1)
    assert tally.tally_flush() == 0
    assert AdviceTally.objects.count() == 0
    assert list(spool.iterdir()) == []


@pytest.mark.django_db
def test_a_torn_last_line_is_skipped_and_the_rest_stored(spool, caplog):
    (spool / "torn-1-a.jsonl").write_text(json.dumps(_row()) + "\n" + '{"date": "2026-12-0')
    assert tally.tally_flush() == 1
    assert "line 2 skipped" in caplog.text


@pytest.mark.django_db
def test_a_database_error_keeps_the_file_for_the_next_flush(spool, monkeypatch):
    service.advise(SITUATION)

    def broken(*args, **kwargs):
        raise tally.DatabaseError("database is locked")

    monkeypatch.setattr(AdviceTally.objects, "bulk_create", broken)
    with pytest.raises(tally.DatabaseError):
        tally.tally_flush()
    [kept] = spool.iterdir()
    assert kept.suffix == ".ready"
    monkeypatch.undo()
    tally._SPOOL.clear()
    assert tally.tally_flush() == 1
    assert AdviceTally.objects.count() == 1


@pytest.mark.django_db
def test_rows_of_a_killed_process_survive_and_are_stored(spool):
    code = (
        "import os, signal, django; django.setup();"
        "from wegwijzer.routeguide import tally;"
        "[tally.tally_record({'phase': 'kraamperiode', 'reporter': 'kraamzorg', 'wijk': '', 'concerns': [],"
        " 'flags': {}, 'weeks_since_birth': 1, 'content_version': 'v1'}) for _ in range(5)];"
        "os.kill(os.getpid(), signal.SIGKILL)"
    )
    env = {**os.environ, "ADVICE_TALLY_SPOOL_DIR": str(spool), "ADVICE_TALLY_FLUSH_SECONDS": "60",
           "DJANGO_SETTINGS_MODULE": "wegwijzer.conf.settings"}
    result = subprocess.run([sys.executable, "-c", code], env=env, timeout=60, capture_output=True)
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()
    assert tally.tally_flush() == 5
    assert AdviceTally.objects.filter(phase="kraamperiode").count() == 5


@pytest.mark.django_db
def test_an_old_file_is_handed_over_and_stored_by_the_task(spool, settings, monkeypatch):
    queued = []
    monkeypatch.setattr(tally, "_enqueue_store", lambda: queued.append(1))
    service.advise(SITUATION)  # a fresh file: kept
    assert queued == [] and AdviceTally.objects.count() == 0
    settings.ADVICE_TALLY_FLUSH_SECONDS = 0.001
    time.sleep(0.01)
    service.advise(SITUATION)  # the file is old now: handed over, the store task queued once
    assert queued == [1]
    [ready] = spool.iterdir()
    assert ready.suffix == ".ready"
    assert tally.tally_store.call() == 2  # what the task worker runs
    assert AdviceTally.objects.count() == 2
    assert list(spool.iterdir()) == []


@pytest.mark.django_db
def test_with_tasks_run_inline_the_handing_over_advice_stores_the_rows(spool, settings):
    service.advise(SITUATION)
    settings.ADVICE_TALLY_FLUSH_SECONDS = 0.001
    time.sleep(0.01)
    service.advise(SITUATION)  # the test settings run tasks at once (ImmediateBackend)
    assert AdviceTally.objects.count() == 2


@pytest.mark.django_db
def test_the_flush_command_reports_what_it_stored(spool, capsys):
    (spool / "gone-1-a.jsonl").write_text(json.dumps(_row()) + "\n")
    call_command("tally", "flush")
    assert "1 rij opgeslagen" in capsys.readouterr().out
