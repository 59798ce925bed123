"""Referral pages (issue 12 item 3): list with status, referrer, monitor and waiting time; create with the
monitor default and the double-referral warning; status changes; bad input is a Dutch error beside the field
with nothing stored; the overview and the print view show the referrals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.helpers import verified_client
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.gezinsplan.models import Verwijzing, VerwijzingStatus
from wegwijzer.socialmap.models import Organization, WaitTime

from .factories import membership, social_service

pytestmark = pytest.mark.django_db


def url(team, name="verwijzingen", **kwargs):
    return reverse(f"gezinsplan:{name}", kwargs={"gezinsplan_id": team.gezinsplan.pk, **kwargs})


def status_url(team, verwijzing=None):
    return url(team, "verwijzing-status", verwijzing_id=(verwijzing or team.verwijzing).pk)


@pytest.fixture
def member(client, team):
    return verified_client(client, team.member)


def _field_error(html: str, field_id: str, message: str) -> bool:
    """The message sits in the field's own error element (linked by aria-describedby), not only on top."""
    start = html.find(f'id="{field_id}_error"')
    return start != -1 and message in html[start : start + 400]


def test_the_page_lists_status_referrer_monitor_and_the_social_maps_waiting_time(member, team):
    WaitTime.objects.create(service=team.service, weeks=6, measured_on=timezone.localdate(), source="test")
    response = member.get(url(team))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Voorbeeldaanbod" in html
    assert "Aangevraagd" in html
    assert html.count(str(team.member)) >= 2  # referred by and monitors: the buurtteam member (§3)
    assert "ongeveer 6 weken" in html
    assert "Verloop van de verwijzing naar Voorbeeldaanbod" in html  # the history table's caption
    assert AccessLogEntry.objects.filter(object_type="verwijzing", action="read", user_id=team.member.pk).exists()


def test_create_defaults_the_monitor_to_the_buurtteam_and_links_the_consent(member, team):
    other = social_service(role="kraamzorg", name="Kraamzorg Test")
    page = member.get(url(team)).content.decode()
    monitor = membership(team.gezinsplan, team.member)
    assert f'<option value="{monitor.pk}" selected>' in page  # the default monitor is preselected
    response = member.post(
        url(team),
        {
            "target": f"service:{other.slug}",
            "monitors": str(monitor.pk),
            "consents": [str(team.consent.pk)],
            "note": "Graag snel",
        },
    )
    assert response.status_code == 302
    v = Verwijzing.objects.get(target_slug=other.slug)
    assert v.monitors == monitor and v.referred_by == monitor
    assert list(v.consents.all()) == [team.consent]
    assert v.note == "Graag snel"
    assert "Kraamzorg Test" in member.get(url(team)).content.decode()


def test_an_organisation_can_be_the_target_and_the_search_narrows_the_choice(member, team):
    Organization.objects.create(slug="voorbeeld-org", name="Zoekbare Organisatie")
    narrowed = member.get(url(team) + "?zoek=zoekbare").content.decode()
    assert 'value="organisatie:voorbeeld-org"' in narrowed
    assert f'value="service:{team.service.slug}"' not in narrowed
    assert "Niets op de sociale kaart" in member.get(url(team) + "?zoek=bestaatnietxyz").content.decode()
    response = member.post(url(team), {"target": "organisatie:voorbeeld-org"})
    assert response.status_code == 302
    assert Verwijzing.objects.get(target_slug="voorbeeld-org").target_kind == "organisatie"


def test_a_double_referral_is_warned_and_stored_only_after_confirmation(member, team):
    before = Verwijzing.objects.count()
    data = {"target": f"service:{team.service.slug}"}
    response = member.post(url(team), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "mogelijk een dubbele verwijzing" in html
    assert "Er loopt al een verwijzing naar dit aanbod." in html
    assert 'name="accept_double"' in html
    assert 'id="id_accept_double_error"' not in html  # a question the first time, not an error
    assert Verwijzing.objects.count() == before
    # Submitted again without ticking the box: still nothing stored, the reason shown again, an error beside it.
    response = member.post(url(team), {**data, "double_check": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert _field_error(html, "id_accept_double", "Bevestig dat u toch verwijst")
    assert "Er loopt al een verwijzing naar dit aanbod." in html
    assert Verwijzing.objects.count() == before
    response = member.post(url(team), {**data, "double_check": "1", "accept_double": "on"})
    assert response.status_code == 302
    assert Verwijzing.objects.count() == before + 1
    assert AccessLogEntry.objects.filter(object_type="verwijzing", action="create", detail="dubbel bevestigd").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "id_target", "Kies een aanbod of organisatie van de sociale kaart."),
        ({"target": "service:bestaat-niet"}, "id_target", "Selecteer een geldige keuze"),
        ({"target": "__SERVICE__", "huisarts_email": "geen-adres"}, "id_huisarts_email", "geldig e-mailadres"),
        ({"target": "__SERVICE__", "monitors": "nee"}, "id_monitors", "Selecteer een geldige keuze"),
        ({"target": "__SERVICE__", "note": "x" * 5000}, "id_note", "niet meer dan 2000 tekens"),
    ],
)
def test_bad_input_is_a_dutch_error_beside_the_field_and_nothing_is_stored(member, team, data, field, message):
    fresh = social_service(name="Ander aanbod")
    data = {k: (f"service:{fresh.slug}" if v == "__SERVICE__" else v) for k, v in data.items()}
    before = (Verwijzing.objects.count(), VerwijzingStatus.objects.count())
    response = member.post(url(team), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert _field_error(html, field, message), html[html.find("id=\"verwijzen\""):][:5000]
    assert (Verwijzing.objects.count(), VerwijzingStatus.objects.count()) == before


def test_status_moves_through_the_waiting_list_with_its_waiting_time_and_shows_in_the_timeline(member, team):
    WaitTime.objects.create(service=team.service, weeks=9, measured_on=timezone.localdate(), source="test")
    prefix = f"v-{team.verwijzing.pk}"
    for status in ("wachtlijst", "geaccepteerd", "gestart"):
        response = member.post(status_url(team), {f"{prefix}-status": status})
        assert response.status_code == 302, response.content.decode()[:2000]
    team.verwijzing.refresh_from_db()
    assert team.verwijzing.status == "gestart"
    rows = list(team.verwijzing.statuses.all())
    assert [r.status for r in rows] == ["aangevraagd", "wachtlijst", "geaccepteerd", "gestart"]
    assert rows[1].wait_weeks == 9
    page = member.get(url(team)).content.decode()
    assert "wachttijd toen ongeveer 9 weken" in page
    timeline = member.get(url(team, "timeline")).content.decode()
    assert "Verwijzing naar Voorbeeldaanbod: Op de wachtlijst" in timeline
    assert "Verwijzing naar Voorbeeldaanbod: Gestart" in timeline


def test_refused_without_a_reason_or_a_future_date_is_an_error_beside_the_field(member, team):
    prefix = f"v-{team.verwijzing.pk}"
    response = member.post(status_url(team), {f"{prefix}-status": "afgewezen"})
    assert response.status_code == 400
    assert _field_error(response.content.decode(), f"id_{prefix}-reason", "Geef de reden van de afwijzing.")
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = member.post(status_url(team), {f"{prefix}-status": "geaccepteerd", f"{prefix}-on": tomorrow})
    assert response.status_code == 400
    assert _field_error(response.content.decode(), f"id_{prefix}-on", "De datum ligt in de toekomst.")
    response = member.post(status_url(team), {f"{prefix}-status": "aangevraagd"})  # its current status
    assert response.status_code == 400
    assert _field_error(response.content.decode(), f"id_{prefix}-status", "Selecteer een geldige keuze")
    team.verwijzing.refresh_from_db()
    assert team.verwijzing.status == "aangevraagd"
    assert team.verwijzing.statuses.count() == 1
    response = member.post(status_url(team), {f"{prefix}-status": "afgewezen", f"{prefix}-reason": "Vol"})
    assert response.status_code == 302
    page = member.get(url(team)).content.decode()
    assert "Afgewezen" in page and "Vol" in page
    assert f'action="{status_url(team)}"' not in page  # a closed referral has no status form


def test_overview_and_print_view_show_the_referrals(member, team):
    detail = member.get(url(team, "detail")).content.decode()
    assert "Voorbeeldaanbod: aangevraagd" in detail
    printed = member.get(url(team, "print")).content.decode()
    assert "Naar wie u bent verwezen" in printed
    assert "Voorbeeldaanbod: aangevraagd." in printed
    assert f"{team.member} (" in printed  # who keeps an eye on it, with their role


def test_a_colleague_sees_the_form_and_an_outsider_gets_404(client, team):
    verified_client(client, team.other)
    assert client.get(url(team)).status_code == 404
    assert client.post(url(team), {"target": f"service:{team.service.slug}"}).status_code == 404
    assert client.post(status_url(team), {f"v-{team.verwijzing.pk}-status": "gestart"}).status_code == 404
    team.verwijzing.refresh_from_db()
    assert team.verwijzing.status == "aangevraagd"
