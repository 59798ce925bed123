"""The admin shows no case content: no plans model (nor its history) is registered, and a superuser
finds nothing under the admin's plans URLs."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin

pytestmark = pytest.mark.django_db


def test_no_plans_model_in_admin():
    gezinsplan_models = set(apps.get_app_config("gezinsplan").get_models())
    assert not gezinsplan_models & set(admin.site._registry), "case models must not be in the admin"


def test_superuser_sees_no_case_in_admin(client, team):
    client.force_login(team.admin)
    response = client.get("/beheer/gezinsplan/gezinsplan/")
    assert response.status_code in (302, 404)
    index = client.get("/beheer/")
    assert team.gezinsplan.label.encode() not in index.content
