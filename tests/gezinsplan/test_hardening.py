"""Bad input on the gezinsplan: never a 500 (PostgreSQL refuses NUL in text), never stored half."""

from __future__ import annotations

import json

import pytest

from accounts.helpers import bearer
from wegwijzer.gezinsplan.models import Gezinsplan

from .factories import professional

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def alice(db):
    return professional("alice", role="verloskundige", organization_slug="verloskundigen-oost")


def post(client, user, url, raw):
    return client.post(API + url, data=raw, content_type="application/json", **bearer(user))


@pytest.mark.parametrize(
    "raw",
    [
        '{"label": "Fam\\u0000ilie", "phase": "zwangerschap", "wijk": "overvecht"}',
        '{"label": "Fam\\ud800", "phase": "zwangerschap", "wijk": "overvecht"}',
    ],
)
def test_case_create_with_unstorable_text_is_400_and_stores_nothing(client, alice, raw):
    response = post(client, alice, "/gezinsplannen", raw)
    assert response.status_code == 400
    assert "teken" in response.json()["detail"]
    assert not Gezinsplan.objects.exists()


def test_meeting_decisions_with_nul_is_400(client, alice):
    body = {"label": "Familie", "phase": "zwangerschap", "wijk": "overvecht"}
    gezinsplan_id = post(client, alice, "/gezinsplannen", json.dumps(body)).json()["id"]
    meeting = post(
        client, alice, f"/gezinsplannen/{gezinsplan_id}/meetings", json.dumps({"starts_at": "2026-12-01T10:00:00+01:00"})
    )
    assert meeting.status_code == 201
    response = client.patch(
        f"{API}/gezinsplannen/{gezinsplan_id}/meetings/{meeting.json()['id']}",
        data=json.dumps({"decisions": ["ok", "a\u0000b"]}),
        content_type="application/json",
        **bearer(alice),
    )
    assert response.status_code == 400
