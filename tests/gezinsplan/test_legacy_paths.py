"""The pre-rename API paths (`/api/v1/cases…`) keep working for existing clients, marked deprecated, with the
same need-to-know and access log as `/api/v1/gezinsplannen…` (docs/glossary.md: one name per concept)."""

from __future__ import annotations

import pytest

from accounts.helpers import bearer
from wegwijzer.audit.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def test_old_list_path_answers_like_the_new_one_and_says_it_is_deprecated(client, team):
    new = client.get("/api/v1/gezinsplannen", **bearer(team.member))
    old = client.get("/api/v1/cases", **bearer(team.member))
    assert new.status_code == old.status_code == 200
    assert old.json() == new.json()
    assert old["Deprecation"] == "true"
    assert old["Link"] == '</api/v1/gezinsplannen>; rel="successor-version"'
    assert "Deprecation" not in new


def test_old_detail_path_is_logged_as_a_read_and_keeps_need_to_know(client, team):
    pk = team.gezinsplan.pk
    before = AccessLogEntry.objects.filter(gezinsplan_id=str(pk), action="read").count()
    response = client.get(f"/api/v1/cases/{pk}/agreements", **bearer(team.member))
    assert response.status_code == 200
    assert response["Link"] == f'</api/v1/gezinsplannen/{pk}/agreements>; rel="successor-version"'
    assert AccessLogEntry.objects.filter(gezinsplan_id=str(pk), action="read").count() == before + 1
    outsider = client.get(f"/api/v1/cases/{pk}", **bearer(team.other))
    assert outsider.status_code == 404


def test_old_paths_are_not_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["servers"][0]["url"].endswith("/api/v1")
    assert any(p.startswith("/gezinsplannen") for p in doc["paths"])
    assert not any(p.startswith("/cases") for p in doc["paths"])


def test_a_path_that_only_starts_like_the_old_one_is_not_rewritten(client):
    response = client.get("/api/v1/casesx")
    assert response.status_code == 404
    assert "Deprecation" not in response
