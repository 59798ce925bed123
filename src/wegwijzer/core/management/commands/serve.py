"""`wegwijzer serve --port N`: serve the app with gunicorn (threaded workers), static files via WhiteNoise.

With the database task backend (TASKS_BACKEND=database, the default) it also runs one task worker process,
`wegwijzer db_worker` from django-tasks-db, beside gunicorn: started first, started again if it dies,
stopped when the server stops. So `make run` stays one command and queued mail gets sent.

It also runs this host's search indexer, `wegwijzer search_index --follow`, the same way: the one process
that writes the on-disk search index; the web workers only read it (docs/search.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.tasks import task_backends
from django.utils.translation import gettext as _
from django_tasks_db import DatabaseBackend


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """On Linux the worker gets SIGTERM when `serve` itself is killed (kill -9) instead of living on."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)


class TaskWorker:
    """One task worker process owned by the process that started it (the gunicorn master)."""

    def __init__(
        self, argv: list[str], *, restart_after: float = 5.0, stop_timeout: float = 15.0, log: Any = None,
        restart_message: str | None = None,
    ) -> None:
        self.argv = argv
        self.restart_message = restart_message
        self.restart_after = restart_after  # a worker that dies at once (database down) is not spun in a loop
        self.stop_timeout = stop_timeout  # time to finish the running task (a slow mail server) on stop
        self.log = log or (lambda message: sys.stderr.write(message + "\n"))
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        # gunicorn forks its web workers from this process; when one of them exits, its SystemExit unwinds
        # through the same frames as the master's, so only the owner may restart or stop the task worker.
        self.owner = os.getpid()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self) -> None:
        # Its own session: Ctrl+C in the terminal reaches gunicorn only, and stop() then sends one SIGTERM
        # (a second signal would make db_worker abandon the task it is running).
        self.process = subprocess.Popen(
            self.argv, stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_die_with_parent
        )
        self.started_at = time.monotonic()

    def alive(self) -> bool:
        # gunicorn's master reaps every child (waitpid(-1)); poll() then reports the reaped worker as exited.
        return self.process is not None and self.process.poll() is None

    def keep_alive(self) -> None:
        """Start the worker again if it exited (called from gunicorn's master loop, about once a second)."""
        if os.getpid() != self.owner or self.process is None or self.alive():
            return
        if time.monotonic() - self.started_at < self.restart_after:
            return
        self.log(self.restart_message or _("De taakverwerker is gestopt; hij wordt opnieuw gestart."))
        self.start()

    def stop(self) -> None:
        if os.getpid() != self.owner or not self.alive():
            return
        assert self.process is not None
        self.process.terminate()  # db_worker finishes its running task, then exits
        try:
            self.process.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def task_worker_argv(verbosity: int) -> list[str]:
    """The worker is the library's own command, run through the same `wegwijzer` entry point."""
    return [
        sys.executable,
        "-m",
        "wegwijzer.cli",
        "db_worker",
        "--no-reload",  # DEBUG would turn on the auto-reloader, which can abandon a running task
        f"--verbosity={verbosity}",
    ]


def search_indexer_argv(verbosity: int) -> list[str]:
    return [sys.executable, "-m", "wegwijzer.cli", "search_index", "--follow", f"--verbosity={verbosity}"]


class Command(BaseCommand):
    help = "Start de Wegwijzer-webserver op 127.0.0.1 (met de taakverwerker voor e-mail)."

    def add_arguments(self, parser: Any) -> None:
        # String defaults: argparse converts them with `type`, so a bad PORT gives a usage error, not a traceback.
        parser.add_argument("--port", type=int, default=os.environ.get("PORT", "8000"))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--workers", type=int, default=os.environ.get("WEB_WORKERS", str(os.cpu_count() or 2))
        )
        parser.add_argument("--threads", type=int, default=os.environ.get("WEB_THREADS", "4"))
        parser.add_argument(
            "--no-task-worker",
            action="store_false",
            dest="task_worker",
            help="Start geen taakverwerker (draai dan zelf 'wegwijzer db_worker').",
        )
        parser.add_argument(
            "--no-search-indexer",
            action="store_false",
            dest="search_indexer",
            help="Start geen zoekindexer (draai dan zelf 'wegwijzer search_index --follow').",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.core.wsgi import get_wsgi_application
        from gunicorn.app.base import BaseApplication
        from gunicorn.arbiter import Arbiter

        application = get_wsgi_application()  # what wegwijzer.conf.wsgi builds, without core importing conf

        if not 1 <= options["port"] <= 65535:
            raise CommandError(f"De poort moet tussen 1 en 65535 liggen (nu {options['port']}).")
        for name in ("workers", "threads"):
            if options[name] < 1:
                raise CommandError(f"--{name} moet minstens 1 zijn (nu {options[name]}).")
        bind = f"{options['host']}:{options['port']}"

        queued = isinstance(task_backends["default"], DatabaseBackend)  # tasks wait for a worker
        worker = None
        if options["task_worker"] and queued:
            worker = TaskWorker(task_worker_argv(options["verbosity"]), log=self.stderr.write)

        indexer = None
        if options["search_indexer"]:
            from django.conf import settings

            indexer = TaskWorker(
                search_indexer_argv(options["verbosity"]), log=self.stderr.write, stop_timeout=30.0,
                restart_message=_("De zoekindexer is gestopt; hij wordt opnieuw gestart."),
            )
            # The web workers (forked from here) only read the index: the indexer is its one writer.
            settings.SEARCH_BUILD_IN_PROCESS = False

        class _Arbiter(Arbiter):
            def manage_workers(self) -> None:  # runs on every turn of the master loop
                super().manage_workers()
                for child in (worker, indexer):
                    if child is not None:
                        child.keep_alive()

        class _App(BaseApplication):  # gunicorn's documented embedding API
            def load_config(self) -> None:
                self.cfg.set("bind", bind)
                self.cfg.set("workers", options["workers"])
                self.cfg.set("threads", options["threads"])
                self.cfg.set("worker_class", "gthread")
                self.cfg.set("accesslog", "-" if options["verbosity"] > 1 else None)
                self.cfg.set("graceful_timeout", 5)

            def load(self) -> Any:
                return application

            def run(self) -> None:  # BaseApplication.run, with the arbiter that looks after the task worker
                try:
                    _Arbiter(self).run()
                except RuntimeError as e:
                    sys.stderr.write(f"\nError: {e}\n")
                    sys.exit(1)

        self.stdout.write(f"Wegwijzer draait op http://{bind}/ (stoppen met Ctrl+C)")
        if worker is not None:
            worker.start()
            self.stdout.write(
                _("Taakverwerker gestart (pid %(pid)s): e-mail wordt op de achtergrond verstuurd.")
                % {"pid": worker.pid}
            )
        elif queued:
            self.stdout.write(
                _(
                    "Geen taakverwerker gestart: e-mail blijft in de wachtrij tot 'wegwijzer db_worker' draait."
                )
            )
        if indexer is not None:
            indexer.start()
            self.stdout.write(_("Zoekindexer gestart (pid %(pid)s).") % {"pid": indexer.pid})
        try:
            _App().run()
        finally:
            for child in (worker, indexer):
                if child is not None:
                    child.stop()
