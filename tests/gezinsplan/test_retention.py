"""Retention: a dry run lists without changing; apply removes personal data, keeps skeleton and log."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.gezinsplan import services
from wegwijzer.gezinsplan.models import Agreement, Consent, Feedback, Gezinsplan, Meeting, PlanSection

from .factories import make_case

pytestmark = pytest.mark.django_db


def closed_long_ago(team, settings, days_extra=1):
    services.plan_section_update(
        actor=team.member,
        gezinsplan=team.gezinsplan,
        step=1,
        content="Moeder zoekt hulp",
        considerations="Omdat",
        expected_version=0,
    )
    services.feedback_send(
        actor=team.member,
        gezinsplan=team.gezinsplan,
        recipient_role="jgz",
        recipient_email="jgz@example.org",
        message="Geheim bericht",
    )
    services.gezinsplan_close(actor=team.member, gezinsplan=team.gezinsplan)
    Gezinsplan.objects.filter(pk=team.gezinsplan.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=settings.RETENTION_DAYS_AFTER_CLOSE + days_extra),
        contact_name="Mevrouw Merel",
        contact_phone="0612345678",
    )


def test_dry_run_lists_without_changing(team, settings):
    closed_long_ago(team, settings)
    recent = make_case()
    services.gezinsplan_close(actor=recent.created_by, gezinsplan=recent)
    log_before = AccessLogEntry.objects.count()
    out = io.StringIO()
    call_command("retention", "apply", "--dry-run", stdout=out)
    assert str(team.gezinsplan.pk) in out.getvalue()
    assert str(recent.pk) not in out.getvalue()
    gezinsplan = Gezinsplan.objects.get(pk=team.gezinsplan.pk)
    assert (
        gezinsplan.label == "Gezin Zonnebloem"
        and gezinsplan.contact_name == "Mevrouw Merel"
        and gezinsplan.purged_at is None
    )
    assert PlanSection.objects.get(gezinsplan=gezinsplan, step=1).content == "Moeder zoekt hulp"
    assert AccessLogEntry.objects.count() == log_before


def test_apply_purges_personal_data_and_keeps_log(team, settings):
    closed_long_ago(team, settings)
    log_before = AccessLogEntry.objects.filter(gezinsplan_id=str(team.gezinsplan.pk)).count()
    report = services.retention_apply(dry_run=False)
    assert [c["id"] for c in report.gezinsplannen] == [str(team.gezinsplan.pk)]
    gezinsplan = Gezinsplan.objects.get(pk=team.gezinsplan.pk)
    assert gezinsplan.label == "verwijderd" and gezinsplan.contact_name == "" and gezinsplan.contact_phone == ""
    assert gezinsplan.purged_at is not None and gezinsplan.advice_snapshot is None
    assert (gezinsplan.phase, gezinsplan.wijk) == ("zwangerschap", "overvecht")  # skeleton stays
    section = PlanSection.objects.get(gezinsplan=gezinsplan, step=1)
    assert section.content == "" and section.considerations == ""
    assert not section.history.exclude(content="").exists()
    assert Agreement.objects.get(gezinsplan=gezinsplan).what == "verwijderd"
    consent = Consent.objects.get(gezinsplan=gezinsplan)
    assert (consent.what, consent.with_whom) == ("verwijderd", "verwijderd")
    assert Meeting.objects.get(gezinsplan=gezinsplan).location == ""
    assert Meeting.objects.get(gezinsplan=gezinsplan).decisions.get().text == ""
    assert Feedback.objects.get(gezinsplan=gezinsplan).message == ""
    entries = AccessLogEntry.objects.filter(gezinsplan_id=str(gezinsplan.pk))
    assert entries.count() == log_before + 1
    assert entries.filter(action="retention").exists()
    # A second run finds nothing left to do.
    assert services.retention_apply(dry_run=False).gezinsplannen == []


def test_not_yet_due_is_kept(team, settings):
    closed_long_ago(team, settings, days_extra=-2)
    assert services.retention_apply(dry_run=False).gezinsplannen == []
    assert Gezinsplan.objects.get(pk=team.gezinsplan.pk).label == "Gezin Zonnebloem"
