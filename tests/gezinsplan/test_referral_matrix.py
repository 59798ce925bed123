"""The authorization matrix over referrals (issue 12, Done-when): every referral route, and every other case
route that shows a referral, generated from the matrix's URL lists (API and web). For an outsider, a former member
and a logged-in parent, each answers exactly what an unknown case id answers (status, body, redirect),
and no response carries any referral data (0 leaks).

A new referral page or endpoint (a URL name with "verwijzing", a `verwijzing_id` parameter, or a GET that
shows the referral to a member) is picked up automatically.
"""

from __future__ import annotations

import json
import re
import uuid
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from accounts.helpers import bearer, verified_client
from ouders.conftest import ParentTeam, parent_logged_in
from wegwijzer.gezinsplan import services

from .factories import social_service
from .test_authorization_matrix import API_ROUTES, SAMPLES, WEB_ROUTES, fill

pytestmark = pytest.mark.django_db

TARGET = "Verwijsdoel Uniek Zevenduizend"
NOTE = "VERWIJZING-NOTITIE-UNIEK"
REASON = "AFWIJZINGSREDEN-UNIEK"


def _is_referral_route(name: str, params) -> bool:
    return "verwijzing" in name or "involved" in name or "verwijzing_id" in params


class ReferralTeam(ParentTeam):
    """The gezinsplan matrix team (member is regie lead) with a referral whose texts occur nowhere else."""

    def __init__(self):
        super().__init__()
        service = social_service(name=TARGET)
        referral = services.verwijzing_create(
            actor=self.member, gezinsplan=self.gezinsplan, target_kind="service", target=service.slug, note=NOTE,
            accept_double=True,
        )
        services.verwijzing_status_change(actor=self.member, verwijzing=referral, status="afgewezen", reason=REASON)
        self.unique_referral = referral

    def needles(self) -> list[str]:
        return [TARGET, NOTE, REASON, str(self.unique_referral.pk), str(self.verwijzing.pk)]


def _leaks(team, response) -> list[str]:
    """Referral data in the answer, beyond the requested URL itself (echoed in a login redirect's `next` or an
    error page: the caller sent those ids, they learn nothing from them)."""
    body = response.content.decode(errors="replace") + response.headers.get("Location", "")
    path = response.request.get("PATH_INFO", "")
    for echoed in (path, quote(path, safe=""), quote(path)):
        if echoed:
            body = body.replace(echoed, "<path>")
    return [n for n in team.needles() if n in body]


def _normalised(response, *ids) -> tuple:
    """What an observer can compare: status, Location, body, with the case ids (real or unknown) blanked."""
    body = response.content.decode(errors="replace")
    location = response.headers.get("Location", "")
    for value in ids:
        body, location = body.replace(str(value), "<id>"), location.replace(str(value), "<id>")
    # per-response values that say nothing about the case
    body = re.sub(r'nonce="[^"]*"', 'nonce=""', body)
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', body)
    return response.status_code, location, body


def _referral_routes(team, member_client):
    """Referral routes by name, plus every GET route whose member response shows the referral."""
    routes = []
    for kind, name, params, methods in API_ROUTES + WEB_ROUTES:
        if "gezinsplan_id" not in params:
            continue
        if _is_referral_route(name, params):
            routes.append((kind, name, params, methods))
            continue
        if "GET" not in methods:
            continue
        url = reverse(name, kwargs=fill(team, params))
        response = member_client.get(url, **(bearer(team.member) if kind == "api" else {}))
        if response.status_code == 200 and any(n in response.content.decode(errors="replace") for n in (TARGET, NOTE, REASON)):
            routes.append((kind, name, params, methods))
    return routes


def _call(client, team, kind, name, params, method, headers, gezinsplan_id=None):
    kwargs = fill(team, params)
    if gezinsplan_id is not None:
        kwargs["gezinsplan_id"] = gezinsplan_id
    url = reverse(name, kwargs=kwargs)
    if kind == "web":
        return client.get(url) if method == "GET" else client.post(url, {})
    if method == "GET":
        return client.get(url, **headers)
    body = SAMPLES[(name.removeprefix("api:"), method)](team)
    data = "" if body is None else json.dumps(body)
    return client.generic(method, url, data=data, content_type="application/json", **headers)


@pytest.fixture
def team(db):
    return ReferralTeam()


def test_the_matrix_finds_the_referral_routes(team):
    member = verified_client(Client(), team.member)
    names = {name for _k, name, _p, _m in _referral_routes(team, member)}
    # the referral endpoints themselves, and the case views that show a referral to the team
    assert {
        "api:api-gezinsplan-verwijzingen",
        "api:api-gezinsplan-verwijzing-status",
        "api:api-gezinsplan-involved",
        "api:api-gezinsplan-timeline",
        "api:api-gezinsplan-export-fhir",
        "gezinsplan:timeline",
        "gezinsplan:export-fhir",
    } <= names, names
    # a referral page of the web app (when there is one) is in the list by its name
    assert {n for _k, n, p, _m in WEB_ROUTES if _is_referral_route(n, p)} <= names


@pytest.mark.parametrize("persona", ["other", "former", "parent"])
def test_referral_routes_answer_like_an_unknown_id_with_no_referral_data(team, persona, django_capture_on_commit_callbacks):
    member = verified_client(Client(), team.member)
    routes = _referral_routes(team, member)
    if persona == "parent":
        client, _access = parent_logged_in(team, django_capture_on_commit_callbacks)
        assert client.get(reverse("ouders:plan")).status_code == 200  # a live parent session
        headers: dict = {}
    else:
        user = getattr(team, persona)
        client, headers = verified_client(Client(), user), bearer(user)
    unknown = uuid.uuid4()
    checked, expected = 0, sum(len(m) if k == "api" else 2 for k, _n, _p, m in routes)
    for kind, name, params, methods in routes:
        for method in methods if kind == "api" else ("GET", "POST"):
            response = _call(client, team, kind, name, params, method, headers)
            assert _leaks(team, response) == [], (persona, name, method)
            assert 400 <= response.status_code < 500 or response.status_code == 302, (persona, name, method)
            same = _call(client, team, kind, name, params, method, headers, gezinsplan_id=unknown)
            ids = (team.gezinsplan.pk, unknown)
            assert _normalised(response, *ids) == _normalised(same, *ids), (persona, name, method)
            checked += 1
    assert checked == expected >= 10
    # and nothing was changed by their attempts
    team.unique_referral.refresh_from_db()
    assert team.unique_referral.status == "afgewezen"
    assert team.gezinsplan.verwijzingen.count() == 2
