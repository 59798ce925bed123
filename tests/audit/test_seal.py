"""The seal chain over the access log: `wegwijzer audit seal|verify` detect what the owner changed."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from wegwijzer.audit.models import AccessLogEntry, AccessLogSeal, AppendOnlyError
from wegwijzer.audit.seal import seal_pending, verify
from wegwijzer.audit.service import access_log_write

pytestmark = pytest.mark.django_db
NOW_PLUS = dt.timedelta(seconds=5)


def _write(n, case="case-s"):
    return [access_log_write(context=None, user=None, action="read", gezinsplan_id=f"{case}-{i}") for i in range(n)]


def _seal_all(max_rows=1000):
    return seal_pending(horizon=dt.timedelta(0), now=timezone.now() + NOW_PLUS, max_rows=max_rows)


def _as_owner_bypassing_triggers(sql, params=()):
    """What a schema owner (or whoever holds the SQLite file) can do: switch the triggers off and write."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_accesslogentry DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE audit_accesslogseal DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_accesslogentry ENABLE TRIGGER USER")
            cursor.execute("ALTER TABLE audit_accesslogseal ENABLE TRIGGER USER")
        else:
            from wegwijzer.audit.sqlite import TRIGGERS, install_triggers

            for name in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(sql, params)
            install_triggers(connection)


def test_seal_then_verify_is_ok_and_counts():
    _write(7)
    seals = _seal_all(max_rows=3)
    assert [s.row_count for s in seals] == [3, 3, 1]
    assert seals[1].previous_sha256 == seals[0].chain_sha256
    report = verify()
    assert report.ok, report.problems
    assert (report.seals, report.sealed_rows, report.unsealed_rows) == (3, 7, 0)
    assert report.last_hash == seals[-1].chain_sha256
    assert _seal_all() == []  # nothing new: no empty seals


def test_rows_younger_than_the_horizon_wait():
    old = _write(2, case="old")
    now = timezone.now()
    young = AccessLogEntry(action="read", gezinsplan_id="young", occurred_at=now + dt.timedelta(minutes=10))
    young.save()
    later = access_log_write(context=None, user=None, action="read", gezinsplan_id="later")
    assert later.pk > young.pk
    seal_pending(horizon=dt.timedelta(minutes=5), now=now - dt.timedelta(minutes=5))
    assert not AccessLogSeal.objects.exists()
    seals = seal_pending(horizon=dt.timedelta(minutes=5), now=now + dt.timedelta(minutes=6))
    # Rows after the first young one wait too, even if older: a seal is a contiguous id range.
    assert [(s.first_id, s.last_id, s.row_count) for s in seals] == [(1, old[-1].pk, 2)]
    assert verify().unsealed_rows == 2


def test_a_changed_row_is_named():
    entries = _write(3)
    _seal_all()
    _as_owner_bypassing_triggers("UPDATE audit_accesslogentry SET gezinsplan_id = 'other' WHERE id = %s", [entries[1].pk])
    report = verify()
    assert not report.ok
    assert any(f"gewijzigd: regel {entries[1].pk}" in p for p in report.problems), report.problems


def test_a_deleted_row_is_named():
    entries = _write(3)
    _seal_all()
    _as_owner_bypassing_triggers("DELETE FROM audit_accesslogentry WHERE id = %s", [entries[0].pk])
    problems = verify().problems
    assert any(f"ontbreekt: regel {entries[0].pk}" in p for p in problems), problems


def test_a_row_slipped_into_a_sealed_range_is_named():
    entries = _write(3)
    _seal_all()
    gap = entries[-1].pk - 1
    _as_owner_bypassing_triggers("DELETE FROM audit_accesslogentry WHERE id = %s", [gap])
    _seal_all()
    # A later forged row with the freed id, after the seal: "added" would be wrong, it is a change.
    clone = AccessLogEntry(action="read", gezinsplan_id="forged")
    clone.save()
    _as_owner_bypassing_triggers("UPDATE audit_accesslogentry SET id = %s WHERE id = %s", [gap, clone.pk])
    problems = verify().problems
    assert any(f"regel {gap}" in p for p in problems), problems


def test_a_removed_seal_breaks_the_chain():
    _write(4)
    seals = _seal_all(max_rows=2)
    _as_owner_bypassing_triggers("DELETE FROM audit_accesslogseal WHERE id = %s", [seals[0].pk])
    problems = verify().problems
    assert any("geen enkel zegel" in p for p in problems), problems
    assert any("keten is verbroken" in p for p in problems), problems


def test_a_recomputed_chain_is_caught_by_the_external_anchor():
    _write(2)
    anchor = _seal_all()[-1].chain_sha256
    # The owner rewrites rows and every seal consistently: only a hash kept elsewhere shows it.
    _as_owner_bypassing_triggers("DELETE FROM audit_accesslogseal")
    _as_owner_bypassing_triggers("UPDATE audit_accesslogentry SET gezinsplan_id = 'other'")
    _seal_all()
    assert verify().ok
    problems = verify(expect=anchor).problems
    assert any(anchor in p for p in problems), problems


def test_verify_command_exit_status_and_messages():
    entries = _write(2)
    out = StringIO()
    call_command("audit", "verify", "--horizon-seconds", "0", stdout=out)
    assert "Toegangslog in orde" in out.getvalue()
    _as_owner_bypassing_triggers("UPDATE audit_accesslogentry SET detail = 'x' WHERE id = %s", [entries[0].pk])
    err = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify", stdout=StringIO(), stderr=err)
    assert excinfo.value.returncode == 1
    assert f"gewijzigd: regel {entries[0].pk}" in err.getvalue()


@pytest.mark.parametrize("value", ["abc", "-1", "9999999"])
def test_seal_command_refuses_a_bad_horizon(value):
    with pytest.raises(CommandError):
        call_command("audit", "seal", "--horizon-seconds", value, stdout=StringIO())


def test_seal_command_reports_new_seals():
    _write(2)
    out = StringIO()
    call_command("audit", "seal", "--horizon-seconds", "0", stdout=out)
    assert AccessLogSeal.objects.count() == 1
    assert "1 nieuwe zegel(s) over 2 regel(s)" in out.getvalue()
    assert AccessLogSeal.objects.get().chain_sha256 in out.getvalue()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_accesslogseal SET row_count = 0", "DELETE FROM audit_accesslogseal"],
)
def test_the_seal_table_is_append_only_too(statement):
    _write(1)
    _seal_all()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    seal = AccessLogSeal.objects.get()
    assert seal.row_count == 1
    with pytest.raises(AppendOnlyError):
        seal.save()
    with pytest.raises(AppendOnlyError):
        AccessLogSeal.objects.all().delete()
