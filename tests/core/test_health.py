"""Liveness, readiness and database outages: 200 only when the process can really serve, else a Dutch 503."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from wegwijzer.core import views

DOWN = OperationalError("connection to server at 127.0.0.1, port 1 failed: Connection refused")


def database_down(error: Exception = DOWN):
    """Every connection refuses, as when the server is gone (the cursor calls ensure_connection first)."""
    return mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=error)


@pytest.fixture
def loaded(db):
    from wegwijzer.socialmap import content

    content.load(replace=True)


def test_liveness_is_200_and_says_it_is_only_liveness():
    with database_down():
        response = Client().get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert "liveness" in body["detail"] and "/api/v1/health/ready" in body["detail"]


def test_ready_with_content_is_200_with_every_check(loaded, client):
    response = client.get("/api/v1/health/ready")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "social_map", "route_rules", "search_index"}
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.django_db
def test_ready_with_an_empty_map_is_503_naming_what_is_missing(client):
    response = client.get("/api/v1/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["missing"] == ["social_map", "search_index"]
    assert body["checks"]["database"]["ok"] is True
    assert "sociale kaart is leeg" in body["detail"]
    assert response["Retry-After"]


def test_ready_with_the_database_down_is_503(loaded, client):
    with database_down():
        response = client.get("/api/v1/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert "database" in body["missing"]
    assert body["checks"]["database"] == {"ok": False, "detail": "De database is niet bereikbaar."}
    assert body["checks"]["social_map"]["ok"] is False  # not checkable, so not claimed
    assert body["checks"]["route_rules"]["ok"] is True  # files: still known


def test_ready_with_broken_rules_is_503(loaded, client):
    with mock.patch("wegwijzer.routeguide.service.ruleset", side_effect=ValueError("regel r1: onbekende code")):
        response = client.get("/api/v1/health/ready")
    assert response.status_code == 503
    assert response.json()["missing"] == ["route_rules"]
    assert "onbekende code" in response.json()["checks"]["route_rules"]["detail"]


@pytest.mark.parametrize("error", [DOWN, InterfaceError("connection already closed")])
@pytest.mark.parametrize("url", ["/api/v1/services", "/api/v1/wijken/x", "/api/v1/search?q=jgz"])
def test_api_outage_is_dutch_json_503(loaded, url, error):
    with database_down(error):
        response = Client().get(url)
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response["Retry-After"] == "30"
    assert "database is niet bereikbaar" in response.json()["detail"]


@pytest.mark.parametrize("url", ["/", "/kaart/wijken/"])
def test_page_outage_is_a_dutch_503_page(loaded, url):
    client = Client()
    client.cookies["sessionid"] = "abc"  # a returning visitor: the session would need the database too
    with database_down():
        response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert 'lang="nl"' in page and "tijdelijk niet beschikbaar" in page and '<main id="main">' in page


def test_outage_raised_outside_a_view_is_503_via_handler500(rf):
    # handler500 runs inside Django's except block: e.g. SessionMiddleware failing to save the session
    request = rf.get("/api/v1/services")
    try:
        raise DOWN
    except OperationalError:
        response = views.server_error(request)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    page_request = rf.get("/kaart/")
    try:
        raise DOWN
    except OperationalError:
        assert views.server_error(page_request).status_code == 503


def test_other_errors_stay_500(rf):
    try:
        raise KeyError("bug")
    except KeyError:
        assert views.server_error(rf.get("/api/v1/services")).status_code == 500


@pytest.mark.django_db
def test_openapi_documents_liveness_and_readiness(client):
    doc = client.get("/api/v1/openapi.json").json()
    ready = doc["paths"]["/health/ready"]["get"]
    assert set(ready["responses"]) == {"200", "405", "503"}
    assert "Retry-After" in ready["responses"]["503"]["headers"]
    assert doc["paths"]["/health"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Liveness"
    }
    assert doc["components"]["schemas"]["Readiness"]["properties"]["status"]["enum"] == ["ready", "not_ready"]
    assert "405" in doc["info"]["description"] and "415" in doc["info"]["description"]
