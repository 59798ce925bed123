"""`wegwijzer export hsds FILE`: the whole social map as one HSDS 3-shaped JSON document ("-" = stdout)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Exporteer de hele sociale kaart als HSDS 3-JSON."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("format", choices=["hsds"], help="Formaat (alleen hsds).")
        parser.add_argument("file", help="Doelbestand, of - voor standaarduitvoer.")

    def handle(self, *args: Any, **options: Any) -> None:
        from wegwijzer.socialmap import hsds

        if options["file"] == "-":
            self.stdout.write(hsds.dumps(hsds.export_document()), ending="")
            return
        try:
            counts = hsds.export_to(options["file"])
        except OSError as exc:
            raise CommandError(f"Kan niet schrijven naar {options['file']}: {exc.strerror or exc}.") from None
        summary = ", ".join(f"{n} {k}" for k, n in counts.items())
        self.stderr.write(f"Sociale kaart geëxporteerd naar {options['file']}: {summary}.")
