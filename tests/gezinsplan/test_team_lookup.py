"""The team page (issue 12, item 2): look a colleague up, add them, and a warning when no consent names them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.helpers import make_professional, verified_client
from wegwijzer.gezinsplan import selectors, services
from wegwijzer.gezinsplan.models import Membership

pytestmark = pytest.mark.django_db


def team_url(team):
    return reverse("gezinsplan:team", kwargs={"gezinsplan_id": team.gezinsplan.pk})


@pytest.fixture
def member_client(client, team):
    return verified_client(client, team.member)


@pytest.fixture
def kraamzorg():
    return make_professional(
        "kz.devries", role="kraamzorg", organization_slug="kraamzorg-het-nest", first_name="Els", last_name="de Vries",
        email="els@example.nl",
    )


def test_lookup_lists_matches_with_minimal_data(member_client, team, kraamzorg):
    body = member_client.get(team_url(team), {"zoek": "DE VRIES"}).content.decode()
    results = body.split('id="zoekresultaten"')[1]
    assert "Els de Vries" in results and "Kraamzorg" in results and "kraamzorg-het-nest" in results
    assert "els@example.nl" not in body  # minimal data: no e-mail
    assert team.member.username not in results  # current members are not offered again


def test_lookup_finding_nobody_says_so(member_client, team):
    body = member_client.get(team_url(team), {"zoek": "niemand-zo"}).content.decode()
    assert "Geen geregistreerde professional gevonden" in body


def test_adding_without_consent_for_the_party_warns_first_and_stores_nothing(member_client, team, kraamzorg):
    assert not selectors.consent_covers(team.gezinsplan, kraamzorg)  # the case's consent is "Huisarts en JGZ"
    response = member_client.post(team_url(team), {"username": "KZ.DeVries"})  # case-insensitive username
    body = response.content.decode()
    assert response.status_code == 200 and 'id="toestemming-waarschuwing"' in body
    assert not Membership.objects.filter(gezinsplan=team.gezinsplan, user=kraamzorg).exists()
    unconfirmed = member_client.post(team_url(team), {"username": "kz.devries", "consent_check": "1"})
    assert unconfirmed.status_code == 400 and "Bevestig dat u toevoegt" in unconfirmed.content.decode()
    assert not Membership.objects.filter(gezinsplan=team.gezinsplan, user=kraamzorg).exists()
    confirmed = member_client.post(
        team_url(team), {"username": "kz.devries", "consent_check": "1", "consent_confirmed": "on"}
    )
    assert confirmed.status_code == 302
    assert Membership.objects.current().filter(gezinsplan=team.gezinsplan, user=kraamzorg).exists()


def test_no_warning_when_a_consent_names_the_party(member_client, team, kraamzorg):
    services.consent_record(
        actor=team.member, gezinsplan=team.gezinsplan, what="Verloop kraamweek", with_whom="de kraamzorg",
        given_on=team.consent.given_on,
    )
    assert selectors.consent_covers(team.gezinsplan, kraamzorg)
    response = member_client.post(team_url(team), {"username": kraamzorg.username})
    assert response.status_code == 302


def test_withdrawn_consent_does_not_count(team, kraamzorg):
    consent = services.consent_record(
        actor=team.member, gezinsplan=team.gezinsplan, what="Verloop kraamweek", with_whom="Kraamzorg",
        given_on=team.consent.given_on,
    )
    services.consent_withdraw(actor=team.member, consent=consent, withdrawn_on=team.consent.given_on)
    assert not selectors.consent_covers(team.gezinsplan, kraamzorg)
    jgz = make_professional("jgz-2", role="jgz")
    assert selectors.consent_covers(team.gezinsplan, jgz)  # "Huisarts en JGZ": the label's abbreviation
