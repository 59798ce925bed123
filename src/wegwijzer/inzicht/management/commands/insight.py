"""`wegwijzer insight refresh [--all]`: bring the advice summary of the insight section up to date now
(inzicht/summary.py). Without --all from the month of the previous refresh; with --all every month (after
waiting times were reported for past months, or a release was recorded for old tally rows)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from wegwijzer.inzicht.summary import insight_summary_refresh


class Command(BaseCommand):
    help = "Werk de samenvatting van de adviezen voor Inzicht bij."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["refresh"])
        parser.add_argument("--all", action="store_true", dest="full", help="Alle maanden opnieuw berekenen.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = insight_summary_refresh(full=options["full"])
        except DatabaseError as exc:
            raise CommandError(_("De database is niet bereikbaar; de samenvatting is niet bijgewerkt: %s") % exc) from exc
        self.stdout.write(_(
            "Samenvatting bijgewerkt vanaf %(since)s: %(rows)d adviezen in %(groups)d groepen, de regels %(runs)d "
            "keer uitgevoerd, %(unknown)d met een onbekende inhoudsversie."
        ) % {"since": run.since.strftime("%Y-%m") if run.since else _("het begin"), "rows": run.tally_rows,
             "groups": run.groups, "runs": run.engine_runs, "unknown": run.unknown})
