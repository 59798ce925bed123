"""`wegwijzer tally flush`: store the advice tally rows still waiting in spool files (routeguide/tally.py).

Running processes store their own rows a few seconds after an advice; this command stores what processes
that have ended left behind (and this process's own, which is none). Safe to run at any time, also twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wegwijzer.routeguide.tally import spool_dir, tally_flush


class Command(BaseCommand):
    help = "Sla de wachtende rijen van de anonieme adviestelling op in de database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["flush"])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            stored = tally_flush()
        except DatabaseError as exc:  # the files stay; the next flush stores them
            raise CommandError(_("De database is niet bereikbaar; de rijen blijven bewaard: %s") % exc) from exc
        message = ngettext("%(rows)d rij opgeslagen uit %(dir)s.", "%(rows)d rijen opgeslagen uit %(dir)s.", stored)
        self.stdout.write(message % {"rows": stored, "dir": spool_dir()})
