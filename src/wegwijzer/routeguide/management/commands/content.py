"""`wegwijzer content check|load|diff`: the versioned content (social map, synonyms, route rules).

- check: validate every content file (schema, vocabulary coverage, references, links) and run every
  route vignette; exit 1 with one line per problem.
- load [--if-empty] [--replace]: load the social map files into the database.
- diff OLD NEW: which vignettes change outcome between two rule directories.

Lives in the routes app (which already builds on the social map) so that core imports no app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wegwijzer.routeguide import content as route_content
from wegwijzer.socialmap import content as map_content


class Command(BaseCommand):
    help = "Controleer, laad of vergelijk de inhoud (sociale kaart en routeregels)."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("check", help="Valideer alle inhoud en draai alle vignetten.")
        load = sub.add_parser("load", help="Laad de sociale kaart in de database.")
        load.add_argument("--if-empty", action="store_true", help="Alleen laden als de database leeg is.")
        load.add_argument("--replace", action="store_true", help="Vervang de bestaande kaart.")
        diff = sub.add_parser("diff", help="Welke vignetten veranderen tussen twee regelsets.")
        diff.add_argument("old", type=Path)
        diff.add_argument("new", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "check":
            problems = [*map_content.check(), *route_content.check()]
            for problem in problems:
                self.stderr.write(f"FOUT: {problem}")
            if problems:
                raise CommandError(f"{len(problems)} probleem/problemen in de inhoud.", returncode=1)
            self.stdout.write(self.style.SUCCESS("Inhoud in orde: " + route_content.summary()))
        elif action == "load":
            message = map_content.load(if_empty=options["if_empty"], replace=options["replace"])
            self.stdout.write(message)
        elif action == "diff":
            for folder in (options["old"], options["new"]):
                if not folder.is_dir():
                    raise CommandError(f"Map met regels niet gevonden: {folder}", returncode=2)
            changed, report = route_content.diff(options["old"], options["new"])
            self.stdout.write(report)
            if changed:
                raise CommandError(f"{changed} vignet(ten) veranderen van uitkomst.", returncode=1)
