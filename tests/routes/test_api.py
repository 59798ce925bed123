"""POST /api/v1/advice: 200 with the advice, 422 per field, 400 for non-JSON, never a 500."""

from __future__ import annotations

import json

import pytest

from wegwijzer.routes.models import AdviceTally

from .conftest import P01

pytestmark = pytest.mark.django_db
URL = "/api/v1/advice"


def post(client, body, content_type="application/json"):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data=data, content_type=content_type)


def test_done_when_via_api(client):
    response = post(client, P01)
    assert response.status_code == 200
    advice = response.json()
    assert advice["involve"][0] == "jgz"
    assert "prenataal-huisbezoek" in advice["interventions"]
    assert {"mamaatje-al-amal", "home-start", "sociale-basis"} & set(advice["interventions"])
    assert advice["laws"] == ["wpg"]
    assert {"ask-existing-help", "consent-required", "record-in-family-plan"} <= set(advice["warnings"])
    assert isinstance(advice["contacts"], list)
    explained = {c for r in advice["reasons"] for c in r["explains"]}
    for kind in ("involve", "interventions", "laws", "warnings"):
        assert set(advice[kind]) <= explained
    assert AdviceTally.objects.count() == 1


def test_csrf_exempt(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post(strict, P01).status_code == 200


def test_422_names_each_bad_field(client):
    response = post(client, {"phase": "zwangerschap", "reporter": "leraar", "concerns": ["x"], "urgent": "ja", "naam": "A"})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert set(body["errors"]) == {"reporter", "concerns", "urgent", "naam"}
    assert all(isinstance(m, str) for msgs in body["errors"].values() for m in msgs)


def test_422_weeks_do_not_fit_phase(client):
    response = post(client, {**P01, "weeks_since_birth": 3})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["weeks_since_birth"]


@pytest.mark.parametrize("body", ["{niet json", b"\xff\xfe", "[1, 2", ""])
def test_400_for_non_json(client, body):
    response = post(client, body)
    assert response.status_code in (400, 422)
    assert response.json()["detail"]


@pytest.mark.parametrize("body", [[], "null", 42, "\"tekst\"", {"phase": None}])
def test_wrong_top_level_shapes_are_422(client, body):
    response = post(client, body if isinstance(body, str) else json.dumps(body))
    assert response.status_code == 422
    assert response.json()["errors"]


def test_get_is_405_json(client):
    response = client.get(URL)
    assert response.status_code == 405
    assert response.json()["detail"]


def test_openapi_document_has_advice(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/advice" in doc["paths"]
    schemas = doc["components"]["schemas"]
    assert {"Situation", "Advice"} <= set(schemas)
    assert "zwangerschap" in schemas["Situation"]["properties"]["phase"]["enum"]
    assert schemas["Situation"]["required"] == ["phase", "reporter", "concerns"]
