from typing import Any

from django.apps import AppConfig


def nav_items(user: Any) -> list[Any]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from wegwijzer.core.navigation import NavItem

    from .reads import may_see_insight

    return [NavItem(_("Inzicht"), reverse("inzicht:overview"), order=60)] if may_see_insight(user) else []


class InzichtConfig(AppConfig):
    name = "wegwijzer.inzicht"
    label = "inzicht"
    verbose_name = "Inzicht"

    def ready(self) -> None:
        from wegwijzer.core import navigation

        navigation.register("inzicht", nav_items)
