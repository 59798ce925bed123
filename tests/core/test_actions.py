"""core.actions: the registry behind "wat vraagt om mijn actie" orders every provider's items together."""

from __future__ import annotations

import datetime as dt

import pytest

from wegwijzer.core import actions
from wegwijzer.core.actions import ActionItem

TODAY = dt.date(2026, 12, 3)


@pytest.fixture
def only_test_providers(monkeypatch):
    monkeypatch.setattr(actions, "_providers", {})


def _item(what, due, overdue):
    return ActionItem(what=what, url="/x/", where="ergens", due_date=due, overdue=overdue)


def test_items_of_all_providers_overdue_first_then_by_due_date(only_test_providers):
    actions.register("a", lambda user, today: [_item("later", TODAY + dt.timedelta(days=9), False),
                                               _item("geen datum", None, False)])
    actions.register("b", lambda user, today: [_item("te laat", TODAY - dt.timedelta(days=1), True),
                                               _item("eerst", TODAY + dt.timedelta(days=1), False)])
    assert [i.what for i in actions.actions_for(object(), TODAY)] == ["te laat", "eerst", "later", "geen datum"]


def test_registering_a_name_again_replaces_the_provider(only_test_providers):
    actions.register("a", lambda user, today: [_item("oud", None, False)])
    actions.register("a", lambda user, today: [_item("nieuw", None, False)])
    assert [i.what for i in actions.actions_for(object(), TODAY)] == ["nieuw"]


def test_the_apps_register_their_providers():
    assert {"gezinsplan", "leren"} <= set(actions._providers)
