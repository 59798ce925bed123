"""A refused (CSRF) request: JSON on the API, the Dutch page in the browser; never HTML on /api/."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_unknown_method_on_the_api_gets_json_not_html():
    client = Client(enforce_csrf_checks=True)
    response = client.generic("QUERY", "/api/v1/search?q=jgz")
    assert response.status_code in (403, 405)
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


@pytest.mark.django_db
def test_form_post_without_token_gets_the_dutch_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/account/inloggen/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert 'lang="nl"' in response.content.decode()
