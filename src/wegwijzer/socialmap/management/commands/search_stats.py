"""`wegwijzer search_stats purge`: drop the search figures' data older than SEARCH_STATS_KEEP_DAYS (pending
hashes, daily counts, kept queries with no day left). Each process's flush also does this once a day; run this
daily from cron or a systemd timer so the 90 days hold when nobody searches. Django Tasks has no scheduler."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Verwijder zoekcijfers die ouder zijn dan de bewaartermijn (SEARCH_STATS_KEEP_DAYS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["purge"], help="purge: verwijder wat ouder is dan de bewaartermijn")

    def handle(self, *args: Any, **options: Any) -> None:
        from wegwijzer.socialmap.search_stats import search_stats_purge

        deleted = search_stats_purge()
        self.stdout.write(
            f"Verwijderd: {deleted['pending']} hash(es) in afwachting, {deleted['days']} dagtelling(en), "
            f"{deleted['queries']} zoekopdracht(en)."
        )
