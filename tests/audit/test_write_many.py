"""access_log_write_many: many rows in one INSERT, each as access_log_write would have written it."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from wegwijzer.audit.context import AccessContext
from wegwijzer.audit.models import AccessLogEntry, AppendOnlyError
from wegwijzer.audit.service import LOGGER_NAME, access_log_write, access_log_write_many

Action = AccessLogEntry.Action

pytestmark = pytest.mark.django_db


def _user():
    from accounts.helpers import make_professional

    return make_professional("bert", role="jgz", organization_slug="jgz-utrecht")


def _entries(user, n: int, **extra):
    context = AccessContext(client_address="203.0.113.9", method="GET")
    return [
        {"context": context, "user": user, "action": Action.READ, "gezinsplan_id": f"plan-{i}", "object_type": "gezinsplan",
         "detail": "lijst", **extra}
        for i in range(n)
    ]


def test_many_rows_in_one_insert_with_the_same_fields_as_one_by_one():
    user = _user()
    with CaptureQueriesContext(connection) as ctx:
        rows = access_log_write_many(_entries(user, 120))
    inserts = [q for q in ctx.captured_queries if q["sql"].startswith('INSERT INTO "audit_accesslogentry"')]
    assert len(inserts) == 1
    assert len(rows) == 120 and all(r.pk for r in rows)
    single = access_log_write(**_entries(user, 1)[0])
    stored = AccessLogEntry.objects.filter(gezinsplan_id="plan-0").order_by("id")
    assert stored.count() == 2
    fields = ("action", "outcome", "user_id", "username", "role", "organization_slug", "object_type", "client_address", "detail")
    assert [getattr(stored[0], f) for f in fields] == [getattr(single, f) for f in fields]
    assert len({r.event_id for r in rows}) == 120


def test_nothing_to_write_is_no_query():
    with CaptureQueriesContext(connection) as ctx:
        assert access_log_write_many([]) == []
    assert len(ctx) == 0


def test_one_bad_entry_stores_none():
    user = _user()
    entries = _entries(user, 3)
    entries[2]["action"] = "lezen"  # not an Action
    with pytest.raises(ValueError):
        access_log_write_many(entries)
    entries = _entries(user, 3)
    entries[1]["outcome"] = "misschien"
    with pytest.raises(ValueError):
        access_log_write_many(entries)
    assert AccessLogEntry.objects.count() == 0


def test_rows_roll_back_with_the_callers_transaction_and_stay_append_only():
    user = _user()
    with pytest.raises(RuntimeError), transaction.atomic():
        access_log_write_many(_entries(user, 4))
        raise RuntimeError
    assert AccessLogEntry.objects.count() == 0
    rows = access_log_write_many(_entries(user, 2))
    with pytest.raises(AppendOnlyError):
        rows[0].save()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=rows[0].pk).update(detail="x")


def test_every_row_is_emitted_on_the_audit_logger(caplog):
    user = _user()
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        rows = access_log_write_many(_entries(user, 3))
    events = [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER_NAME]
    assert [e["event_id"] for e in events] == [str(r.event_id) for r in rows]
    assert {e["gezinsplan_id"] for e in events} == {"plan-0", "plan-1", "plan-2"}
