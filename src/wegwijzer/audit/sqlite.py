"""Append-only enforcement on SQLite, the embedded default (PostgreSQL uses the pgtrigger on the model).

Two triggers refuse UPDATE and DELETE on the access log table. Wiping the whole database with Django's
`flush` (an operator action, and what the test runner does between transactional tests) stays possible,
just as TRUNCATE stays possible on PostgreSQL: the delete trigger asks the SQL function
`wegwijzer_audit_flush_allowed()`, which is only true inside the `flush` command (see
management/commands/flush.py). A connection without the function (e.g. the sqlite3 shell) cannot delete.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

TABLE = "audit_accesslogentry"
_state = threading.local()

TRIGGERS = {
    "audit_accesslogentry_no_update": (
        f"CREATE TRIGGER IF NOT EXISTS audit_accesslogentry_no_update BEFORE UPDATE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'audit_accesslogentry is append-only: UPDATE refused'); END;"
    ),
    "audit_accesslogentry_no_delete": (
        f"CREATE TRIGGER IF NOT EXISTS audit_accesslogentry_no_delete BEFORE DELETE ON {TABLE} "
        "WHEN NOT wegwijzer_audit_flush_allowed() "
        "BEGIN SELECT RAISE(ABORT, 'audit_accesslogentry is append-only: DELETE refused'); END;"
    ),
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
    """Create the SQLite triggers if the table exists and they are missing (idempotent)."""
    if connection.vendor != "sqlite":
        return
    if TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for sql in TRIGGERS.values():
            cursor.execute(sql)


def ensure_triggers(sender, using="default", **kwargs) -> None:
    """post_migrate handler: a SQLite table rebuild by a later migration drops triggers; put them back."""
    from django.db import connections

    install_triggers(connections[using])
