"""A provider account (role `aanbieder`, two-factor) reports its own services' waiting times on its page and
through `POST /api/v1/services/{id}/wait-times`; another organisation's service is a 404; every change is in
the history and the access log."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from accounts.helpers import bearer, make_content_editor, make_professional, make_user, verified_client
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.socialmap.models import Service, WaitTime

URL = "/aanbieder/wachttijden/"


@pytest.fixture
def provider(loaded_map):
    # JGZ Utrecht provides video-hometraining; Kraamzorg Utrecht provides verlengde-kraamzorg.
    return make_user("jgz-aanbieder", role="aanbieder", organization_slug="jgz-utrecht")


@pytest.fixture
def own() -> Service:
    return Service.objects.get(slug="video-hometraining")


@pytest.fixture
def others() -> Service:
    return Service.objects.get(slug="verlengde-kraamzorg")


def _day(days_ago: int = 2) -> str:
    return (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat()


def _post_json(client, url, body, **extra):
    return client.post(url, data=json.dumps(body), content_type="application/json", **extra)


# ---------------------------------------------------------------- the page


def test_page_lists_only_own_services_and_stores_a_new_figure(client, provider, own, others):
    verified_client(client, provider)
    body = client.get(URL).content.decode()
    assert "Kortdurende video-hometraining" in body and "Extra uren (verlengde) kraamzorg" not in body
    assert "namens JGZ Utrecht" in body

    response = client.post(f"{URL}{own.pk}/", {"weeks": "5", "measured_on": _day()})
    assert response.status_code == 302 and f"opgeslagen={own.pk}" in response["Location"]
    row = WaitTime.objects.get()
    assert (row.service, row.weeks, row.reported_by, row.source) == (own, 5, provider, "Gemeld door de aanbieder")
    log = AccessLogEntry.objects.get(object_type="wait_time")
    assert (log.action, log.username, log.organization_slug, log.object_id) == (
        "create", "jgz-aanbieder", "jgz-utrecht", str(row.pk))

    page = client.get(response["Location"]).content.decode()
    assert "De wachttijd is opgeslagen." in page and "ongeveer 5 weken" in page
    # it publishes directly: the public page and the history show it
    assert "ongeveer 5 weken" in client.get("/kaart/video-hometraining/").content.decode()
    client.post(f"{URL}{own.pk}/", {"weeks": "3", "measured_on": _day(1)})
    history = client.get(f"/api/v1/services/{own.pk}/wait-times").json()["contents"]
    assert [h["weeks"] for h in history] == [3, 5]


def test_another_organisations_service_is_a_404_and_nothing_is_stored(client, provider, others):
    verified_client(client, provider)
    response = client.post(f"{URL}{others.pk}/", {"weeks": "1", "measured_on": _day()})
    assert response.status_code == 404
    assert WaitTime.objects.count() == 0


def test_bad_input_gives_a_dutch_error_per_field_and_stores_nothing(client, provider, own):
    verified_client(client, provider)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(f"{URL}{own.pk}/", {"weeks": "-2", "measured_on": future})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Het aantal weken kan niet negatief zijn." in body and "ligt in de toekomst" in body
    assert 'aria-invalid="true"' in body and 'value="-2"' in body
    response = client.post(f"{URL}{own.pk}/", {"weeks": "veel", "measured_on": "2026-13-01"})
    assert response.status_code == 400 and "geen heel aantal weken" in response.content.decode()
    assert "geen bestaande datum" in response.content.decode()
    assert WaitTime.objects.count() == 0


def test_page_needs_two_factor_and_the_provider_role(client, provider, own):
    client.force_login(provider)  # password only
    response = client.get(URL)
    assert response.status_code == 302 and "/tweestapsverificatie/" in response["Location"]
    client.logout()
    assert client.get(URL).status_code == 302  # anonymous: to the login page
    professional = make_professional("jgz-pro", role="jgz", organization_slug="jgz-utrecht")
    verified_client(client, professional)
    assert client.get(URL).status_code == 404
    assert client.post(f"{URL}{own.pk}/", {"weeks": "1", "measured_on": _day()}).status_code == 404
    assert WaitTime.objects.count() == 0


def test_provider_of_the_parent_organisation_reports_for_its_teams(client, loaded_map):
    from wegwijzer.socialmap.models import Organization

    lokalis = make_user("lokalis", role="aanbieder", organization_slug="lokalis")
    service = Service.objects.get(slug="video-hometraining")
    service.organizations.add(Organization.objects.get(slug="buurtteam-overvecht"))  # a team of Lokalis
    verified_client(client, lokalis)
    assert client.post(f"{URL}{service.pk}/", {"weeks": "2", "measured_on": _day()}).status_code == 302


# ---------------------------------------------------------------- the API


def test_api_provider_reports_its_own_and_gets_404_on_another(client, provider, own, others):
    auth = bearer(provider)
    response = _post_json(client, f"/api/v1/services/{own.slug}/wait-times",
                          {"weeks": 7, "measured_on": _day()}, **auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["weeks"] == 7 and body["stale"] is False and body["wait_time"].startswith("ongeveer 7 weken")
    assert client.get(f"/api/v1/services/{own.pk}").json()["wait_time_weeks"] == 7

    response = _post_json(client, f"/api/v1/services/{others.pk}/wait-times", {"weeks": 1, "measured_on": _day()},
                          **auth)
    assert response.status_code == 404 and "niet van uw organisatie" in response.json()["detail"]
    assert _post_json(client, "/api/v1/services/bestaat-niet/wait-times", {"weeks": 1, "measured_on": _day()},
                      **auth).status_code == 404
    assert WaitTime.objects.count() == 1
    assert AccessLogEntry.objects.filter(object_type="wait_time").count() == 1


def test_api_refuses_bad_input_in_dutch_and_anonymous(client, provider, own):
    auth = bearer(provider)
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = _post_json(client, f"/api/v1/services/{own.pk}/wait-times", {"weeks": 3, "measured_on": future}, **auth)
    assert response.status_code == 422
    assert "ligt in de toekomst" in response.json()["errors"]["measured_on"][0]
    response = _post_json(client, f"/api/v1/services/{own.pk}/wait-times", {"weeks": -1, "measured_on": _day()}, **auth)
    assert response.status_code == 422 and "weeks" in json.dumps(response.json()["errors"])
    anonymous = _post_json(client, f"/api/v1/services/{own.pk}/wait-times", {"weeks": 3, "measured_on": _day()})
    assert anonymous.status_code == 401
    editor = make_content_editor("redacteur")
    assert _post_json(client, f"/api/v1/services/{own.pk}/wait-times", {"weeks": 3, "measured_on": _day()},
                      **bearer(editor)).status_code == 404  # not a provider: may not report
    assert WaitTime.objects.count() == 0


def test_api_session_needs_csrf(client, provider, own):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    verified_client(csrf_client, provider)
    response = _post_json(csrf_client, f"/api/v1/services/{own.pk}/wait-times", {"weeks": 3, "measured_on": _day()})
    assert response.status_code == 403 and WaitTime.objects.count() == 0


# ---------------------------------------------------------------- the account


def test_users_create_aanbieder_needs_an_existing_organisation(loaded_map):
    from django.core.exceptions import ValidationError

    from wegwijzer.accounts.roles import is_professional, is_provider
    from wegwijzer.accounts.services import user_create

    with pytest.raises(ValidationError) as exc:
        user_create(username="a1", role="aanbieder", password="Zeer-geheim-wachtwoord-42")
    assert "Een aanbieder hoort bij een organisatie" in str(exc.value)
    with pytest.raises(ValidationError):
        user_create(username="a2", role="aanbieder", organization_slug="bestaat-niet",
                    password="Zeer-geheim-wachtwoord-42")
    user = user_create(username="a3", role="aanbieder", organization_slug="jgz-utrecht",
                       password="Zeer-geheim-wachtwoord-42")
    assert is_provider(user) and not is_professional(user)  # never on a case team
