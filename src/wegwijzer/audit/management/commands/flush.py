"""Django's `flush` (wipe every table), allowed to empty the append-only access log on SQLite.

Wiping the whole database is an operator action outside the application, like TRUNCATE on PostgreSQL
(which the row-level append-only trigger does not block either). Everything else is refused.
"""

from django.core.management.commands.flush import Command as FlushCommand

from wegwijzer.audit.sqlite import flush_allowed


class Command(FlushCommand):
    def handle(self, **options):
        with flush_allowed():
            return super().handle(**options)
