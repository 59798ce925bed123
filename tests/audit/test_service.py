"""access_log_write / access_log_for_case: what an entry records, and where the client address comes from."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from wegwijzer.audit.context import AccessContext, access_context, client_address
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.audit.service import LOGGER_NAME, access_log_for_gezinsplan, access_log_write

Action = AccessLogEntry.Action

pytestmark = pytest.mark.django_db


def _user(**kwargs):
    from accounts.helpers import make_professional

    return make_professional(kwargs.pop("username", "anna"), **kwargs)


def test_entry_records_who_what_when_where(rf: RequestFactory):
    user = _user(role="jgz", organization_slug="jgz-utrecht")
    request = rf.get("/gezinsplan/x/", REMOTE_ADDR="203.0.113.5")
    before = timezone.now()
    entry = access_log_write(
        context=access_context(request), user=user, action=Action.READ, gezinsplan_id="k7Fq", object_type="agreement", object_id="12",
        detail="tab=team",
    )
    assert isinstance(entry.event_id, uuid.UUID)
    assert entry.occurred_at >= before
    assert (entry.user_id, entry.username, entry.role, entry.organization_slug) == (
        user.pk, "anna", "jgz", "jgz-utrecht"
    )
    assert (entry.action, entry.outcome, entry.gezinsplan_id, entry.object_type, entry.object_id) == (
        "read", "success", "k7Fq", "agreement", "12"
    )
    assert entry.client_address == "203.0.113.5"
    assert entry.detail == "tab=team"


def test_entry_survives_deleting_the_user():
    user = _user(username="vertrokken")
    entry = access_log_write(context=None, user=user, action=Action.READ, gezinsplan_id="c")
    user.delete()
    entry = AccessLogEntry.objects.get(pk=entry.pk)
    assert entry.username == "vertrokken" and entry.user_id is not None


def test_anonymous_and_denied(rf):
    from django.contrib.auth.models import AnonymousUser

    entry = access_log_write(context=access_context(rf.get("/")), user=AnonymousUser(), action="read", gezinsplan_id="c",
                             outcome="denied")
    assert entry.user_id is None and entry.username == "" and entry.outcome == "denied"


def test_unknown_outcome_is_a_programming_error():
    with pytest.raises(ValueError):
        access_log_write(context=None, user=None, action=Action.READ, outcome="maybe")
    with pytest.raises(ValueError):
        access_log_write(context=None, user=None, action="")


def test_long_values_are_cut_not_refused():
    entry = access_log_write(context=None, user=None, action=Action.READ, gezinsplan_id="c" * 100, detail="d" * 500)
    assert len(entry.gezinsplan_id) == 64 and len(entry.detail) == 200


def test_x_forwarded_for_is_ignored_unless_trusted(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    settings.TRUST_X_FORWARDED_FOR = False
    assert client_address(request) == "10.0.0.2"
    settings.TRUST_X_FORWARDED_FOR = True
    # The right-most entry is the one our own proxy appended; the rest is client-supplied.
    assert client_address(request) == "203.0.113.9"
    entry = access_log_write(context=access_context(request), user=None, action=Action.READ)
    assert entry.client_address == "203.0.113.9"


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"REMOTE_ADDR": "2001:db8::1"}, "2001:db8::1"),
        ({"REMOTE_ADDR": "not-an-ip"}, None),
        ({"REMOTE_ADDR": ""}, None),
        ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "garbage"}, "10.0.0.2"),
        ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "[2001:db8::5]:443"}, "2001:db8::5"),
        ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "192.0.2.1:8080"}, "192.0.2.1"),
    ],
)
def test_client_address_edge_cases(rf, settings, meta, expected):
    settings.TRUST_X_FORWARDED_FOR = True
    request = rf.get("/")
    request.META.update(meta)
    assert client_address(request) == expected


def test_no_request_means_no_address():
    assert access_log_write(context=None, user=None, action=Action.READ).client_address is None


def test_entry_is_emitted_on_the_audit_logger(caplog):
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        entry = access_log_write(context=None, user=None, action=Action.EXPORT, gezinsplan_id="c9", object_type="fhir")
    records = [r for r in caplog.records if r.name == LOGGER_NAME]
    assert len(records) == 1
    payload = json.loads(records[0].getMessage())
    assert payload["event"] == "access"
    assert payload["event_id"] == str(entry.event_id)
    assert (payload["action"], payload["gezinsplan_id"], payload["object_type"]) == ("export", "c9", "fhir")


def test_access_log_for_case_is_newest_first_and_only_that_case():
    old = access_log_write(context=None, user=None, action=Action.CREATE, gezinsplan_id="A")
    AccessLogEntry.objects.create(action="read", gezinsplan_id="A", occurred_at=timezone.now() + timedelta(seconds=5))
    access_log_write(context=None, user=None, action=Action.READ, gezinsplan_id="B")
    newer = access_log_write(context=None, user=None, action=Action.UPDATE, gezinsplan_id="A")
    entries = list(access_log_for_gezinsplan("A"))
    assert [e.gezinsplan_id for e in entries] == ["A", "A", "A"]
    assert entries[-1] == old
    assert entries.index(newer) == 1
    assert [e.occurred_at for e in entries] == sorted((e.occurred_at for e in entries), reverse=True)


def test_action_must_be_one_of_the_enum():
    with pytest.raises(ValueError, match="Unknown action"):
        access_log_write(context=None, user=None, action="raed")  # type: ignore[arg-type]
    # A string that is an enum value is the same action (callers being moved to the enum still work).
    assert access_log_write(context=None, user=None, action="read").action == Action.READ  # type: ignore[arg-type]


def test_access_context_from_a_request(rf):
    context = access_context(rf.post("/", REMOTE_ADDR="192.0.2.8"))
    assert context == AccessContext(client_address="192.0.2.8", method="POST")
    assert not context.is_read and not context.is_head
    assert access_context(rf.get("/")).is_read


def test_access_context_marks_a_head_also_when_the_api_runs_it_as_get(rf):
    assert access_context(rf.head("/")).is_head
    request = rf.get("/")
    assert not access_context(request).is_head
    request._ww_head_as_get = True  # set by core.middleware for a ninja view
    context = access_context(request)
    assert context.is_head and context.is_read and context.method == "HEAD"


def test_access_context_is_frozen_and_empty_without_a_request():
    context = access_context(None)
    assert context == AccessContext() and context.client_address is None and context.method == ""
    with pytest.raises(AttributeError):
        context.client_address = "10.0.0.1"  # type: ignore[misc]
