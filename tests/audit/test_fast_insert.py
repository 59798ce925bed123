"""The access log's write path of issue 9: time-ordered event ids, no second index on gezinsplan_id, and
`access_log_append_many` writing the same rows as `access_log_write_many` without reading them back."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wegwijzer.audit.context import AccessContext
from wegwijzer.audit.models import AccessLogEntry, new_event_id
from wegwijzer.audit.service import access_log_append_many, access_log_write_many

pytestmark = pytest.mark.django_db

FIELDS = ("action", "outcome", "user_id", "username", "role", "organization_slug", "gezinsplan_id", "object_type",
          "object_id", "client_address", "detail")


def _entries(user, n: int, prefix: str):
    context = AccessContext(client_address="2001:db8::7", method="GET")
    return [{"context": context, "user": user, "action": AccessLogEntry.Action.READ, "gezinsplan_id": f"{prefix}-{i}",
             "object_type": "gezinsplan", "detail": "lijst"} for i in range(n)]


def test_event_ids_are_uuid7_and_ordered_by_time():
    first = new_event_id()
    time.sleep(0.002)
    ids = [new_event_id() for _ in range(500)]
    assert first.version == 7 and first.variant == "specified in RFC 4122"
    assert len(set(ids)) == 500
    assert all(first < i for i in ids)  # a later millisecond sorts after
    assert abs((first.int >> 80) - time.time_ns() // 1_000_000) < 5_000


def test_append_many_writes_what_write_many_writes_in_one_statement_and_returns_the_count():
    from accounts.helpers import make_professional

    user = make_professional("carla", role="jgz", organization_slug="jgz-utrecht")
    written = access_log_write_many(_entries(user, 3, "a"))
    with CaptureQueriesContext(connection) as ctx:
        assert access_log_append_many(_entries(user, 3, "b")) == 3
    assert [q["sql"].split(" (")[0] for q in ctx.captured_queries] == ['INSERT INTO "audit_accesslogentry"']
    assert "RETURNING" not in ctx.captured_queries[0]["sql"]
    appended = list(AccessLogEntry.objects.filter(gezinsplan_id__startswith="b-").order_by("id"))
    stored = list(AccessLogEntry.objects.filter(gezinsplan_id__startswith="a-").order_by("id"))
    assert [r.pk for r in stored] == [r.pk for r in written]
    for a, b in zip(stored, appended, strict=True):
        assert [getattr(a, f) for f in FIELDS if f != "gezinsplan_id"] == [getattr(b, f) for f in FIELDS if f != "gezinsplan_id"]
    assert [(r.event_id, r.occurred_at) for r in written] == [(r.event_id, r.occurred_at) for r in stored]
    assert appended[0].client_address == "2001:db8::7"
    assert access_log_append_many([]) == 0


def test_more_rows_than_one_statement_holds_are_all_written():
    assert access_log_append_many(
        {"context": None, "user": None, "action": "read", "gezinsplan_id": f"c-{i}"} for i in range(1203)
    ) == 1203
    assert AccessLogEntry.objects.filter(gezinsplan_id__startswith="c-").count() == 1203


def test_gezinsplan_id_is_indexed_once_by_the_composite_index():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AccessLogEntry._meta.db_table)
    by_columns = [info["columns"] for info in constraints.values() if info["index"] and not info["primary_key"]]
    assert ["gezinsplan_id"] not in by_columns
    assert ["gezinsplan_id", "occurred_at"] in by_columns
