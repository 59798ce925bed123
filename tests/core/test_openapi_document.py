"""The OpenAPI document at /api/v1/openapi.json: valid OpenAPI 3.1, generated, one error shape everywhere."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from openapi_spec_validator import validate

from wegwijzer.conf.api import api

pytestmark = pytest.mark.django_db
ERROR_REF = "#/components/schemas/ErrorOut"
UNSAFE = {"post", "put", "patch", "delete"}


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def operations(document):
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def test_the_document_is_valid_openapi(document):
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises OpenAPIValidationError with the failing location


def test_an_invalid_document_is_refused_by_the_validator(document):
    # the validator really looks: a response without its required description fails
    broken = {**document, "paths": {"/health": {"get": {"responses": {"200": {}}}}}}
    with pytest.raises(Exception, match="description"):
        validate(broken)


def test_every_path_is_generated_by_the_one_api(document):
    generated = api.get_openapi_schema(path_prefix="")
    assert set(document["paths"]) == set(generated["paths"])
    assert document["servers"] == [{"url": "/api/v1"}]


def _api_routes():
    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                yield route

    skip = {"api/v1/openapi.json", "api/v1/docs/"}
    return {r for r in walk(get_resolver().url_patterns) if r.startswith("api/v1/") and r not in skip}


def test_every_api_url_is_documented(document):
    documented = {re.sub(r"\{[^}]+\}", "{}", p) for p in document["paths"]}
    for route in _api_routes():
        shape = "/" + re.sub(r"<(?:\w+:)?\w+>", "{}", route.removeprefix("api/v1/"))
        assert shape.rstrip("/") in {d.rstrip("/") for d in documented}, route


def test_every_operation_documents_the_error_answers_of_the_api_layer(document):
    for path, method, op in operations(document):
        responses = op["responses"]
        expected = {"405"}
        if "requestBody" in op:
            expected |= {"400", "413", "415", "422"}
        if op.get("security"):
            expected.add("401")
            if method in UNSAFE:
                expected.add("403")
        assert expected <= set(responses), (method, path, sorted(responses))
        assert "Allow" in responses["405"]["headers"], (method, path)
        if "401" in responses:
            assert "WWW-Authenticate" in responses["401"]["headers"], (method, path)


def _is_error_shape(schema, document) -> bool:
    """ErrorOut, or a schema extending it (detail plus extra top-level keys, e.g. a 409's versions)."""
    if schema == {"$ref": ERROR_REF}:
        return True
    if "anyOf" in schema:
        return all(_is_error_shape(s, document) for s in schema["anyOf"])
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    detail = schema.get("properties", {}).get("detail", {})
    return "detail" in schema.get("required", []) and detail.get("type") == "string"


def test_every_error_answer_has_the_one_error_shape_with_a_dutch_description(document):
    seen = set()
    for path, method, op in operations(document):
        for code, response in op["responses"].items():
            if code.startswith("4"):
                seen.add(code)
                schema = response["content"]["application/json"]["schema"]
                assert _is_error_shape(schema, document), (method, path, code, schema)
                assert response["description"] != HTTPStatus(int(code)).phrase, (method, path, code)
    assert {"400", "401", "403", "404", "405", "413", "415", "422"} <= seen
    error = document["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["detail"] and set(error["properties"]) == {"detail", "errors"}


def test_operation_ids_are_unique(document):
    ids = [op["operationId"] for _p, _m, op in operations(document)]
    assert len(ids) == len(set(ids))


def test_the_docs_page_lists_the_generated_operations_in_dutch(client, document):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="nl"' in page and "Eindpunten" in page
    for path, _method, _op in operations(document):
        assert f"/api/v1{path}" in page, path
    assert "<script>" not in page and "style=" not in page  # CSP: script-src 'self' + nonce, style-src 'self'


def test_no_hand_written_openapi_module_remains():
    from pathlib import Path

    import wegwijzer

    root = Path(wegwijzer.__file__).parent
    assert sorted(str(p.relative_to(root)) for p in root.rglob("openapi.py")) == []
