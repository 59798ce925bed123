"""The admin shows no case content: no plans model (nor its history) is registered, and a superuser
finds nothing under the admin's plans URLs."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin

pytestmark = pytest.mark.django_db


def test_no_plans_model_in_admin():
    plans_models = set(apps.get_app_config("plans").get_models())
    assert not plans_models & set(admin.site._registry), "case models must not be in the admin"


def test_superuser_sees_no_case_in_admin(client, team):
    client.force_login(team.admin)
    response = client.get("/beheer/plans/casus/")
    assert response.status_code in (302, 404)
    index = client.get("/beheer/")
    assert team.casus.label.encode() not in index.content
