"""NUL in a query parameter is a 400 naming it, in the path a 404 — never a PostgreSQL DataError (500).

Found by schemathesis on PostgreSQL: GET /api/v1/taxonomy_terms with a NUL in a parameter was a 500.
"""

from __future__ import annotations

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/taxonomy_terms?taxonomy_id=%00", "taxonomy_id"),
        ("/api/v1/services?search=a%00b", "search"),
        ("/api/v1/organizations?search=%00", "search"),
        ("/api/v1/search?q=%00", "q"),
    ],
)
def test_nul_in_the_url_is_a_400_naming_the_part(client, url, field):
    response = client.get(url)
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert "ongeldig teken" in body["detail"]
    assert field in body["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/services/%00", "/api/v1/organizations/ab%00c", "/api/v1/taxonomy_terms/%00"])
def test_nul_in_the_path_names_no_record(client, url):
    response = client.get(url)
    assert response.status_code == 404, response.content[:300]
    assert response.json()["detail"]


@pytest.mark.django_db
def test_ordinary_parameters_still_pass(client):
    assert client.get("/api/v1/services?search=kraamzorg").status_code == 200
