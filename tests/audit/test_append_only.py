"""The access log is append-only: in the model, the queryset, and the database itself."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from wegwijzer.audit.models import AccessLogEntry, AppendOnlyError
from wegwijzer.audit.service import access_log_write

pytestmark = pytest.mark.django_db

TABLE = AccessLogEntry._meta.db_table  # "audit_accesslogentry", literal in the SQL below


@pytest.fixture
def entry():
    return access_log_write(context=None, user=None, action="read", gezinsplan_id="case-1", object_type="case")


def test_insert_works(entry):
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_model_save_of_an_existing_row_is_refused(entry):
    entry.action = "delete"
    with pytest.raises(AppendOnlyError):
        entry.save()
    fetched = AccessLogEntry.objects.get(pk=entry.pk)
    with pytest.raises(AppendOnlyError):
        fetched.save(update_fields=["detail"])
    assert AccessLogEntry.objects.get(pk=entry.pk).action == "read"


def test_model_delete_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    "operation",
    [
        lambda qs: qs.update(action="delete"),
        lambda qs: qs.delete(),
        lambda qs: qs.bulk_update(list(qs), ["action"]),
        lambda qs: qs.update_or_create(gezinsplan_id="case-1", defaults={"action": "x"}),
        lambda qs: AccessLogEntry.objects.update(detail="x"),
        lambda qs: AccessLogEntry.objects.all().delete(),
    ],
)
def test_queryset_update_and_delete_are_refused(entry, operation):
    with pytest.raises(AppendOnlyError):
        operation(AccessLogEntry.objects.filter(pk=entry.pk))
    assert AccessLogEntry.objects.get(pk=entry.pk).action == "read"


def test_saving_a_copy_with_an_existing_pk_cannot_overwrite(entry):
    copy = AccessLogEntry(pk=entry.pk, action="delete")
    with pytest.raises(DatabaseError), transaction.atomic():
        copy.save()  # force_insert: a duplicate key, never an UPDATE
    assert AccessLogEntry.objects.get(pk=entry.pk).action == "read"


def test_raw_sql_update_is_refused_by_the_database(entry):
    with pytest.raises(DatabaseError) as excinfo, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_accesslogentry SET action = 'delete' WHERE id = %s", [entry.pk])
    assert "append" in str(excinfo.value).lower() or "cannot update" in str(excinfo.value).lower()
    assert AccessLogEntry.objects.get(pk=entry.pk).action == "read"


def test_raw_sql_delete_is_refused_by_the_database(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accesslogentry WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accesslogentry")
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PL/pgSQL trigger: PostgreSQL only")
def test_postgresql_plain_trigger_replaces_the_pgtrigger():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [TABLE]
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"audit_accesslogentry_append_only"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pgtrigger.ignore is a PostgreSQL session setting")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_accesslogentry SET action = 'delete' WHERE id = %s",
        "DELETE FROM audit_accesslogentry WHERE id = %s",
    ],
)
def test_owner_with_pgtrigger_ignore_is_still_refused_by_the_trigger(entry, statement):
    # The defect: pgtrigger's Protect honours this setting, which any role may set.
    with pytest.raises(DatabaseError) as excinfo, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL pgtrigger.ignore = '{pgtrigger_append_only_3e1fc}'")
        cursor.execute(statement, [entry.pk])
    assert "append-only" in str(excinfo.value)
    assert AccessLogEntry.objects.get(pk=entry.pk).action == "read"


def _upsert_sql():
    return (
        "INSERT INTO audit_accesslogentry (id, event_id, action, occurred_at, outcome, username, role, "
        "organization_slug, gezinsplan_id, object_type, object_id, detail) "
        "VALUES (%s, %s, 'delete', %s, 'success', '', '', '', 'other', '', '', '') "
        "ON CONFLICT (id) DO UPDATE SET action = excluded.action, gezinsplan_id = excluded.gezinsplan_id"
    )


def test_upsert_over_an_existing_row_is_refused(entry):
    import uuid

    from django.utils import timezone

    event = uuid.uuid4().hex if connection.vendor == "sqlite" else str(uuid.uuid4())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [entry.pk, event, timezone.now()])
    fetched = AccessLogEntry.objects.get(pk=entry.pk)
    assert (fetched.action, fetched.gezinsplan_id) == ("read", "case-1")


def _sqlite_insert(verb, *, id_, event_id):
    return (
        f"{verb} INTO audit_accesslogentry (id, event_id, action, occurred_at, outcome, username, role, "
        "organization_slug, gezinsplan_id, object_type, object_id, detail) "
        f"VALUES ({id_}, '{event_id}', 'delete', '2020-01-01 00:00:00', 'success', '', '', '', 'other', '', '', '')"
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="REPLACE / INSERT OR REPLACE are SQLite syntax")
@pytest.mark.parametrize("verb", ["REPLACE", "INSERT OR REPLACE"])
@pytest.mark.parametrize("clash", ["id", "event_id"])
def test_sqlite_replace_cannot_rewrite_a_row(entry, verb, clash):
    import uuid

    id_ = entry.pk if clash == "id" else entry.pk + 1000
    event_id = entry.event_id.hex if clash == "event_id" else uuid.uuid4().hex
    with pytest.raises(DatabaseError) as excinfo, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_sqlite_insert(verb, id_=id_, event_id=event_id))
    assert "append-only" in str(excinfo.value)
    fetched = AccessLogEntry.objects.get(pk=entry.pk)
    assert (fetched.action, fetched.gezinsplan_id) == ("read", "case-1")
    assert not AccessLogEntry.objects.filter(gezinsplan_id="other").exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite triggers only")
def test_sqlite_plain_insert_with_a_new_id_still_works(entry):
    import uuid

    with connection.cursor() as cursor:
        cursor.execute(_sqlite_insert("INSERT", id_=entry.pk + 1000, event_id=uuid.uuid4().hex))
    assert AccessLogEntry.objects.filter(gezinsplan_id="other").count() == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite triggers only")
def test_sqlite_triggers_are_installed_and_come_back_after_migrate():
    from wegwijzer.audit.sqlite import TRIGGERS, ensure_triggers

    def installed():
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            return {row[0] for row in cursor.fetchall()}

    assert set(TRIGGERS) <= installed()
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER audit_accesslogentry_no_update")
        cursor.execute("DROP TRIGGER audit_accesslogentry_no_replace")
    assert "audit_accesslogentry_no_update" not in installed()
    ensure_triggers(sender=None, using="default")
    assert set(TRIGGERS) <= installed()


@pytest.mark.django_db(transaction=True)
def test_flush_between_transactional_tests_still_works():
    # This test commits a row; the test runner's flush afterwards must be able to empty the table
    # (TRUNCATE on PostgreSQL, the audit app's `flush` on SQLite). A failing flush errors at teardown.
    access_log_write(context=None, user=None, action="read", gezinsplan_id="committed")
    assert AccessLogEntry.objects.filter(gezinsplan_id="committed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_flush_left_nothing_behind():
    assert not AccessLogEntry.objects.filter(gezinsplan_id="committed").exists()
