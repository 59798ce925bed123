"""`wegwijzer export hsds FILE`: the whole social map as an HSDS 3.0 JSON service list ("-" = stdout; docs/hsds.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Exporteer de hele sociale kaart als HSDS 3-JSON."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("format", choices=["hsds"], help="Formaat (alleen hsds).")
        parser.add_argument("file", help="Doelbestand, of - voor standaarduitvoer.")
        parser.add_argument(
            "--base-url", default=None,
            help="Begin van de absolute links (standaard WEGWIJZER_BASE_URL of http://localhost:8000).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from wegwijzer.socialmap import hsds

        if options["file"] == "-":
            self.stdout.write(hsds.dumps(hsds.export_document(base_url=options["base_url"])), ending="")
            return
        try:
            counts = hsds.export_to(options["file"], base_url=options["base_url"])
        except OSError as exc:
            raise CommandError(f"Kan niet schrijven naar {options['file']}: {exc.strerror or exc}.") from None
        summary = ", ".join(f"{n} {k}" for k, n in counts.items())
        self.stderr.write(f"Sociale kaart geëxporteerd naar {options['file']}: {summary}.")
