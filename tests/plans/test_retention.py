"""Retention: a dry run lists without changing; apply removes personal data, keeps skeleton and log."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.plans import services
from wegwijzer.plans.models import Agreement, Casus, Consent, Feedback, Meeting, PlanSection

from .factories import make_case

pytestmark = pytest.mark.django_db


def closed_long_ago(team, settings, days_extra=1):
    services.plan_section_update(
        actor=team.member,
        casus=team.casus,
        step=1,
        content="Moeder zoekt hulp",
        considerations="Omdat",
        expected_version=0,
    )
    services.feedback_send(
        actor=team.member,
        casus=team.casus,
        recipient_role="jgz",
        recipient_email="jgz@example.org",
        message="Geheim bericht",
    )
    services.casus_close(actor=team.member, casus=team.casus)
    Casus.objects.filter(pk=team.casus.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=settings.RETENTION_DAYS_AFTER_CLOSE + days_extra),
        contact_name="Mevrouw Merel",
        contact_phone="0612345678",
    )


def test_dry_run_lists_without_changing(team, settings):
    closed_long_ago(team, settings)
    recent = make_case()
    services.casus_close(actor=recent.created_by, casus=recent)
    log_before = AccessLogEntry.objects.count()
    out = io.StringIO()
    call_command("retention", "apply", "--dry-run", stdout=out)
    assert str(team.casus.pk) in out.getvalue()
    assert str(recent.pk) not in out.getvalue()
    casus = Casus.objects.get(pk=team.casus.pk)
    assert (
        casus.label == "Gezin Zonnebloem"
        and casus.contact_name == "Mevrouw Merel"
        and casus.purged_at is None
    )
    assert PlanSection.objects.get(casus=casus, step=1).content == "Moeder zoekt hulp"
    assert AccessLogEntry.objects.count() == log_before


def test_apply_purges_personal_data_and_keeps_log(team, settings):
    closed_long_ago(team, settings)
    log_before = AccessLogEntry.objects.filter(case_id=str(team.casus.pk)).count()
    report = services.retention_apply(dry_run=False)
    assert [c["id"] for c in report.cases] == [str(team.casus.pk)]
    casus = Casus.objects.get(pk=team.casus.pk)
    assert casus.label == "verwijderd" and casus.contact_name == "" and casus.contact_phone == ""
    assert casus.purged_at is not None and casus.advice_snapshot is None
    assert (casus.phase, casus.wijk) == ("zwangerschap", "overvecht")  # skeleton stays
    section = PlanSection.objects.get(casus=casus, step=1)
    assert section.content == "" and section.considerations == ""
    assert not section.history.exclude(content="").exists()
    assert Agreement.objects.get(casus=casus).what == "verwijderd"
    consent = Consent.objects.get(casus=casus)
    assert (consent.what, consent.with_whom) == ("verwijderd", "verwijderd")
    assert Meeting.objects.get(casus=casus).location == ""
    assert Meeting.objects.get(casus=casus).decisions.get().text == ""
    assert Feedback.objects.get(casus=casus).message == ""
    entries = AccessLogEntry.objects.filter(case_id=str(casus.pk))
    assert entries.count() == log_before + 1
    assert entries.filter(action="retention").exists()
    # A second run finds nothing left to do.
    assert services.retention_apply(dry_run=False).cases == []


def test_not_yet_due_is_kept(team, settings):
    closed_long_ago(team, settings, days_extra=-2)
    assert services.retention_apply(dry_run=False).cases == []
    assert Casus.objects.get(pk=team.casus.pk).label == "Gezin Zonnebloem"
