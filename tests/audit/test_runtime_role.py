"""The runtime role (`wegwijzer db runtime-role`): INSERT and SELECT on the access log, nothing more.

Each PostgreSQL test creates a uniquely named role in its own test database with the command, connects
as it with psycopg, tries every way to rewrite the log, and drops the role again (roles are cluster-wide).
"""

from __future__ import annotations

import os
import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from wegwijzer.audit.models import AccessLogEntry, AccessLogSeal
from wegwijzer.audit.service import access_log_write
from wegwijzer.cli import use_owner_database

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles and privileges exist only on PostgreSQL"
)
PROTECTED = ("audit_accesslogentry", "audit_accesslogseal")


def _drop_role(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        if cursor.fetchone():
            cursor.execute(f'DROP OWNED BY "{name}"')
            cursor.execute(f'DROP ROLE "{name}"')


@pytest.fixture
def role_name():
    name = f"ww_rt_{uuid.uuid4().hex[:12]}"
    yield name
    _drop_role(name)


@pytest.fixture
def runtime_conn(role_name, monkeypatch):
    import psycopg

    monkeypatch.setenv("WEGWIJZER_RUNTIME_PASSWORD", "runtime-" + uuid.uuid4().hex)
    call_command("db", "runtime-role", role_name, stdout=StringIO())
    settings = connection.settings_dict
    conn = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, dbname=settings["NAME"],
        user=role_name, password=os.environ["WEGWIJZER_RUNTIME_PASSWORD"], autocommit=True,
    )
    yield conn
    conn.close()


@pytest.fixture
def rows():
    import datetime as dt

    from wegwijzer.audit.seal import seal_pending

    entry = access_log_write(context=None, user=None, action="read", gezinsplan_id="case-rt")
    seal_pending(horizon=dt.timedelta(0), now=timezone.now() + dt.timedelta(seconds=1))
    seal = AccessLogSeal.objects.get()
    return {"audit_accesslogentry": entry.pk, "audit_accesslogseal": seal.pk}


ATTACKS = {
    "update": "UPDATE {table} SET id = id WHERE id = {pk}",
    "delete": "DELETE FROM {table} WHERE id = {pk}",
    "delete_all": "DELETE FROM {table}",
    "truncate": "TRUNCATE {table}",
    "truncate_cascade": "TRUNCATE {table} CASCADE",
    "disable_trigger": "ALTER TABLE {table} DISABLE TRIGGER ALL",
    "disable_user_triggers": "ALTER TABLE {table} DISABLE TRIGGER USER",
    "drop_trigger": "DROP TRIGGER {table}_append_only ON {table}",
    "drop_table": "DROP TABLE {table}",
    "replica_role": "SET session_replication_role = replica",
    "upsert": "INSERT INTO {table} SELECT * FROM {table} WHERE id = {pk} ON CONFLICT (id) DO UPDATE SET id = excluded.id",
}


@on_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("table", PROTECTED)
def test_runtime_role_cannot_rewrite_the_log_in_any_form(runtime_conn, rows, table):
    import psycopg

    pk = rows[table]
    before = _snapshot(table)
    refused = {}
    for name, template in ATTACKS.items():
        try:
            runtime_conn.execute(template.format(table=table, pk=pk))
        except psycopg.Error as exc:
            refused[name] = type(exc).__name__
    # pgtrigger's bypass: any role may set the setting; it must change nothing.
    with pytest.raises(psycopg.Error), runtime_conn.transaction():
        runtime_conn.execute("SET LOCAL pgtrigger.ignore = '{pgtrigger_append_only_3e1fc}'")
        runtime_conn.execute(f"UPDATE {table} SET id = id WHERE id = {pk}")  # noqa: S608 - constants
    assert set(refused) == set(ATTACKS), f"allowed: {set(ATTACKS) - set(refused)}"
    assert _snapshot(table) == before


def _snapshot(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 - a constant table name
        return cursor.fetchall()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_runtime_role_can_insert_and_read_the_log_and_work_on_other_tables(runtime_conn):
    event = uuid.uuid4()
    runtime_conn.execute(
        "INSERT INTO audit_accesslogentry (event_id, action, occurred_at, outcome, username, role, "
        "organization_slug, gezinsplan_id, object_type, object_id, detail) "
        "VALUES (%s, 'read', now(), 'success', '', '', '', 'rt-case', '', '', '')",
        [event],
    )
    assert runtime_conn.execute("SELECT gezinsplan_id FROM audit_accesslogentry WHERE event_id = %s", [event]).fetchone() == (
        "rt-case",
    )
    assert AccessLogEntry.objects.get(event_id=event).gezinsplan_id == "rt-case"
    # Ordinary DML elsewhere: the session table (logins), and reading the migration table.
    runtime_conn.execute(
        "INSERT INTO django_session (session_key, session_data, expire_date) VALUES ('k1', 'x', now())"
    )
    runtime_conn.execute("UPDATE django_session SET session_data = 'y' WHERE session_key = 'k1'")
    runtime_conn.execute("DELETE FROM django_session WHERE session_key = 'k1'")
    assert runtime_conn.execute("SELECT count(*) FROM django_migrations").fetchone()[0] > 0
    import psycopg

    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        runtime_conn.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        runtime_conn.execute("CREATE TABLE rt_scratch (id int)")


def _privileges(role, table):
    held = set()
    with connection.cursor() as cursor:
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"):
            cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [role, table, privilege])
            if cursor.fetchone()[0]:
                held.add(privilege)
    return held


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_command_is_idempotent_and_takes_back_what_it_must_not_have(role_name):
    call_command("db", "runtime-role", role_name, stdout=StringIO())
    first = {t: _privileges(role_name, t) for t in (*PROTECTED, "django_session", "django_migrations")}
    assert first["audit_accesslogentry"] == {"SELECT", "INSERT"}
    assert first["audit_accesslogseal"] == {"SELECT", "INSERT"}
    assert first["django_session"] == {"SELECT", "INSERT", "UPDATE", "DELETE"}
    assert first["django_migrations"] == {"SELECT"}
    with connection.cursor() as cursor:  # drift: someone granted too much by hand
        cursor.execute(f'GRANT ALL ON audit_accesslogentry TO "{role_name}"')
    assert "UPDATE" in _privileges(role_name, "audit_accesslogentry")
    call_command("db", "runtime-role", role_name, stdout=StringIO())
    assert {t: _privileges(role_name, t) for t in first} == first


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_tables_created_by_later_migrations_are_reachable(role_name):
    call_command("db", "runtime-role", role_name, stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE audit_later_table (id int)")
    try:
        assert _privileges(role_name, "audit_later_table") == {"SELECT", "INSERT", "UPDATE", "DELETE"}
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE audit_later_table")


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_inherited_update_right_is_reported_not_ignored(role_name):
    helper = role_name + "_h"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{helper}"')
        cursor.execute(f'GRANT UPDATE ON audit_accesslogentry TO "{helper}"')
    try:
        call_command("db", "runtime-role", role_name, stdout=StringIO())
        with connection.cursor() as cursor:
            cursor.execute(f'GRANT "{helper}" TO "{role_name}"')
        with pytest.raises(CommandError) as excinfo:
            call_command("db", "runtime-role", role_name, stdout=StringIO())
        assert "UPDATE" in str(excinfo.value)
    finally:
        _drop_role(helper)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_print_shows_the_sql_without_running_it(role_name, monkeypatch):
    monkeypatch.setenv("WEGWIJZER_RUNTIME_PASSWORD", "s3cret-value")
    out = StringIO()
    call_command("db", "runtime-role", role_name, "--print", stdout=out)
    text = out.getvalue()
    assert f'CREATE ROLE "{role_name}"' in text
    assert 'REVOKE UPDATE, DELETE ON "public"."audit_accesslogentry", "public"."audit_accesslogseal"' in text
    assert "ALTER DEFAULT PRIVILEGES" in text
    assert "s3cret-value" not in text
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role_name])
        assert cursor.fetchone() is None


@on_postgresql
@pytest.mark.django_db
def test_the_owner_itself_cannot_become_the_runtime_role():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="eigenaar"):
        call_command("db", "runtime-role", owner, stdout=StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Bad-Name", "x; DROP TABLE y", "1abc", "a" * 64])
def test_bad_role_names_get_a_dutch_error(name):
    with pytest.raises(CommandError) as excinfo:
        call_command("db", "runtime-role", name, stdout=StringIO())
    assert "rol" in str(excinfo.value).lower()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite message")
@pytest.mark.django_db
def test_on_sqlite_the_command_explains_there_are_no_roles():
    with pytest.raises(CommandError, match="alleen op PostgreSQL") as excinfo:
        call_command("db", "runtime-role", "wegwijzer_app", stdout=StringIO())
    assert excinfo.value.returncode == 2


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["migrate"], "postgres://owner@db/w"),
        (["db", "runtime-role", "x"], "postgres://owner@db/w"),
        (["serve"], "postgres://app@db/w"),
        (["audit", "verify"], "postgres://app@db/w"),
        (["content", "load", "migrate"], "postgres://app@db/w"),
        ([], "postgres://app@db/w"),
    ],
)
def test_only_owner_commands_use_migrate_database_url(args, expected):
    environ = {"DATABASE_URL": "postgres://app@db/w", "MIGRATE_DATABASE_URL": "postgres://owner@db/w"}
    use_owner_database(args, environ)
    assert environ["DATABASE_URL"] == expected


def test_without_migrate_database_url_migrate_uses_database_url():
    environ = {"DATABASE_URL": "postgres://app@db/w"}
    use_owner_database(["migrate"], environ)
    assert environ["DATABASE_URL"] == "postgres://app@db/w"
