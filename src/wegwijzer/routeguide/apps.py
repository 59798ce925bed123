from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def nav_items(user: Any) -> list[Any]:
    """"Route-inhoud" in the main menu, for a content editor or policy officer only."""
    from django.urls import reverse
    from django.utils.translation import gettext

    from wegwijzer.core.navigation import NavItem

    from .drafts import may_edit

    return [NavItem(gettext("Route-inhoud"), reverse("routeguide:content-home"), order=70)] if may_edit(user) else []


class RouteguideConfig(AppConfig):
    name = "wegwijzer.routeguide"
    verbose_name = _("Routewijzer")

    def ready(self) -> None:
        # Core's one cached vocabulary is parsed by the rule engine's pure loader; core cannot import
        # the apps (they import core), so the app hands the loader down.
        from wegwijzer.core import health, navigation, vocabulary

        from .engine import load_vocabulary
        from .service import readiness_check

        vocabulary.register_loader(load_vocabulary)
        health.register_check("route_rules", readiness_check, order=20, needs_database=False)
        navigation.register("routeguide", nav_items)
