"""Request bodies on the API: JSON only with a JSON Content-Type (else 415), oversized bodies 413 in Dutch,
on the API (JSON) and on web forms (a Dutch page), whichever layer reads the body first."""

from __future__ import annotations

import json

import pytest
from django.test import Client, RequestFactory

from accounts.helpers import bearer, make_professional
from wegwijzer.core.api import BadRequestBody, UnsupportedMediaType, parse_json_body

SITUATION = {"phase": "zwangerschap", "reporter": "verloskundige", "concerns": ["taalbarriere"]}
BODY = json.dumps(SITUATION)


def _post(content_type: str, data: str | bytes = BODY):
    return RequestFactory().post("/x", data=data, content_type=content_type)


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
     "text/xml", "application/jsonp", "application/json-seq", ""],
)
def test_non_json_content_types_are_415(content_type):
    with pytest.raises(UnsupportedMediaType) as info:
        parse_json_body(_post(content_type))
    assert info.value.status == 415
    assert "Content-Type: application/json" in info.value.detail


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "Application/JSON; Charset=UTF-8",
     "application/merge-patch+json", "application/vnd.wegwijzer+json; charset=utf-8"],
)
def test_json_content_types_are_parsed(content_type):
    assert parse_json_body(_post(content_type)) == SITUATION


def test_a_non_utf8_charset_is_415():
    with pytest.raises(UnsupportedMediaType) as info:
        parse_json_body(_post("application/json; charset=latin-1"))
    assert "UTF-8" in info.value.detail


def test_an_empty_body_needs_no_content_type():
    # body-less POSTs (close a case, withdraw a consent) keep working without a header
    assert parse_json_body(RequestFactory().post("/x", data=b"", content_type="")) is None


def test_415_is_still_a_bad_request_body_for_existing_callers():
    assert issubclass(UnsupportedMediaType, BadRequestBody) and BadRequestBody.status == 400


@pytest.mark.django_db
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_advice_api_refuses_non_json_with_415(client, content_type):
    response = client.post("/api/v1/advice", data=BODY, content_type=content_type)
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


@pytest.mark.django_db
def test_advice_api_multipart_form_is_415(client):
    response = client.post("/api/v1/advice", data={"phase": "zwangerschap"})  # the test client's multipart
    assert response.status_code == 415


@pytest.mark.django_db
def test_advice_api_still_takes_json(client):
    assert client.post("/api/v1/advice", data=BODY, content_type="application/json").status_code == 200


@pytest.mark.django_db
def test_case_api_refuses_text_plain_with_415(client):
    user = make_professional("jgz-415")
    response = client.post("/api/v1/gezinsplannen", data=json.dumps({"label": "Gezin"}), content_type="text/plain",
                           **bearer(user))
    assert response.status_code == 415
    assert response.json()["detail"]


# ---- oversized bodies ----


@pytest.mark.django_db
def test_api_body_over_django_upload_limit_is_dutch_json_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = json.dumps({**SITUATION, "naam": "x" * 5000})
    response = client.post("/api/v1/advice", data=big, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "te groot" in response.json()["detail"]


@pytest.mark.django_db
def test_api_body_over_the_json_limit_is_413_too(client):
    big = json.dumps({**SITUATION, "naam": "x" * 300_000})  # over 256 kB, under Django's 2.5 MB
    response = client.post("/api/v1/advice", data=big, content_type="application/json")
    assert response.status_code == 413
    assert "te groot" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("enforce_csrf", [False, True])  # body read by the view, or first by CsrfViewMiddleware
def test_web_form_over_the_limit_is_a_dutch_413_page(settings, enforce_csrf):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.get("/account/inloggen/")  # the CSRF cookie, so CsrfViewMiddleware goes on to read the form
    data = "username=x&password=" + "y" * 5000
    response = client.post("/account/inloggen/", data=data, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert 'lang="nl"' in page and "te groot" in page
    assert "Bad Request" not in page


@pytest.mark.django_db
def test_other_suspicious_requests_get_a_dutch_400(client):
    response = client.get("/api/v1/services", HTTP_HOST="evil.example")  # DisallowedHost
    assert response.status_code == 400
    assert response.json()["detail"] == "Ongeldig verzoek."
    page = client.get("/", HTTP_HOST="evil.example")
    assert page.status_code == 400 and 'lang="nl"' in page.content.decode()
