"""The `wegwijzer` console command: Django's management entry with the project's settings preset.

`wegwijzer migrate`, `wegwijzer serve --port 8000`, `wegwijzer content check`, ... all run here.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegwijzer.conf.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["wegwijzer", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
