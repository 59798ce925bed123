"""`wegwijzer search QUERY [--json] [--limit N]`: search the social map from the command line."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from wegwijzer.socialmap.search.api import DEFAULT_LIMIT, parse_limit, search_payload


class Command(BaseCommand):
    help = "Zoek in de sociale kaart (zoals de API: /api/v1/search?q=...)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", nargs="+", help="zoekterm, bijvoorbeeld: kraamzorg extra uren")
        parser.add_argument("--json", action="store_true", help="druk exact de JSON van de API af")
        parser.add_argument("--limit", default=str(DEFAULT_LIMIT), help="maximaal aantal resultaten (1-100)")

    def handle(self, *args, **options) -> None:
        limit, error = parse_limit(options["limit"])
        if error or limit is None:
            raise CommandError(f"--limit: {error}")
        query = " ".join(options["query"])
        payload = search_payload(query, limit)
        if options["json"]:
            # Same bytes as the API's body (JsonResponse with ensure_ascii=False, default separators).
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        results = payload["results"]
        if payload.get("suggestion"):
            self.stdout.write(_("Bedoelde u: %(q)s?") % {"q": payload["suggestion"]})
        if not results:
            self.stdout.write(_("Niets gevonden voor “%(q)s”.") % {"q": query})
            return
        self.stdout.write(_("%(n)d resultaten voor “%(q)s”:") % {"n": len(results), "q": query})
        for number, item in enumerate(results, start=1):
            self.stdout.write(f"{number:>3}. {item['name']} ({item['kind']}, {item['slug']})")
            if item["summary"]:
                self.stdout.write(f"     {item['summary']}")
            self.stdout.write(f"     {item['url']}")
            for other in item.get("also") or []:
                self.stdout.write("     " + _("Ook: %(name)s (%(url)s)") % {"name": other["name"], "url": other["url"]})
