"""`wegwijzer users …`: create users and issue or revoke API tokens from the command line.

    wegwijzer users create USERNAME --role ROLE [--organisation SLUG] [--email E]
        password from $WEGWIJZER_PASSWORD, else asked twice (not echoed); prints the one-time enrolment code
        for setting up two-factor login on its last line
    wegwijzer users enrolment USERNAME [--reset] [--days N]
        a new enrolment code (last line); --reset first removes the user's authenticator (lost phone)
    wegwijzer users token USERNAME [--days N] [--name NAME]
        prints the new token on its last line (shown once; only its hash is stored)
    wegwijzer users revoke USERNAME [--prefix PREFIX]
        revokes the user's active tokens (or only the one starting with PREFIX)
    wegwijzer users roles
        lists the role codes
"""

from __future__ import annotations

import getpass
import os
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wegwijzer.accounts.models import ApiToken, User
from wegwijzer.accounts.roles import all_roles
from wegwijzer.accounts.services import api_token_issue, api_token_revoke, enrolment_code_issue, user_create

FIELD_LABELS = {
    "username": "gebruikersnaam",
    "role": "rol",
    "organization_slug": "organisatie",
    "email": "e-mailadres",
    "password": "wachtwoord",
    "days": "geldigheid",
    "user": "gebruiker",
}

SETUP_PATH = "/account/tweestapsverificatie/instellen/"


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{FIELD_LABELS.get(field, field)}: {message}"
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
    return list(exc.messages)


ARGPARSE_DUTCH = [
    ("the following arguments are required:", "deze gegevens ontbreken:"),
    ("invalid int value:", "geen geheel getal:"),
    ("invalid choice:", "onbekende keuze:"),
    ("choose from", "kies uit"),
    ("unrecognized arguments:", "onbekende argumenten:"),
    ("expected one argument", "verwacht één waarde"),
]


class DutchCommandParser(CommandParser):
    """Argument errors in Dutch, with exit status 1 (as every other invalid input)."""

    def error(self, message):
        if not getattr(self, "called_from_command_line", True):
            raise CommandError(f"Fout: {message}")
        for english, dutch in ARGPARSE_DUTCH:
            message = message.replace(english, dutch)
        self.print_usage(sys.stderr)
        self.exit(1, f"Fout: {message}\n")


class Command(BaseCommand):
    help = "Gebruikers aanmaken en API-tokens uitgeven of intrekken."

    def add_arguments(self, parser):
        parser.__class__ = DutchCommandParser
        sub = parser.add_subparsers(
            dest="subcommand", metavar="{create,enrolment,token,revoke,roles}", parser_class=DutchCommandParser,
        )
        sub.required = True

        create = sub.add_parser("create", help="Een gebruiker aanmaken.")
        create.add_argument("username", help="gebruikersnaam")
        create.add_argument("--role", required=True, help="rolcode uit de vocabulaire, of redacteur/beleid")
        create.add_argument("--organisation", "--organization", dest="organization", default="",
                            help="code (slug) van de organisatie op de sociale kaart")
        create.add_argument("--email", default="", help="e-mailadres")

        enrolment = sub.add_parser(
            "enrolment", help="Een nieuwe inschrijfcode voor tweestapsverificatie (staat op de laatste regel).",
        )
        enrolment.add_argument("username")
        enrolment.add_argument("--reset", action="store_true",
                               help="eerst de authenticator-app van de gebruiker verwijderen (telefoon kwijt)")
        enrolment.add_argument("--days", type=int, default=None,
                               help="geldigheid in dagen (standaard OTP_ENROLMENT_DAYS)")

        token = sub.add_parser("token", help="Een API-token uitgeven (staat op de laatste regel).")
        token.add_argument("username")
        token.add_argument("--days", type=int, default=None, help="geldigheid in dagen (standaard API_TOKEN_DAYS)")
        token.add_argument("--name", default="cli", help="naam van het token, bijvoorbeeld de koppeling")

        revoke = sub.add_parser("revoke", help="API-tokens van een gebruiker intrekken.")
        revoke.add_argument("username")
        revoke.add_argument("--prefix", default="", help="alleen het token dat zo begint")

        sub.add_parser("roles", help="De rolcodes tonen.")

    def execute(self, *args, **options):
        # On the command line: a clear Dutch message and exit status 1 instead of "CommandError: …".
        # From call_command (tests, scripts) the CommandError propagates as usual.
        if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
            return super().execute(*args, **options)
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            self.stderr.write(f"Fout: {exc}")
            sys.exit(exc.returncode or 1)

    def handle(self, *args, **options):
        sub = options["subcommand"]
        return getattr(self, f"_{sub}")(**options) or None

    # -- subcommands -------------------------------------------------------------------------------------

    def _create(self, *, username, role, organization, email, **_options):
        password = self._password()
        try:
            user = user_create(
                username=username, role=role, organization_slug=organization, password=password, email=email
            )
        except ValidationError as exc:
            raise CommandError("gebruiker niet aangemaakt.\n  " + "\n  ".join(_messages(exc))) from None
        self.stdout.write(f"Gebruiker ‘{user.username}’ aangemaakt met rol ‘{user.role}’"
                          + (f" bij ‘{user.organization_slug}’." if user.organization_slug else "."))
        code, raw = enrolment_code_issue(user=user)
        self._print_enrolment(code, raw)

    def _print_enrolment(self, code, raw: str) -> None:
        self.stdout.write(
            f"Bij de eerste keer inloggen stelt ‘{code.user.username}’ tweestapsverificatie in met deze eenmalige "
            f"inschrijfcode, geldig tot {code.expires_at:%Y-%m-%d %H:%M} UTC. Geef hem persoonlijk door; hij wordt "
            f"niet opnieuw getoond. Of als link: <adres van Wegwijzer>{SETUP_PATH}?code={raw}"
        )
        self.stdout.write(raw)

    def _enrolment(self, *, username, reset, days, **_options):
        user = self._user(username)
        try:
            code, raw = enrolment_code_issue(user=user, reset_devices=reset, days=days)
        except ValidationError as exc:
            raise CommandError("geen inschrijfcode uitgegeven.\n  " + "\n  ".join(_messages(exc))) from None
        if reset:
            self.stdout.write(f"De tweestapsverificatie van ‘{user.username}’ is gereset.")
        self._print_enrolment(code, raw)

    def _password(self) -> str:
        password = os.environ.get("WEGWIJZER_PASSWORD")
        if password:
            return password
        try:
            first = getpass.getpass("Wachtwoord: ")
            second = getpass.getpass("Wachtwoord (nogmaals): ")
        except (EOFError, KeyboardInterrupt):
            raise CommandError("geen wachtwoord opgegeven (zet WEGWIJZER_PASSWORD of typ het in).") from None
        if first != second:
            raise CommandError("de twee wachtwoorden zijn niet gelijk.")
        if not first:
            raise CommandError("geen wachtwoord opgegeven (zet WEGWIJZER_PASSWORD of typ het in).")
        return first

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"gebruiker ‘{username}’ bestaat niet.")
        return user

    def _token(self, *, username, days, name, **_options):
        user = self._user(username)
        try:
            token, raw = api_token_issue(user=user, name=name, days=days)
        except ValidationError as exc:
            raise CommandError("geen token uitgegeven.\n  " + "\n  ".join(_messages(exc))) from None
        self.stdout.write(
            f"Token ‘{token.name}’ voor ‘{user.username}’, geldig tot {token.expires_at:%Y-%m-%d %H:%M} UTC. "
            "Bewaar het nu: het wordt niet opnieuw getoond."
        )
        self.stdout.write(raw)

    def _revoke(self, *, username, prefix, **_options):
        user = self._user(username)
        tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        if prefix:
            tokens = tokens.filter(prefix__startswith=prefix[:8])
        count = 0
        for token in tokens:
            api_token_revoke(token=token, revoked_by=None)
            count += 1
        if prefix and count == 0:
            raise CommandError(f"geen actief token van ‘{username}’ dat begint met ‘{prefix}’.")
        self.stdout.write(f"{count} token(s) van ‘{username}’ ingetrokken.")

    def _roles(self, **_options):
        for code, label in all_roles().items():
            self.stdout.write(f"{code}\t{label}")
