"""POST /api/v1/advice: 200 with the advice, 422 per field, 400 for non-JSON, never a 500."""

from __future__ import annotations

import json

import pytest

from wegwijzer.routeguide.models import AdviceTally

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
    op = doc["paths"]["/advice"]["post"]
    assert op["operationId"] == "adviseRoute"
    assert {"200", "400", "405", "413", "415", "422"} <= set(op["responses"])
    schemas = doc["components"]["schemas"]
    assert {"Situation", "Advice", "AdviceStep", "AdviceReason", "AdviceContact"} <= set(schemas)
    situation = op["requestBody"]["content"]["application/json"]["schema"]
    assert situation["required"] == ["phase", "reporter", "concerns"]
    assert situation["additionalProperties"] is False
    assert "zwangerschap" in situation["properties"]["phase"]["enum"]
    assert schemas["Situation"]["properties"]["phase"] == situation["properties"]["phase"]


def test_openapi_codes_are_the_vocabulary(client):
    from wegwijzer.routeguide.service import route_choices, route_vocabulary, vocabulary

    # every route's codes (issue 15: a second route adds its own), the product's first and in their order
    vocabs = [vocabulary()] + [route_vocabulary(code) for code, _t, _d in route_choices()]

    def codes(kind):
        return list(dict.fromkeys(c for v in vocabs for c in v.codes(kind)))

    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    situation, advice = schemas["Situation"]["properties"], schemas["Advice"]["properties"]
    assert situation["route"]["enum"] == ["eerste-1000-dagen", "basis-ggz"]
    assert situation["phase"]["enum"] == codes("phases")
    assert situation["phase"]["enum"][:4] == list(vocabulary().codes("phases"))
    assert "jeugd-16-17" in situation["phase"]["enum"]
    assert situation["reporter"]["enum"] == codes("reporters")
    assert situation["concerns"]["items"]["enum"] == codes("concerns")
    assert [s for s in situation["wijk"]["anyOf"] if s.get("enum")][0]["enum"] == codes("wijken")
    for field, kind in (("involve", "roles"), ("interventions", "interventions"), ("laws", "laws"),
                        ("warnings", "warnings")):
        assert advice[field]["items"]["enum"] == codes(kind), field
        assert advice[field]["uniqueItems"] is True


def test_the_advice_matches_its_documented_schema(client):
    import jsonschema

    doc = client.get("/api/v1/openapi.json").json()
    advice = post(client, P01).json()
    schema = {"$ref": "#/components/schemas/Advice", "components": doc["components"]}
    jsonschema.validate(advice, schema)
    assert all(r.get("excludes") != [] for r in advice["reasons"])  # as the engine shapes it: absent when none
    # the document's own example is a valid situation for the engine
    example = doc["components"]["schemas"]["Situation"]["example"]
    assert post(client, example).status_code == 200
