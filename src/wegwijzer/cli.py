"""The `wegwijzer` console command: Django's management entry with the project's settings preset.

`wegwijzer migrate`, `wegwijzer serve --port 8000`, `wegwijzer content check`, ... all run here.
"""

import os
import sys
from collections.abc import MutableMapping

# Commands that need the schema owner; with MIGRATE_DATABASE_URL set they connect with it, the rest with
# DATABASE_URL (the runtime role, which cannot change the schema or rewrite the access log).
OWNER_COMMANDS = frozenset({"migrate", "db"})


def use_owner_database(args: list[str], environ: MutableMapping[str, str]) -> None:
    """Point DATABASE_URL at MIGRATE_DATABASE_URL for an owner command, before settings are loaded."""
    if args and args[0] in OWNER_COMMANDS and environ.get("MIGRATE_DATABASE_URL"):
        environ["DATABASE_URL"] = environ["MIGRATE_DATABASE_URL"]


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegwijzer.conf.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    for arg in args:
        # Bytes that are not UTF-8 arrive as lone surrogates, which no database (or terminal) takes.
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "replace").decode("utf-8")
            sys.stderr.write(f"wegwijzer: het argument '{shown}' bevat tekens die geen geldige UTF-8 zijn.\n")
            raise SystemExit(2) from None
    use_owner_database(args, os.environ)
    execute_from_command_line(["wegwijzer", *args])


if __name__ == "__main__":
    main()
