"""`wegwijzer retention apply [--dry-run]`: remove personal data of cases closed longer than the retention period.

The period is settings.RETENTION_DAYS_AFTER_CLOSE (env RETENTION_DAYS_AFTER_CLOSE, default 365 days).
The skeleton of each case and its access log stay; see docs/gezinsplan.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Pas de bewaartermijn toe: verwijder persoonsgegevens uit gesloten gezinsplannen."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        apply = sub.add_parser(
            "apply", help="Verwijder persoonsgegevens van gezinsplannen voorbij de bewaartermijn."
        )
        apply.add_argument("--dry-run", action="store_true", help="Toon alleen wat verwijderd zou worden.")

    def handle(self, *args: Any, **options: Any) -> None:
        from wegwijzer.gezinsplan.services import retention_apply

        report = retention_apply(dry_run=options["dry_run"])
        self.stdout.write(report.as_text())
