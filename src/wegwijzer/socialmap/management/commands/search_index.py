"""`wegwijzer search_index [--follow | --rebuild | --status]`: this host's on-disk search index.

Without an option it brings the index up to the database once (what `--follow` does continuously).
`serve` runs `--follow` as its child process; see docs/search.md.
"""

from __future__ import annotations

import json
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from wegwijzer.socialmap.search import lifecycle


class Command(BaseCommand):
    help = "Bouw en volg de zoekindex van deze machine (één schrijver; alle werkprocessen lezen hem)."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--follow", action="store_true", help="blijf wijzigingen verwerken (de indexer)")
        group.add_argument("--rebuild", action="store_true", help="bouw de index opnieuw op, ernaast, en wissel")
        group.add_argument("--status", action="store_true", help="toon de stand van de index en de achterstand")
        parser.add_argument("--json", action="store_true", help="--status als JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["status"]:
            self._status(as_json=options["json"])
            return
        if options["follow"]:
            stop = threading.Event()
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_a: stop.set())
            lifecycle.follow(stop=stop, log=self.stdout.write)
            return
        root = lifecycle.index_root()
        if options["rebuild"]:
            done = lifecycle.rebuild(root=root)
            if done == "requested":
                self.stdout.write(_("De indexer draait: hij bouwt de index opnieuw op."))
            else:
                self.stdout.write(_("Zoekindex opnieuw opgebouwd in %(root)s.") % {"root": root})
            return
        with lifecycle.writer_lock(root, blocking=False) as got:
            if not got:
                raise CommandError(_("De indexer draait al; die houdt de index bij."))
            done = lifecycle.follow_once(root=root)
        self.stdout.write(_("Zoekindex: %(what)s.") % {"what": done})

    def _status(self, *, as_json: bool) -> None:
        status = lifecycle.status()
        if as_json:
            self.stdout.write(json.dumps(status, ensure_ascii=False, sort_keys=True))
            return
        yes_no = _("ja") if status["indexer_running"] else _("nee")
        self.stdout.write(_("Map: %(root)s") % {"root": status["root"]})
        self.stdout.write(_("Indexer actief: %(v)s") % {"v": yes_no})
        self.stdout.write(_("Tellerstand database: %(v)s") % {"v": status["database_counter"]})
        if status["generation"] is None:
            self.stdout.write(_("Nog geen index op schijf."))
            return
        lag = status["lag"]
        self.stdout.write(_("Tellerstand index: %(v)s (generatie %(g)s, %(n)s records)")
                          % {"v": status["index_counter"], "g": status["generation"], "n": status["documents"]})
        self.stdout.write(_("Achterstand: %(v)s wijziging(en); laatst bijgewerkt %(s)s s geleden")
                          % {"v": lag if lag is not None else _("onbekend (andere database)"),
                             "s": status["updated_seconds_ago"]})
