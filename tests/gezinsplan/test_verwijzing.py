"""Referrals (issue 12 item 3): statuses with dates, the one status-change service, notifications, the
double-referral warning, the waiting time from the social map, and the API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.helpers import bearer
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.gezinsplan import selectors, services
from wegwijzer.gezinsplan.models import Feedback, Verwijzing
from wegwijzer.socialmap.models import WaitTime

from .factories import membership, social_service

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _with_gp(team):
    Verwijzing.objects.filter(pk=team.verwijzing.pk).update(huisarts_email="huisarts@example.org")


def _change(team, status, **kwargs):
    return services.verwijzing_status_change(actor=team.member, verwijzing=team.verwijzing, status=status, **kwargs)


def test_a_referral_starts_requested_with_its_referrer_and_the_buurtteam_as_monitor(team):
    v = team.verwijzing
    assert v.status == Verwijzing.Status.AANGEVRAAGD
    assert v.referred_by == membership(team.gezinsplan, team.member)
    # §3: the buurtteam member (the team's creator here) monitors the party brought in.
    assert v.monitors == membership(team.gezinsplan, team.member)
    assert [s.status for s in v.statuses.all()] == ["aangevraagd"]
    assert list(v.consents.all()) == [team.consent]


def test_no_monitor_when_neither_buurtteam_nor_aanvullende_jeugdhulp_is_in_the_team(team):
    gezinsplan = services.gezinsplan_create(actor=team.colleague, label="Gezin Roos")  # a jgz member only
    v = services.verwijzing_create(
        actor=team.colleague, gezinsplan=gezinsplan, target_kind="service", target=team.service.slug
    )
    assert v.monitors is None


def test_the_statuses_are_dated_history_and_each_change_is_logged_and_in_the_timeline(team):
    _change(team, "geaccepteerd")
    _change(team, "gestart")
    _change(team, "afgerond")
    v = selectors.verwijzing_get(team.gezinsplan, team.verwijzing.pk)
    assert [s.status for s in v.statuses.all()] == ["aangevraagd", "geaccepteerd", "gestart", "afgerond"]
    assert all(s.on == timezone.localdate() for s in v.statuses.all())
    details = list(
        AccessLogEntry.objects.filter(object_type="verwijzing", object_id=str(v.pk), action="update")
        .order_by("occurred_at")
        .values_list("detail", flat=True)
    )
    assert details == ["status=geaccepteerd", "status=gestart", "status=afgerond"]
    texts = [e["text"] for e in selectors.gezinsplan_timeline(team.gezinsplan) if e["kind"] == "verwijzing"]
    assert "Verwijzing naar Voorbeeldaanbod: Gestart" in texts
    with pytest.raises(ValidationError) as exc:
        _change(team, "gestart")
    assert "al afgesloten" in str(exc.value)


def test_refused_needs_a_reason_and_a_bad_status_or_date_is_refused_in_dutch(team):
    with pytest.raises(ValidationError) as exc:
        _change(team, "afgewezen")
    assert exc.value.message_dict["reason"] == ["Geef de reden van de afwijzing."]
    with pytest.raises(ValidationError) as exc:
        _change(team, "onzin")
    assert "status" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _change(team, "geaccepteerd", on=timezone.localdate() + dt.timedelta(days=1))
    assert exc.value.message_dict["on"] == ["De datum ligt in de toekomst."]
    v = _change(team, "afgewezen", reason="Past niet bij de hulpvraag")
    assert v.reason == "Past niet bij de hulpvraag"
    assert Verwijzing.objects.get(pk=v.pk).statuses.count() == 2  # the refused attempts stored nothing


def test_the_waiting_list_records_the_social_maps_current_waiting_time(team):
    measured = timezone.localdate() - dt.timedelta(days=3)
    WaitTime.objects.create(service=team.service, weeks=7, measured_on=measured)
    _change(team, "wachtlijst")
    row = team.verwijzing.statuses.order_by("at", "pk").last()
    assert (row.status, row.wait_weeks, row.wait_measured_on) == ("wachtlijst", 7, measured)


def test_waiting_list_without_a_known_waiting_time_stays_empty(team):
    _change(team, "wachtlijst")
    row = team.verwijzing.statuses.order_by("at", "pk").last()
    assert row.wait_weeks is None and row.wait_measured_on is None


def test_a_status_change_mails_the_team_and_with_consent_the_gp(team, django_capture_on_commit_callbacks):
    _with_gp(team)
    team.colleague.email = "collega@example.org"
    team.colleague.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _change(team, "geaccepteerd")
    feedback = Feedback.objects.get(
        gezinsplan=team.gezinsplan, recipient_role="huisarts", message__contains="geaccepteerd"
    )
    assert feedback.recipient_email == "huisarts@example.org"
    assert "Voorbeeldaanbod: geaccepteerd" in feedback.message
    assert not Feedback.objects.filter(gezinsplan=team.gezinsplan, recipient_role="jgz").exists()  # no e-mail given
    subjects = sorted((m.subject, tuple(m.to), tuple(m.bcc)) for m in mail.outbox)
    assert ("Terugkoppeling gezinsplan", ("huisarts@example.org",), ()) in subjects
    assert ("Verwijzing gezinsplan", (), ("collega@example.org",)) in subjects
    # The family's label never leaves in a mail.
    assert all(team.gezinsplan.label not in m.body for m in mail.outbox)


def test_without_an_active_consent_the_gp_is_not_informed(team, django_capture_on_commit_callbacks):
    _with_gp(team)
    services.consent_withdraw(actor=team.member, consent=team.consent)
    with django_capture_on_commit_callbacks(execute=True):
        _change(team, "geaccepteerd")
    assert not Feedback.objects.filter(gezinsplan=team.gezinsplan, message__contains="geaccepteerd").exists()


def test_a_double_referral_is_refused_until_confirmed(team):
    # An open referral to the same service.
    with pytest.raises(ValidationError) as exc:
        services.verwijzing_create(
            actor=team.member, gezinsplan=team.gezinsplan, target_kind="service", target=team.service.slug
        )
    assert "Er loopt al een verwijzing naar dit aanbod." in exc.value.message_dict["target"]
    # A role already involved at case start.
    other = social_service(role="jgz", name="Ander aanbod")
    services.gezinsplan_involved_set(actor=team.member, gezinsplan=team.gezinsplan, involved=["jgz"])
    with pytest.raises(ValidationError) as exc:
        services.verwijzing_create(actor=team.member, gezinsplan=team.gezinsplan, target_kind="service", target=other.slug)
    assert any("al betrokken" in m for m in exc.value.message_dict["target"])
    v = services.verwijzing_create(
        actor=team.member, gezinsplan=team.gezinsplan, target_kind="service", target=other.slug, accept_double=True
    )
    assert AccessLogEntry.objects.filter(object_id=str(v.pk), detail="dubbel bevestigd").exists()


def test_unknown_targets_roles_and_foreign_consents_are_refused(team):
    with pytest.raises(ValidationError) as exc:
        services.verwijzing_create(actor=team.member, gezinsplan=team.gezinsplan, target_kind="service", target="bestaat-niet")
    assert exc.value.message_dict["target"] == ["Dit staat niet op de sociale kaart."]
    with pytest.raises(ValidationError):
        services.gezinsplan_involved_set(actor=team.member, gezinsplan=team.gezinsplan, involved=["astronaut"])
    elsewhere = services.gezinsplan_create(actor=team.member, label="Gezin Tulp")
    foreign = services.consent_record(
        actor=team.member, gezinsplan=elsewhere, what="x", with_whom="y", given_on=timezone.localdate()
    )
    other = social_service(name="Nog een aanbod")
    with pytest.raises(ValidationError) as exc:
        services.verwijzing_create(
            actor=team.member, gezinsplan=team.gezinsplan, target_kind="service", target=other.slug, consents=[foreign.pk]
        )
    assert "consents" in exc.value.message_dict


def test_api_create_list_and_status(client, team):
    other = social_service(name="API-aanbod")
    base = f"{API}/gezinsplannen/{team.gezinsplan.pk}/verwijzingen"
    auth = bearer(team.member)
    r = client.post(
        base, data=json.dumps({"target_kind": "service", "target": other.slug, "consents": [str(team.consent.pk)]}),
        content_type="application/json", **auth,
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "aangevraagd" and body["family_consented"] is True
    assert body["monitors"] == team.member.username
    r = client.post(f"{base}/{body['id']}/status", data=json.dumps({"status": "afgewezen"}), content_type="application/json", **auth)
    assert r.status_code == 422
    assert r.json()["errors"]["reason"] == ["Geef de reden van de afwijzing."]
    r = client.post(
        f"{base}/{body['id']}/status", data=json.dumps({"status": "afgewezen", "reason": "Vol"}),
        content_type="application/json", **auth,
    )
    assert r.status_code == 200
    assert [h["status"] for h in r.json()["history"]] == ["aangevraagd", "afgewezen"]
    listed = client.get(base, **auth).json()["results"]
    assert {v["target_name"] for v in listed} == {"Voorbeeldaanbod", "API-aanbod"}
    # A double referral answers 422 with the reasons, in Dutch.
    r = client.post(base, data=json.dumps({"target_kind": "service", "target": team.service.slug}), content_type="application/json", **auth)
    assert r.status_code == 422
    assert "Er loopt al een verwijzing naar dit aanbod." in r.json()["errors"]["target"]
    # Another case's referral id under this case: 404.
    r = client.post(f"{base}/{team.verwijzing.pk}x/status", data="{}", content_type="application/json", **auth)
    assert r.status_code == 404
