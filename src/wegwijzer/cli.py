"""The `wegwijzer` console command: Django's management entry with the project's settings preset.

`wegwijzer migrate`, `wegwijzer serve --port 8000`, `wegwijzer content check`, ... all run here.
"""

import os
import sys


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
    execute_from_command_line(["wegwijzer", *args])


if __name__ == "__main__":
    main()
