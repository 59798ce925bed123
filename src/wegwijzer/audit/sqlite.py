"""Append-only enforcement on SQLite, the embedded default (PostgreSQL: pg.py and the runtime role).

For the access log and its seal table, triggers refuse UPDATE, DELETE, and an INSERT whose id or
event_id already exists: `REPLACE INTO` / `INSERT OR REPLACE` would otherwise delete the old row without
firing a DELETE trigger, and an upsert would rewrite it. Wiping the whole database with Django's `flush`
(an operator action, and what the test runner does between transactional tests) stays possible, just as
TRUNCATE by the owner stays possible on PostgreSQL: the delete trigger asks the SQL function
`wegwijzer_audit_flush_allowed()`, which is only true inside the `flush` command (see
management/commands/flush.py). A connection without the function (e.g. the sqlite3 shell) cannot delete.
SQLite has no roles: whoever can write the file can drop the triggers; the seal chain makes that visible.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

TABLE = "audit_accesslogentry"
SEAL_TABLE = "audit_accesslogseal"
RELEASE_TABLE = "routeguide_contentrelease"  # content releases (issue 15): history like the log
PUBLICATION_TABLE = "routeguide_contentpublication"  # which release went live when (issue 15)
_state = threading.local()


def _triggers_for(table: str, unique_columns: tuple[str, ...]) -> dict[str, str]:
    existing = " OR ".join(f"{column} = NEW.{column}" for column in unique_columns)
    return {
        f"{table}_no_update": (
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END;"
        ),
        f"{table}_no_delete": (
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
            "WHEN NOT wegwijzer_audit_flush_allowed() "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END;"
        ),
        # BEFORE INSERT runs before REPLACE's conflict resolution deletes the old row.
        f"{table}_no_replace": (
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_replace BEFORE INSERT ON {table} "  # noqa: S608 - constants
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {existing}) "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: REPLACE of an existing row refused'); END;"
        ),
    }


TRIGGERS = {
    **_triggers_for(TABLE, ("id", "event_id")),
    **_triggers_for(SEAL_TABLE, ("id", "first_id", "previous_sha256", "chain_sha256")),
    **_triggers_for(RELEASE_TABLE, ("id", "content_version")),
    **_triggers_for(PUBLICATION_TABLE, ("id",)),
}


def _flush_allowed() -> int:
    return 1 if getattr(_state, "flush_allowed", False) else 0


@contextmanager
def flush_allowed() -> Iterator[None]:
    previous = getattr(_state, "flush_allowed", False)
    _state.flush_allowed = True
    try:
        yield
    finally:
        _state.flush_allowed = previous


def register_functions(sender, connection, **kwargs) -> None:
    """connection_created handler: make the trigger's helper function known to every SQLite connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("wegwijzer_audit_flush_allowed", 0, _flush_allowed)


def install_triggers(connection) -> None:
    """Create the SQLite triggers for the tables that exist and miss them (idempotent)."""
    if connection.vendor != "sqlite":
        return
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for name, sql in TRIGGERS.items():
            if name.rsplit("_no_", 1)[0] in tables:
                cursor.execute(sql)


def ensure_triggers(sender, using="default", **kwargs) -> None:
    """post_migrate handler: a SQLite table rebuild by a later migration drops triggers; put them back."""
    from django.db import connections

    install_triggers(connections[using])
