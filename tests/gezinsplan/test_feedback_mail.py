"""The feedback mail is a Django Task enqueued on commit (gezinsplan.tasks): the feedback is stored even when
the mail server is down, and the page and the API say whether the mail went out."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from accounts.helpers import bearer, verified_client
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.gezinsplan import services, tasks
from wegwijzer.gezinsplan.models import Feedback

from .factories import Team

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _send(team, role="jgz", email="jgz@example.org", message="Hallo"):
    return services.feedback_send(
        actor=team.member, gezinsplan=team.gezinsplan, recipient_role=role, recipient_email=email, message=message
    )


@pytest.fixture
def broken_mail(monkeypatch):
    def broken(self, fail_silently=False):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)


def _log_of(feedback):
    return list(
        AccessLogEntry.objects.filter(gezinsplan_id=str(feedback.gezinsplan_id), object_type="feedback").values_list(
            "action", "object_id", "detail"
        )
    )


def test_the_mail_waits_for_the_commit_then_is_recorded_sent(team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        feedback = _send(team)
        # Still inside the transaction: stored as queued, nothing sent yet.
        assert mail.outbox == []
        assert Feedback.objects.get(pk=feedback.pk).mail_status == Feedback.MailStatus.QUEUED
    assert len(callbacks) == 1
    [message] = mail.outbox
    assert message.to == ["jgz@example.org"] and "Hallo" in message.body
    assert team.gezinsplan.label not in message.body + message.subject
    feedback.refresh_from_db()
    assert feedback.mail_status == Feedback.MailStatus.SENT
    assert feedback.mail_sent_at is not None


def test_a_rolled_back_feedback_sends_no_mail(team, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _send(team)
        raise RuntimeError("the caller's transaction fails after the feedback")
    assert callbacks == []
    assert mail.outbox == []
    assert not Feedback.objects.exists()


def test_mail_failure_stores_the_feedback_as_failed_and_logs(
    team, broken_mail, django_capture_on_commit_callbacks, caplog
):
    with (
        caplog.at_level(logging.ERROR, logger="wegwijzer.gezinsplan.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        feedback = _send(team)  # must not raise: the failure is recorded, not thrown into the request
    feedback.refresh_from_db()
    assert feedback.mail_status == Feedback.MailStatus.FAILED
    assert feedback.mail_sent_at is None
    assert feedback.message == "Hallo"
    assert any("could not be sent" in r.getMessage() for r in caplog.records)


def test_the_access_log_is_the_same_whether_the_mail_fails_or_not(
    team, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        good = _send(team)
    monkeypatch.setattr(
        "django.core.mail.EmailMessage.send",
        lambda self, fail_silently=False: (_ for _ in ()).throw(OSError()),
    )
    with django_capture_on_commit_callbacks(execute=True):
        bad = _send(team)
    bad.refresh_from_db()
    assert bad.mail_status == Feedback.MailStatus.FAILED
    log = _log_of(good)
    assert [(a, d) for a, o, d in log if o == str(good.pk)] == [("create", "aan=jgz")]
    assert [(a, d) for a, o, d in log if o == str(bad.pk)] == [("create", "aan=jgz")]


def test_the_task_takes_json_kwargs_and_tolerates_a_deleted_feedback(team):
    assert tasks.feedback_mail_send.call(feedback_id=str(uuid.uuid4())) == "missing"
    assert mail.outbox == []


# ---- the web page ----


def _page(team):
    return reverse("gezinsplan:feedback", kwargs={"gezinsplan_id": team.gezinsplan.pk})


def test_page_shows_sent(client, team, django_capture_on_commit_callbacks):
    browser = verified_client(client, team.member)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            _page(team),
            {"recipient_role": "huisarts", "recipient_email": "ha@example.org", "message": "Graag"},
        )
    assert response.status_code == 302
    body = browser.get(response["Location"]).content.decode()
    assert "opgeslagen" in body
    assert "Verstuurd op" in body and "Versturen mislukt" not in body


def test_page_shows_failure_and_keeps_the_feedback(
    client, team, broken_mail, django_capture_on_commit_callbacks
):
    browser = verified_client(client, team.member)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            _page(team), {"recipient_role": "jgz", "recipient_email": "jgz@example.org", "message": "Hallo"}
        )
    assert response.status_code == 302
    assert team.gezinsplan.feedback.count() == 1
    body = browser.get(response["Location"]).content.decode()
    assert "Versturen mislukt — neem zelf contact op met" in body and "jgz@example.org" in body
    assert "Verstuurd op" not in body


# ---- the API ----


def _post(client, team, **body):
    payload = {"recipient_role": "jgz", "recipient_email": "jgz@example.org", "message": "Hallo", **body}
    return client.post(
        f"{API}/gezinsplannen/{team.gezinsplan.pk}/feedback",
        data=json.dumps(payload),
        content_type="application/json",
        **bearer(team.member),
    )


def _listed(client, team):
    return client.get(f"{API}/gezinsplannen/{team.gezinsplan.pk}/feedback", **bearer(team.member)).json()["results"]


def test_api_shows_queued_inside_the_transaction_then_sent(client, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, team)
        # The test's transaction has not committed yet, so the task has not run.
        assert response.status_code == 201, response.content
        assert response.json()["mail_status"] == "queued"
    [item] = _listed(client, team)
    assert item["mail_status"] == "sent" and item["mail_status_label"] == "Verstuurd"
    assert item["mail_sent_at"] is not None


def test_api_shows_failed(client, team, broken_mail, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(client, team).status_code == 201
    [item] = _listed(client, team)
    assert item["mail_status"] == "failed" and item["mail_status_label"] == "Versturen mislukt"
    assert item["mail_sent_at"] is None


@pytest.mark.django_db(transaction=True)
def test_api_answers_with_the_outcome_when_the_request_commits(client):
    """No test transaction around the request: the task runs on commit before the 201 is written."""
    team = Team()
    response = _post(client, team)
    assert response.status_code == 201, response.content
    assert response.json()["mail_status"] == "sent"
    assert len(mail.outbox) == 1
