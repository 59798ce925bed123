"""The second line on PostgreSQL: plain PL/pgSQL triggers that refuse UPDATE and DELETE on the log tables.

Unlike django-pgtrigger's Protect, this function reads no session setting, so `SET pgtrigger.ignore`
(which any role may set) changes nothing. Only the table owner can disable or drop the trigger, and the
application's runtime role is not the owner (roles.py). TRUNCATE (the owner's flush) is not a row event
and stays possible; the runtime role has no TRUNCATE privilege.
"""

from __future__ import annotations

FUNCTION = "wegwijzer_audit_refuse_change"
# routeguide's content releases are history like the log: what an advice rested on (issue 15)
PROTECTED_TABLES = (
    "audit_accesslogentry", "audit_accesslogseal", "routeguide_contentrelease", "routeguide_contentpublication",
)


def trigger_name(table: str) -> str:
    return f"{table}_append_only"


CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""


def install_sql(table: str) -> list[str]:
    name = trigger_name(table)
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
    ]


def install_triggers(connection) -> None:
    """Create (or re-create) the function and the triggers on every protected table that exists."""
    if connection.vendor != "postgresql":
        return
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        cursor.execute(CREATE_FUNCTION)
        for table in PROTECTED_TABLES:
            if table in tables:
                for sql in install_sql(table):
                    cursor.execute(sql)


def remove_triggers(connection) -> None:
    if connection.vendor != "postgresql":
        return
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in PROTECTED_TABLES:
            if table in tables:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger_name(table)} ON {table}")
        cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
