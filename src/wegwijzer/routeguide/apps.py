from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RouteguideConfig(AppConfig):
    name = "wegwijzer.routeguide"
    verbose_name = _("Routewijzer")

    def ready(self) -> None:
        # Core's one cached vocabulary is parsed by the rule engine's pure loader; core cannot import
        # the apps (they import core), so the app hands the loader down.
        from wegwijzer.core import health, vocabulary

        from .engine import load_vocabulary
        from .service import readiness_check

        vocabulary.register_loader(load_vocabulary)
        health.register_check("route_rules", readiness_check, order=20, needs_database=False)
