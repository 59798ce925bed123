"""`wegwijzer import hsds FILE`: replace the whole social map with an HSDS 3.0 document, all or nothing.

The document is validated fully first (the official HSDS schemas, references, cycles, vocabulary codes); on
any problem every problem is reported, the exit status is 1 and the database is unchanged. What the map has
no place for is reported as LET OP (docs/hsds.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Importeer een HSDS 3-JSON-document en vervang daarmee de hele sociale kaart (alles of niets)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("format", choices=["hsds"], help="Formaat (alleen hsds).")
        parser.add_argument("file", help="Het HSDS 3.0-JSON-bestand (zoals gemaakt door 'wegwijzer export hsds', of een officieel HSDS-voorbeeld).")

    def handle(self, *args: Any, **options: Any) -> None:
        from wegwijzer.socialmap import hsds

        counts, problems, notes = hsds.import_from(options["file"])
        for note in notes:
            self.stderr.write(f"LET OP: {note}")
        if problems:
            self.stderr.write(f"Import geweigerd: {len(problems)} probleem/problemen gevonden; de database is niet gewijzigd.")
            for problem in problems:
                self.stderr.write(f"FOUT: {problem}")
            raise CommandError(f"{len(problems)} probleem/problemen in {options['file']}.", returncode=1)
        summary = ", ".join(f"{n} {k}" for k, n in (counts or {}).items())
        self.stdout.write(self.style.SUCCESS(f"Sociale kaart geïmporteerd uit {options['file']}: {summary}."))
