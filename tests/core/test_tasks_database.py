"""The feedback mail on the database task backend (django-tasks-db): enqueued on commit as a row in the task
table, sent only when the worker (`wegwijzer db_worker`) runs; until then the feedback shows as queued.

The worker runs here in this process in its batch mode (run what is queued, then exit), against the test
database, with real commits (transaction=True): that is what the worker beside `wegwijzer serve` sees.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus, task_backends
from django.urls import reverse
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from accounts.helpers import bearer, verified_client
from gezinsplan.factories import Team
from wegwijzer.gezinsplan import services
from wegwijzer.gezinsplan.models import Feedback

pytestmark = pytest.mark.django_db(transaction=True)

TASK_PATH = "wegwijzer.gezinsplan.tasks.feedback_mail_send"


class RefusingMailBackend(BaseEmailBackend):
    """A mail server that refuses every connection."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server refuses the connection")


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert isinstance(task_backends["default"], DatabaseBackend)
    return settings


@pytest.fixture
def run_worker():
    """`wegwijzer db_worker --batch`: runs every queued task, then returns. The command installs its own
    signal handlers and log levels; they are put back so the rest of the test session is unaffected."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {s: signal.getsignal(s) for s in signals}
    loggers = [logging.getLogger(name) for name in ("django.tasks", "django_tasks_db")]
    levels = [logger.level for logger in loggers]

    def run() -> None:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval=0", verbosity=0)

    yield run
    for s, handler in handlers.items():
        signal.signal(s, handler)
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def _send(team: Team, message: str = "Graag contact over de afspraak") -> Feedback:
    # No test transaction around it: feedback_send's own transaction commits, and on commit the task is queued.
    return services.feedback_send(
        actor=team.member,
        gezinsplan=team.gezinsplan,
        recipient_role="jgz",
        recipient_email="jgz@example.org",
        message=message,
    )


def _page(client, team: Team) -> str:
    browser = verified_client(client, team.member)
    return browser.get(reverse("gezinsplan:feedback", kwargs={"gezinsplan_id": team.gezinsplan.pk})).content.decode()


def _api_items(client, team: Team) -> list[dict]:
    response = client.get(f"/api/v1/gezinsplannen/{team.gezinsplan.pk}/feedback", **bearer(team.member))
    assert response.status_code == 200, response.content
    return response.json()["results"]



def _feedback_tasks():
    # Only the feedback mail's rows: the team factory's referral queues its own team mail.
    return DBTaskResult.objects.filter(task_path=TASK_PATH)

def test_the_default_backend_is_the_database_backend():
    """Outside the tests (whose conftest runs tasks inline) TASKS_BACKEND defaults to the database."""
    code = "import wegwijzer.conf.settings as s; print(s.TASKS['default']['BACKEND'])"
    env = {**os.environ, "TASKS_BACKEND": ""}  # empty is the default (and outweighs a developer's .env)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.strip() == "django_tasks_db.DatabaseBackend"


@pytest.mark.parametrize(
    ("value", "backend"),
    [
        ("immediate", "django.tasks.backends.immediate.ImmediateBackend"),
        (" Database ", "django_tasks_db.DatabaseBackend"),
    ],
)
def test_tasks_backend_is_chosen_by_environment(value, backend):
    code = "import wegwijzer.conf.settings as s; print(s.TASKS['default']['BACKEND'])"
    env = {**os.environ, "TASKS_BACKEND": value}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.strip() == backend


def test_an_unknown_tasks_backend_is_refused_in_dutch():
    env = {**os.environ, "TASKS_BACKEND": "celery"}
    result = subprocess.run(
        [sys.executable, "-c", "import wegwijzer.conf.settings"], capture_output=True, text=True, env=env
    )
    assert result.returncode != 0
    assert "TASKS_BACKEND moet 'database' of 'immediate' zijn, niet 'celery'." in result.stderr


def test_feedback_mail_is_queued_then_sent_by_the_worker(database_tasks, run_worker, client):
    team = Team()
    feedback = _send(team)

    # Committed and queued: one task row, nothing sent, the feedback says so on the page and in the API.
    [row] = _feedback_tasks()
    assert row.status == TaskResultStatus.READY
    assert row.task_path == TASK_PATH
    # Only the id travels through the queue table: no message, address or family data.
    assert row.args_kwargs == {"args": [], "kwargs": {"feedback_id": str(feedback.pk)}}
    assert mail.outbox == []
    feedback.refresh_from_db()
    assert feedback.mail_status == Feedback.MailStatus.QUEUED
    assert "Nog niet verstuurd (in de wachtrij)." in _page(client, team)
    [item] = _api_items(client, team)
    assert (item["mail_status"], item["mail_status_label"]) == ("queued", "In de wachtrij")

    run_worker()

    [message] = mail.outbox
    assert message.to == ["jgz@example.org"]
    assert "Graag contact over de afspraak" in message.body
    assert team.gezinsplan.label not in message.subject + message.body
    feedback.refresh_from_db()
    assert feedback.mail_status == Feedback.MailStatus.SENT
    assert feedback.mail_sent_at is not None
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == "sent"
    assert "Verstuurd op" in _page(client, team)
    assert _api_items(client, team)[0]["mail_status"] == "sent"


def test_a_refusing_mail_server_marks_the_feedback_failed_and_keeps_it(
    database_tasks, run_worker, client, caplog
):
    database_tasks.EMAIL_BACKEND = f"{__name__}.RefusingMailBackend"
    team = Team()
    feedback = _send(team, message="Bel mij terug")
    assert _feedback_tasks().get().status == TaskResultStatus.READY

    with caplog.at_level(logging.ERROR, logger="wegwijzer.gezinsplan.tasks"):
        run_worker()

    assert mail.outbox == []
    feedback.refresh_from_db()
    assert feedback.mail_status == Feedback.MailStatus.FAILED
    assert feedback.mail_sent_at is None
    assert feedback.message == "Bel mij terug"
    assert Feedback.objects.filter(gezinsplan=team.gezinsplan).count() == 1
    # The task records the outage on the feedback instead of raising, so the task itself succeeded.
    row = _feedback_tasks().get()
    assert (row.status, row.return_value) == (TaskResultStatus.SUCCESSFUL, "failed")
    assert any("could not be sent" in r.getMessage() for r in caplog.records)
    body = _page(client, team)
    assert "Versturen mislukt — neem zelf contact op met" in body and "jgz@example.org" in body


def test_each_queued_mail_is_sent_once(database_tasks, run_worker):
    team = Team()
    first, second = _send(team, message="Eerste"), _send(team, message="Tweede")
    run_worker()
    run_worker()  # nothing left to do: finished tasks are not run again
    assert len(mail.outbox) == 2
    assert sorted("Eerste" in m.body for m in mail.outbox) == [False, True]
    assert set(_feedback_tasks().values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    for feedback in (first, second):
        feedback.refresh_from_db()
        assert feedback.mail_status == Feedback.MailStatus.SENT


def test_a_rolled_back_feedback_queues_no_task(database_tasks, run_worker):
    team = Team()
    with pytest.raises(RuntimeError), transaction.atomic():
        _send(team)
        raise RuntimeError("the caller's transaction fails after the feedback")
    assert not _feedback_tasks().exists()
    run_worker()
    assert mail.outbox == []
    assert not Feedback.objects.exists()


def test_the_date_check_accepts_the_queues_no_delay_sentinel(database_tasks):
    """django-tasks-db stores 'run as soon as possible' as run_after 9999-01-01; `wegwijzer dates check`
    looks for dates outside 1900–2100 and must not report every queued task."""
    _send(Team())
    assert _feedback_tasks().get().run_after.year == 9999
    call_command("dates", "check")  # exits 1 (SystemExit) when it finds anything


def test_an_operator_sees_the_queue_in_the_admin(database_tasks, admin_client):
    feedback = _send(Team())
    response = admin_client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "feedback_mail_send" in body
    row = _feedback_tasks().get()
    detail = admin_client.get(reverse("admin:django_tasks_database_dbtaskresult_change", args=[row.pk]))
    assert detail.status_code == 200
    assert str(feedback.pk) in detail.content.decode()
