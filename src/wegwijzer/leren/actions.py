"""Leren's items for "wat vraagt om mijn actie": the user's own open improvement agreements (registered with
core.actions in LerenConfig.ready; the gezinsplan page shows them without importing leren)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from wegwijzer.core.actions import ActionItem

from . import selectors


def action_items(user: Any, today: dt.date) -> list[ActionItem]:
    return [
        ActionItem(
            what=i.what, url=reverse("leren:network", kwargs={"network_id": i.network_id}),
            where=_("verbeterafspraak van %(network)s") % {"network": i.network.name}, due_date=i.due_date,
            overdue=i.is_overdue(today),
        )
        for i in selectors.improvements_owned(user)
    ]
