"""`wegwijzer networks create SLUG --name NAME [--wijk W] --chair USERNAME [--map-record ID]` and
`wegwijzer networks add SLUG USERNAME [--role ROLE]`: operators set up learning networks."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wegwijzer.leren import selectors, services
from wegwijzer.leren.models import Network, NetworkMember


def _fail(exc: ValidationError) -> CommandError:
    return CommandError(" ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()))


class Command(BaseCommand):
    help = "Leernetwerken aanmaken en leden toevoegen."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Een netwerk aanmaken.")
        create.add_argument("slug")
        create.add_argument("--name", required=True)
        create.add_argument("--wijk", default="")
        create.add_argument("--kind", default=Network.Kind.GEBOORTEZORGNETWERK, choices=Network.Kind.values)
        create.add_argument("--chair", required=True)
        create.add_argument("--map-record", default="", help="Id of code van het netwerk op de sociale kaart.")
        add = sub.add_parser("add", help="Een professional aan een netwerk toevoegen.")
        add.add_argument("slug")
        add.add_argument("username")
        add.add_argument("--role", default=NetworkMember.Role.MEMBER, choices=NetworkMember.Role.values)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                network = services.network_create(
                    actor=None, context=None, slug=options["slug"], name=options["name"],
                    chair_username=options["chair"], wijk=options["wijk"], kind=options["kind"],
                    map_record=options["map_record"],
                )
                self.stdout.write(f"Netwerk {network.slug} aangemaakt ({network.pk}).")
                return
            found = selectors.network_by_slug(options["slug"])
            if found is None:
                raise CommandError(f"Geen netwerk met code '{options['slug']}'.")
            services.network_member_add(
                actor=None, context=None, network=found, username=options["username"], role=options["role"],
                as_operator=True,
            )
            self.stdout.write(f"{options['username']} toegevoegd aan {found.slug}.")
        except ValidationError as exc:
            raise _fail(exc) from exc
