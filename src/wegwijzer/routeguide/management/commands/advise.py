"""`wegwijzer advise FILE|-`: the route advice for a situation (JSON or YAML) as JSON on standard output.

Exit 0 with the advice; exit 2 with {"detail", "errors"} as JSON on standard error for a malformed or
unreadable situation (never a traceback).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand

from wegwijzer.routeguide.engine.situation import SituationError


def _fail(stream: Any, detail: str, errors: dict[str, list[str]] | None = None) -> None:
    body: dict[str, Any] = {"detail": detail}
    if errors:
        body["errors"] = errors
    stream.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    stream.flush()
    raise SystemExit(2)


def _parse(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # not JSON (or absurd JSON): try YAML, which reports its own error
        pass
    return yaml.safe_load(text)  # YAML is a convenience for hand-written situations


class Command(BaseCommand):
    help = "Geef het routeadvies voor een situatie (JSON of YAML uit een bestand of '-' voor standaardinvoer)."
    # The advice needs the content only; the database (contacts, tally) is optional. Skipping the system
    # checks keeps the command fast and working when the database is not reachable.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="Pad naar een situatie in JSON of YAML, of '-' voor standaardinvoer.")
        parser.add_argument("--no-tally", action="store_true", help="Tel dit advies niet mee in de anonieme telling.")
        parser.add_argument(
            "--content-version",
            help="Geef het advies opnieuw met de regels van deze inhoudsrelease (zie `wegwijzer content releases`).",
        )
        parser.add_argument(
            "--route",
            help="De route (standaard eerste-1000-dagen, of wat de situatie zelf in 'route' noemt), bijv. basis-ggz.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from wegwijzer.routeguide.releases import ContentReleaseError
        from wegwijzer.routeguide.service import advise, advise_replay

        source = options["file"]
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            _fail(self.stderr, f"Kan de situatie niet lezen: {source}: {exc}")
        try:
            data = _parse(text)
        except (yaml.YAMLError, ValueError) as exc:  # ValueError: an integer beyond 4300 digits
            _fail(self.stderr, f"De situatie is geen geldige JSON of YAML: {exc}")
        except RecursionError:
            _fail(self.stderr, "De situatie is te diep genest.")
        if options.get("route"):
            if not isinstance(data, dict):
                _fail(self.stderr, SituationError.detail, {"situation": ["De situatie moet een object zijn."]})
            if data.get("route") not in (None, options["route"]):
                _fail(self.stderr, SituationError.detail, {
                    "route": [f"--route {options['route']} spreekt de route '{data['route']}' van de situatie tegen."]
                })
            data = {**data, "route": options["route"]}
        try:
            if options.get("content_version"):
                advice = advise_replay(data, content_version=options["content_version"])
            else:
                advice = advise(data, tally=not options["no_tally"])
        except ContentReleaseError as exc:
            _fail(self.stderr, str(exc), {"content_version": [str(exc)]})
        except SituationError as exc:
            _fail(self.stderr, SituationError.detail, exc.errors)
        self.stdout.write(json.dumps(advice, ensure_ascii=False, indent=2))
