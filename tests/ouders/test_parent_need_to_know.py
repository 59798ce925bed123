"""Need-to-know for the parent actor, generated from the same URL lists as the gezinsplan matrix.

A parent is not a Django user: on every professional page and API operation their session is anonymous, so
they get exactly what anyone gets for an unknown case id (API 401, pages the login redirect or 405) and no
byte of case data. Their own view shows their own plan only; revoked → nothing.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.conf import settings
from django.core import mail
from django.shortcuts import resolve_url
from django.urls import reverse

from gezinsplan.test_authorization_matrix import (
    CASES,
    GEZINSPLAN_API_ROUTES,
    GEZINSPLAN_WEB_ROUTES,
    SAMPLES,
    fill,
)
from wegwijzer.ouders import urls as ouders_urls

from .conftest import SECRET, ParentTeam, mailed_code, parent_logged_in

pytestmark = pytest.mark.django_db


def _leaks(team, response) -> list[str]:
    body = response.content.decode(errors="replace")
    needles = [SECRET, "Inhoud stap 1", team.gezinsplan.label, team.agreement.what, team.consent.what]
    return [n for n in needles if n in body]


def _api(client, team, name, params, method, kwargs=None):
    url = reverse(name, kwargs=kwargs or fill(team, params))
    if method == "GET":
        return client.get(url)
    body = SAMPLES[(name.removeprefix("api:"), method)](team)
    return client.generic(method, url, data="" if body is None else json.dumps(body), content_type="application/json")


def test_parent_gets_nothing_from_the_api(pteam, django_capture_on_commit_callbacks):
    client, _access = parent_logged_in(pteam, django_capture_on_commit_callbacks)
    assert client.get(reverse("ouders:plan")).status_code == 200  # the session is live
    checked = 0
    for _kind, name, params, methods in GEZINSPLAN_API_ROUTES:
        for method in methods:
            response = _api(client, pteam, name, params, method)
            unknown = _api(client, pteam, name, params, method, kwargs={**fill(pteam, params), "gezinsplan_id": uuid.uuid4()})
            assert response.status_code == unknown.status_code == 401, (name, method, response.status_code)
            assert _leaks(pteam, response) == [], (name, method)
            checked += 1
    assert checked == len(CASES) > 20  # every operation × method of the gezinsplan API


def test_parent_gets_nothing_from_the_pages(pteam, django_capture_on_commit_callbacks):
    client, access = parent_logged_in(pteam, django_capture_on_commit_callbacks)
    login = resolve_url(settings.LOGIN_URL)
    routes = [(name, params) for _k, name, params, _m in GEZINSPLAN_WEB_ROUTES]
    routes += [
        ("ouders:manage", ("gezinsplan_id",)),
        ("ouders:revoke", ("access_id", "gezinsplan_id")),
    ]
    values = {"access_id": access.pk}
    for name, params in routes:
        kwargs = {p: values[p] if p in values else fill(pteam, (p,))[p] for p in params}
        url = reverse(name, kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 405 or (
                response.status_code == 302 and response["Location"].startswith(login)
            ), (name, method, response.status_code)
            assert _leaks(pteam, response) == [], (name, method)
    access.refresh_from_db()
    assert access.revoked_at is None  # the parent cannot revoke (or do anything) on the team side
    assert {p.name for p in ouders_urls.urlpatterns} == {"manage", "revoke", "invite", "login", "code", "plan", "logout"}


def test_a_parent_sees_only_their_own_family(db, django_capture_on_commit_callbacks):
    mine, theirs = ParentTeam(), ParentTeam()
    theirs.agreement.what = "Andere familie haar afspraak"
    theirs.agreement.save(update_fields=["what"])
    client_a, _ = parent_logged_in(mine, django_capture_on_commit_callbacks, email="a@example.org")
    client_b, _ = parent_logged_in(theirs, django_capture_on_commit_callbacks, email="b@example.org")
    page_a = client_a.get(reverse("ouders:plan")).content.decode()
    page_b = client_b.get(reverse("ouders:plan")).content.decode()
    assert "Andere familie haar afspraak" not in page_a and "Andere familie haar afspraak" in page_b
    # A's session cannot be pointed at B's plan: the page has no id, and A's code does not open B's login
    client_a.post(reverse("ouders:login"), {"email": "b@example.org"})
    response = client_a.post(reverse("ouders:code"), {"code": mailed_code(mail.outbox[1].body)})
    assert response.status_code == 400


def test_revoked_parent_has_no_access_anywhere(pteam, django_capture_on_commit_callbacks):
    from wegwijzer.ouders import services

    client, access = parent_logged_in(pteam, django_capture_on_commit_callbacks)
    services.parent_access_revoke(actor=pteam.member, context=None, gezinsplan=pteam.gezinsplan, access_id=access.pk)
    response = client.get(reverse("ouders:plan"))
    assert response.status_code == 302 and _leaks(pteam, response) == []
    assert client.get(reverse("ouders:plan")).status_code == 302
