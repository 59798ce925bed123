from typing import Any

from django.apps import AppConfig


def nav_items(user: Any) -> list[Any]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from wegwijzer.accounts.roles import is_policy_staff
    from wegwijzer.core.navigation import NavItem

    # The policy role only: whether a professional chairs a network would cost a query on every page (the
    # query-count tests pin them); a chair finds the link on their network's page (leren/network.html).
    return [NavItem(_("Inzicht"), reverse("inzicht:overview"), order=60)] if is_policy_staff(user) else []


class InzichtConfig(AppConfig):
    name = "wegwijzer.inzicht"
    label = "inzicht"
    verbose_name = "Inzicht"

    def ready(self) -> None:
        from wegwijzer.core import navigation

        navigation.register("inzicht", nav_items)
