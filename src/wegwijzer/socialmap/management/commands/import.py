"""`wegwijzer import hsds FILE`: replace the whole social map with an HSDS 3.0 document, all or nothing.
`wegwijzer import wachttijden FILE.csv`: add the month's waiting times (`service,weeks,measured_on,source`),
all or nothing: every bad line is reported with its number and field, exit 1, the database unchanged.
`wegwijzer import contracten FILE.csv`: the city's contracts (`record,law,start_date,end_date,source`), the same way.

The document is validated fully first (the official HSDS schemas, references, cycles, vocabulary codes); on
any problem every problem is reported, the exit status is 1 and the database is unchanged. What the map has
no place for is reported as LET OP (docs/hsds.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Importeer een HSDS 3-JSON-document (vervangt de hele sociale kaart) of een CSV met wachttijden "
            "(voegt ze toe); beide alles of niets.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("format", choices=["hsds", "wachttijden", "contracten"],
                            help="Formaat: hsds, wachttijden of contracten.")
        parser.add_argument("file", help="hsds: het HSDS 3.0-JSON-bestand (zoals gemaakt door 'wegwijzer export hsds', "
                            "of een officieel HSDS-voorbeeld); wachttijden: een CSV met de kopregel "
                            "service,weeks,measured_on,source (service = code of HSDS-id, datums als JJJJ-MM-DD); "
                            "contracten: een CSV met de kopregel record,law,start_date,end_date,source.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["format"] in ("wachttijden", "contracten"):
            self._csv(options["format"], options["file"])
            return
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

    def _csv(self, kind: str, path: str) -> None:
        from pathlib import Path

        from wegwijzer.socialmap.wait_times import WaitTimeRefused, fundings_import, wait_times_import

        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Kan {path} niet lezen: {exc.strerror or exc}.", returncode=1) from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is geen UTF-8-tekst; sla de CSV op als UTF-8.", returncode=1) from None
        try:
            if kind == "contracten":
                stored = fundings_import(text=text)
            else:
                stored = wait_times_import(text=text, file_name=Path(path).name)
        except WaitTimeRefused as exc:
            problems = exc.errors.get("file", [])
            self.stderr.write(f"Import geweigerd: {len(problems)} probleem/problemen gevonden; de database is niet gewijzigd.")
            for problem in problems:
                self.stderr.write(f"FOUT: {problem}")
            raise CommandError(f"{len(problems)} probleem/problemen in {path}.", returncode=1) from None
        what = "contract(en)" if kind == "contracten" else "wachttijd/wachttijden"
        self.stdout.write(self.style.SUCCESS(f"{stored} {what} opgeslagen uit {path}."))
