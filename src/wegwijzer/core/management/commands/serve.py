"""`wegwijzer serve --port N`: serve the app with gunicorn (threaded workers), static files via WhiteNoise."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Start de Wegwijzer-webserver op 127.0.0.1."

    def add_arguments(self, parser: Any) -> None:
        # String defaults: argparse converts them with `type`, so a bad PORT gives a usage error, not a traceback.
        parser.add_argument("--port", type=int, default=os.environ.get("PORT", "8000"))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--workers", type=int, default=os.environ.get("WEB_WORKERS", str(os.cpu_count() or 2))
        )
        parser.add_argument("--threads", type=int, default=os.environ.get("WEB_THREADS", "4"))

    def handle(self, *args: Any, **options: Any) -> None:
        from django.core.wsgi import get_wsgi_application
        from gunicorn.app.base import BaseApplication

        application = get_wsgi_application()  # what wegwijzer.conf.wsgi builds, without core importing conf

        if not 1 <= options["port"] <= 65535:
            raise CommandError(f"De poort moet tussen 1 en 65535 liggen (nu {options['port']}).")
        for name in ("workers", "threads"):
            if options[name] < 1:
                raise CommandError(f"--{name} moet minstens 1 zijn (nu {options[name]}).")
        bind = f"{options['host']}:{options['port']}"

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

        self.stdout.write(f"Wegwijzer draait op http://{bind}/ (stoppen met Ctrl+C)")
        _App().run()
