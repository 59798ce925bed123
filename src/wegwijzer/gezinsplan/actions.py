"""The gezinsplan's items for "wat vraagt om mijn actie" (registered with core.actions in GezinsplanConfig.ready)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from wegwijzer.core.actions import ActionItem

from . import selectors


def action_items(user: Any, today: dt.date) -> list[ActionItem]:
    return [
        ActionItem(
            what=a.what, url=reverse("gezinsplan:agreements", kwargs={"gezinsplan_id": a.gezinsplan_id}),
            where=a.gezinsplan.label, due_date=a.due_date, overdue=a.is_overdue(today),
        )
        for a in selectors.my_actions(user, today=today)
    ]
