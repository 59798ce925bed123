"""`wegwijzer serve` runs one task worker (`wegwijzer db_worker`) beside gunicorn: started with it, started
again when it dies, stopped when the server stops; none with the immediate backend or --no-task-worker."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

from wegwijzer.core.management.commands import serve

WEGWIJZER = Path(sys.executable).parent / "wegwijzer"
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


def _wait_for(condition, what: str, seconds: float = 30.0):
    """Poll until condition() is truthy; a bound, not a timing assertion."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds}s for {what}")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/stat").is_file() and Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"


# ---- the TaskWorker helper ----


@pytest.fixture
def worker():
    made: list[serve.TaskWorker] = []

    def make(argv=SLEEPER, **options) -> serve.TaskWorker:
        task_worker = serve.TaskWorker(argv, log=lambda message: None, **options)
        made.append(task_worker)
        return task_worker

    yield make
    for task_worker in made:  # never leave a child behind, whatever the test did
        if task_worker.process and task_worker.process.poll() is None:
            task_worker.process.kill()
            task_worker.process.wait()


def test_worker_starts_and_stops_with_one_sigterm(worker):
    task_worker = worker()
    task_worker.start()
    assert task_worker.alive()
    task_worker.stop()
    assert not task_worker.alive()
    assert task_worker.process.returncode == -signal.SIGTERM


def test_a_dead_worker_is_started_again(worker):
    task_worker = worker(restart_after=0)
    task_worker.start()
    first = task_worker.pid
    task_worker.process.kill()
    task_worker.process.wait()
    task_worker.keep_alive()
    assert task_worker.pid != first
    assert task_worker.alive()


def test_a_worker_that_dies_at_once_is_not_restarted_in_a_tight_loop(worker):
    task_worker = worker(restart_after=3600)
    task_worker.start()
    first = task_worker.pid
    task_worker.process.kill()
    task_worker.process.wait()
    task_worker.keep_alive()
    assert task_worker.pid == first
    assert not task_worker.alive()


def test_only_the_owning_process_stops_or_restarts_the_worker(worker):
    """gunicorn's forked web workers unwind through serve's frames when they exit: they must leave the
    task worker alone."""
    task_worker = worker(restart_after=0)
    task_worker.start()
    task_worker.owner = -1  # as seen from a forked child
    task_worker.stop()
    assert task_worker.alive()
    task_worker.process.kill()
    task_worker.process.wait()
    task_worker.keep_alive()
    assert not task_worker.alive()


def test_a_worker_that_ignores_sigterm_is_killed_after_the_timeout(worker, tmp_path):
    ready = tmp_path / "ready"
    code = (
        "import pathlib, signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "pathlib.Path(sys.argv[1]).touch(); time.sleep(120)"
    )
    task_worker = worker([sys.executable, "-c", code, str(ready)], stop_timeout=0.2)
    task_worker.start()
    _wait_for(ready.exists, "the child to ignore SIGTERM")
    task_worker.stop()
    assert task_worker.process.returncode == -signal.SIGKILL


def test_the_worker_command_is_the_librarys_db_worker_without_the_reloader():
    argv = serve.task_worker_argv(1)
    assert argv[:4] == [sys.executable, "-m", "wegwijzer.cli", "db_worker"]
    assert "--no-reload" in argv


# ---- which backends get a worker (gunicorn itself is not started) ----


@pytest.fixture
def started(monkeypatch):
    from gunicorn.arbiter import Arbiter

    calls: list[str] = []
    monkeypatch.setattr(serve.TaskWorker, "start", lambda self: calls.append("start"))
    monkeypatch.setattr(serve.TaskWorker, "stop", lambda self: calls.append("stop"))
    monkeypatch.setattr(Arbiter, "run", lambda self: calls.append("gunicorn"))
    return calls


def test_serve_on_the_database_backend_runs_a_worker_around_gunicorn(settings, started):
    settings.TASKS = DATABASE
    call_command("serve", port=8765, search_indexer=False)
    assert started == ["start", "gunicorn", "stop"]


def test_serve_stops_the_worker_when_gunicorn_fails(settings, monkeypatch, started):
    from gunicorn.arbiter import Arbiter

    def crash(self):
        started.append("gunicorn")
        raise SystemExit(1)

    monkeypatch.setattr(Arbiter, "run", crash)
    settings.TASKS = DATABASE
    with pytest.raises(SystemExit):
        call_command("serve", port=8765)
    assert started == ["start", "start", "gunicorn", "stop", "stop"]  # task worker and search indexer


@pytest.mark.parametrize(("backend", "options"), [("immediate", {}), ("database", {"task_worker": False})])
def test_no_worker_with_the_immediate_backend_or_when_asked(settings, started, backend, options):
    settings.TASKS = {"database": DATABASE, "immediate": IMMEDIATE}[backend]
    call_command("serve", port=8765, search_indexer=False, **options)
    assert started == ["gunicorn"]


def test_serve_runs_the_search_indexer_and_its_workers_only_read(settings, started, monkeypatch):
    settings.TASKS = IMMEDIATE
    monkeypatch.setattr(settings, "SEARCH_BUILD_IN_PROCESS", True)
    call_command("serve", port=8765)
    assert started == ["start", "gunicorn", "stop"]
    assert settings.SEARCH_BUILD_IN_PROCESS is False  # the web workers forked after this only read the index
    assert serve.search_indexer_argv(1)[3:5] == ["search_index", "--follow"]


# ---- the real thing: `wegwijzer serve` from a fresh data folder ----


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _task_worker_of(pid: int) -> int | None:
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid and b"db_worker" in cmdline:
            return int(proc.name)
    return None


def _health(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc (Linux)")
def test_serve_runs_queued_tasks_restarts_a_dead_worker_and_stops_it(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"WEGWIJZER_VAR_DIR": str(tmp_path), "PYTHONWARNINGS": "ignore", "TASKS_BACKEND": ""})
    subprocess.run([WEGWIJZER, "migrate", "--noinput"], env=env, capture_output=True, check=True, timeout=300)
    port = _free_port()
    server = subprocess.Popen(
        [WEGWIJZER, "serve", f"--port={port}", "--workers=1", "--threads=2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(lambda: _health(port), "the server to answer")
        first = _wait_for(lambda: _task_worker_of(server.pid), "the task worker")

        # A task enqueued by another process is run by the worker beside the server.
        enqueue = (
            "import django; django.setup(); from wegwijzer.gezinsplan import tasks; "
            "print(tasks.feedback_mail_send.enqueue(feedback_id='00000000-0000-0000-0000-000000000000').id)"
        )
        env_setup = {**env, "DJANGO_SETTINGS_MODULE": "wegwijzer.conf.settings"}
        task_id = subprocess.run(
            [sys.executable, "-c", enqueue], env=env_setup, capture_output=True, text=True, check=True
        ).stdout.strip()
        database = tmp_path / "wegwijzer.sqlite3"

        def finished():
            with sqlite3.connect(database) as db:
                row = db.execute(
                    "SELECT status, return_value FROM django_tasks_database_dbtaskresult WHERE replace(id, '-', '') = ?",
                    [task_id.replace("-", "")],
                ).fetchone()
            return row if row and row[0] == "SUCCESSFUL" else None

        assert _wait_for(finished, "the worker to run the task") == ("SUCCESSFUL", '"missing"')

        # The worker dies (a database outage, a crash): the server starts a new one.
        os.kill(first, signal.SIGKILL)
        second = _wait_for(
            lambda: (pid := _task_worker_of(server.pid)) and pid != first and pid, "a new task worker"
        )

        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        _wait_for(lambda: _gone(second), "the task worker to stop with the server")
        output = server.stdout.read().decode()
        assert "Taakverwerker gestart" in output
        assert "De taakverwerker is gestopt; hij wordt opnieuw gestart." in output
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
