"""GET /api/v1/me: a token check for integrations, and the bearer flow end to end through the URLconf."""

from __future__ import annotations

import pytest

from wegwijzer.accounts.models import ApiToken
from wegwijzer.accounts.services import api_token_revoke

from .helpers import bearer, bearer_headers, make_professional, verified_client

pytestmark = pytest.mark.django_db


def test_me_with_token():
    from django.test import Client

    user = make_professional("api-anna", role="jgz", organization_slug="jgz-utrecht")
    response = Client().get("/api/v1/me", **bearer(user))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "api-anna" and body["role"] == "jgz" and body["organization"] == "jgz-utrecht"
    assert body["professional"] is True and body["auth"] == "token" and body["token_expires_at"]


def test_me_with_headers_helper(client):
    user = make_professional("api-bert")
    assert client.get("/api/v1/me", headers=bearer_headers(user)).status_code == 200


def test_me_without_or_with_revoked_token_is_401(client):
    user = make_professional("api-cees")
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Niet ingelogd of token ongeldig."}
    assert response["WWW-Authenticate"] == "Bearer"
    headers = bearer(user)
    api_token_revoke(token=ApiToken.objects.get(user=user), revoked_by=None)
    assert client.get("/api/v1/me", **headers).status_code == 401


def test_token_post_needs_no_csrf():
    from django.test import Client

    from wegwijzer.gezinsplan.models import Gezinsplan

    # Token callers have no cookies: an unsafe method with a bearer token passes without a CSRF token.
    user = make_professional("api-dirk")
    strict = Client(enforce_csrf_checks=True)
    created = strict.post("/api/v1/gezinsplannen", data={"label": "Gezin"}, content_type="application/json", **bearer(user))
    assert created.status_code == 201, created.content
    assert Gezinsplan.objects.filter(pk=created.json()["id"]).exists()
    # /me is GET-only: a POST is 405, not a CSRF 403.
    assert strict.post("/api/v1/me", **bearer(user)).status_code == 405


def test_me_with_verified_session(client):
    user = make_professional("api-eva")
    verified_client(client, user)
    response = client.get("/api/v1/me")
    assert response.status_code == 200 and response.json()["auth"] == "session"


def test_me_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()
    assert "/me" in document["paths"]
    assert "401" in document["paths"]["/me"]["get"]["responses"]
