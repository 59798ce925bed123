"""`wegwijzer import hsds FILE`: replace the whole social map with an HSDS document, all or nothing.

The document is validated fully first (JSON schema, references, vocabulary codes); on any problem every
problem is reported, the exit status is 1 and the database is unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Importeer een HSDS 3-JSON-document en vervang daarmee de hele sociale kaart (alles of niets)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("format", choices=["hsds"], help="Formaat (alleen hsds).")
        parser.add_argument("file", help="Het JSON-bestand (zoals gemaakt door 'wegwijzer export hsds').")

    def handle(self, *args: Any, **options: Any) -> None:
        from wegwijzer.socialmap import hsds

        counts, problems = hsds.import_from(options["file"])
        if problems:
            self.stderr.write(f"Import geweigerd: {len(problems)} probleem/problemen gevonden; de database is niet gewijzigd.")
            for problem in problems:
                self.stderr.write(f"FOUT: {problem}")
            raise CommandError(f"{len(problems)} probleem/problemen in {options['file']}.", returncode=1)
        summary = ", ".join(f"{n} {k}" for k, n in (counts or {}).items())
        self.stdout.write(self.style.SUCCESS(f"Sociale kaart geïmporteerd uit {options['file']}: {summary}."))
