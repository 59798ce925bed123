"""The access log in the admin: read-only, for two-factor verified superusers, ids only."""

from __future__ import annotations

import pytest

from accounts.helpers import make_professional, make_superuser, verified_client
from wegwijzer.audit.service import access_log_write

pytestmark = pytest.mark.django_db

CHANGELIST = "/beheer/audit/accesslogentry/"


@pytest.fixture
def entry():
    return access_log_write(context=None, user=None, action="read", gezinsplan_id="case-xyz", object_type="case")


def test_verified_superuser_sees_the_log_read_only(client, entry):
    verified_client(client, make_superuser())
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert "case-xyz" in response.content.decode()
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    detail = client.get(f"{CHANGELIST}{entry.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.post(f"{CHANGELIST}{entry.pk}/change/", {"action": "delete"}).status_code == 403
    assert client.post(f"{CHANGELIST}{entry.pk}/delete/").status_code == 403


def test_superuser_without_second_factor_sees_nothing(client, entry):
    client.force_login(make_superuser())
    response = client.get(CHANGELIST)
    assert response.status_code in (302, 403)
    assert "case-xyz" not in response.content.decode()


def test_staff_professional_sees_nothing(client, entry):
    user = make_professional("staff-pro", is_staff=True)
    verified_client(client, user)
    assert client.get(CHANGELIST).status_code == 403
