"""`wegwijzer show SLUG [--json]`: one social-map record (role, service, organisation, team, network, wijk)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Toon één record van de sociale kaart (rol, aanbod, organisatie, team, netwerk of wijk)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug", help="De vaste code van het record, bv. verlengde-kraamzorg.")
        parser.add_argument("--json", action="store_true", help="Druk het record af als JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        from wegwijzer.socialmap.selectors import record_as_dict, record_get

        obj = record_get(options["slug"])
        if obj is None:
            raise CommandError(f"Geen record met code '{options['slug'][:200]}' in de sociale kaart.", returncode=1)
        data = record_as_dict(obj)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))
            return
        unknown = "onbekend"
        lines = [f"{data['name']} ({data['kind']}, {data['slug']})"]
        for label, key in (("Samenvatting", "summary"), ("Wat het biedt", "description"), ("Voor wie", "target_group"),
                           ("Voorwaarden", "conditions"), ("Hoe te bereiken", "application_process"),
                           ("Beschikbaarheid", "availability"), ("E-mail", "email")):
            lines.append(f"{label}: {data.get(key) or unknown}")
        lines.append(f"Telefoon: {', '.join(data['phones']) or unknown}")
        lines.append(f"Wetten: {', '.join(data['laws']) or unknown}")
        lines.append(f"Fasen: {', '.join(data['phases']) or unknown}")
        lines.append(f"Bronnen: {'; '.join(data['sources']) or unknown}")
        lines.append(f"Laatst gecontroleerd: {data['assured_date'] or unknown}")
        lines.append(f"Pagina: {data['url']}")
        self.stdout.write("\n".join(lines))
