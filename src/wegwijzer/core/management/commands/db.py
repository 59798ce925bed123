"""`wegwijzer db <subcommand>`: database administration that needs the schema owner.

- runtime-role NAME [--print]: create or update the PostgreSQL role the application connects as, with
  exactly the privileges it needs (wegwijzer.audit.roles). Idempotent: re-run it after every `migrate`.
  The password comes from the environment variable WEGWIJZER_RUNTIME_PASSWORD (never a command-line
  argument, which other users of the machine can see); without it the role's password is left unchanged.

With MIGRATE_DATABASE_URL set, `wegwijzer db` connects with it (see wegwijzer.cli).
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

PASSWORD_ENV = "WEGWIJZER_RUNTIME_PASSWORD"  # noqa: S105 - the name of a variable, not a password


class Command(BaseCommand):
    help = "Databasebeheer met de rechten van de eigenaar van het schema."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        role = sub.add_parser("runtime-role", help="Maak of werk de PostgreSQL-rol bij waarmee de applicatie draait.")
        role.add_argument("name", help="Naam van de rol, bijvoorbeeld wegwijzer_app.")
        role.add_argument("--print", dest="print_only", action="store_true",
                          help="Toon de SQL zonder die uit te voeren.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "runtime-role":
            self._runtime_role(options["name"], print_only=options["print_only"])

    def _runtime_role(self, name: str, *, print_only: bool) -> None:
        from wegwijzer.audit import roles

        if connection.vendor != "postgresql":
            raise CommandError(
                _("Een aparte runtime-rol kan alleen op PostgreSQL; deze database is %(vendor)s (geen rollen). "
                  "Zet DATABASE_URL of MIGRATE_DATABASE_URL op een PostgreSQL-database.") % {"vendor": connection.vendor},
                returncode=2,
            )
        password = os.environ.get(PASSWORD_ENV) or None
        try:
            if print_only:
                roles.validate_role_name(name)
                statements = roles.runtime_role_statements(
                    role=name, ctx=roles.context(), password=password, show_password=False
                )
            else:
                statements = roles.runtime_role_apply(role=name, password=password)
        except roles.RoleError as exc:
            raise CommandError(str(exc), returncode=2) from None
        for statement in statements:
            self.stdout.write(statement + ";")
        if not print_only:
            self.stdout.write(self.style.SUCCESS(
                _("Runtime-rol %(name)s is bijgewerkt: INSERT en SELECT op het toegangslog, geen UPDATE, DELETE "
                  "of TRUNCATE. Draai dit opnieuw na elke migrate.") % {"name": name}
            ))
