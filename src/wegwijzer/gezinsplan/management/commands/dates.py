"""`wegwijzer dates check`: list rows whose dates lie outside 1900–2100 in any model of the project.

Such rows predate the one date parser (wegwijzer.core.dates); on PostgreSQL a timestamp before year 1 cannot
even be read back, so the check counts and selects ids in SQL without fetching the values. Exit 1 with a
Dutch list (table, column, ids) when it finds any, 0 otherwise. Repairing is a deliberate, manual step.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Controleer datums: vind rijen met een datum buiten 1900–2100 in alle tabellen."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser(
            "check", help="Meld rijen met een datum buiten 1900–2100 (exitcode 1 als er zijn)."
        )
        check.add_argument("--database", default="default", help="Databasealias (standaard: default).")

    def handle(self, *args: Any, **options: Any) -> None:
        from wegwijzer.core.dates import MAX_YEAR, MIN_YEAR, out_of_range_rows

        found = out_of_range_rows(using=options["database"])
        if not found:
            self.stdout.write(
                _("Alle datums liggen tussen %(min)d en %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR}
            )
            return
        total = sum(item.count for item in found)
        self.stdout.write(
            _("%(count)d rij(en) met een datum buiten %(min)d–%(max)d:")
            % {"count": total, "min": MIN_YEAR, "max": MAX_YEAR}
        )
        for item in found:
            more = item.count - len(item.ids)
            ids = ", ".join(item.ids) + (_(" en nog %(n)d") % {"n": more} if more > 0 else "")
            self.stdout.write(
                _("- tabel %(table)s, kolom %(column)s: %(count)d rij(en), id's: %(ids)s")
                % {"table": item.table, "column": item.column, "count": item.count, "ids": ids}
            )
        sys.exit(1)
