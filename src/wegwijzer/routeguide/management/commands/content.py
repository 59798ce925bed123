"""`wegwijzer content check|load|diff`: the versioned content (social map, synonyms, route rules).

- check: validate every content file (schema, vocabulary coverage, references, links) and run every
  route vignette; exit 1 with one line per problem.
- load [--if-empty] [--replace]: load the social map files into the database.
- diff OLD NEW: which vignettes change outcome between two rule directories.
- load --user U --reason R: also record the content folder as a release (append-only; issue 15).
- releases: list the releases; export V DIR: write release V as the same readable files.

Lives in the routes app (which already builds on the social map) so that core imports no app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wegwijzer.routeguide import content as route_content
from wegwijzer.routeguide.releases import (
    ContentReleaseError,
    content_release_get,
    content_release_list,
    content_release_record,
    write_files,
)
from wegwijzer.socialmap import content as map_content


class Command(BaseCommand):
    help = "Controleer, laad of vergelijk de inhoud (sociale kaart en routeregels)."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("check", help="Valideer alle inhoud en draai alle vignetten.")
        load = sub.add_parser("load", help="Laad de sociale kaart in de database.")
        load.add_argument("--if-empty", action="store_true", help="Alleen laden als de database leeg is.")
        load.add_argument("--replace", action="store_true", help="Vervang de bestaande kaart.")
        load.add_argument("--user", help="Gebruikersnaam: leg de inhoud ook vast als release (met --reason).")
        load.add_argument("--reason", help="Waarom deze release (met --user).")
        sub.add_parser("releases", help="Toon de vastgelegde inhoudsreleases, de nieuwste eerst.")
        export = sub.add_parser("export", help="Schrijf een release als leesbare bestanden in een (lege) map.")
        export.add_argument("version", help="De inhoudsversie van de release (of een versie die een advies noemt).")
        export.add_argument("directory", type=Path)
        diff = sub.add_parser("diff", help="Welke vignetten veranderen tussen twee regelsets.")
        diff.add_argument("old", type=Path)
        diff.add_argument("new", type=Path)

    def _release_actor(self, options: dict[str, Any]) -> Any:
        """The user a release is recorded for (None: no release asked); CommandError for a half request."""
        user, reason = options.get("user"), options.get("reason")
        if not user and not reason:
            return None
        if not user or not reason:
            raise CommandError("Geef --user en --reason samen om een release vast te leggen.", returncode=2)
        found = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: user}).first()
        if found is None:
            raise CommandError(f"Onbekende gebruiker voor --user: '{user}'.", returncode=2)
        return found

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
            actor = self._release_actor(options)  # checked before anything is loaded: nothing half-done
            release, created = None, False
            try:
                with transaction.atomic():  # the map and its release together, or neither
                    message = map_content.load(if_empty=options["if_empty"], replace=options["replace"])
                    if actor is not None:
                        release, created = content_release_record(actor=actor, reason=options["reason"] or "")
            except ContentReleaseError as exc:
                raise CommandError(str(exc), returncode=2) from exc
            self.stdout.write(message)
            if release is not None:
                if created:
                    self.stdout.write(f"Release {release.content_version} vastgelegd ({len(release.files)} bestanden).")
                else:
                    self.stdout.write(
                        f"Deze inhoud is al vastgelegd als release {release.content_version} "
                        f"({release.created_at:%Y-%m-%d %H:%M}, {release.created_by})."
                    )
        elif action == "releases":
            rows = list(content_release_list())
            if not rows:
                self.stdout.write("Nog geen releases vastgelegd.")
            for release in rows:
                routes = ", ".join(f"{route} {version}" for route, version in release.rule_versions.items())
                self.stdout.write(
                    f"{release.content_version}  {release.created_at:%Y-%m-%d %H:%M}  {release.created_by}  "
                    f"{release.reason}  [{routes}]"
                )
        elif action == "export":
            try:
                release = content_release_get(options["version"])
                count = write_files(release.files, options["directory"])
            except ContentReleaseError as exc:
                raise CommandError(str(exc), returncode=2) from exc
            self.stdout.write(f"Release {release.content_version}: {count} bestanden geschreven naar {options['directory']}.")
        elif action == "diff":
            for folder in (options["old"], options["new"]):
                if not folder.is_dir():
                    raise CommandError(f"Map met regels niet gevonden: {folder}", returncode=2)
            changed, report = route_content.diff(options["old"], options["new"])
            self.stdout.write(report)
            if changed:
                raise CommandError(f"{changed} vignet(ten) veranderen van uitkomst.", returncode=1)
