from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialmapConfig(AppConfig):
    name = "wegwijzer.socialmap"
    verbose_name = _("Sociale kaart")

    def ready(self) -> None:
        # Readiness checks live with the app; core's health module imports no app.
        from wegwijzer.core import health

        from .search import lifecycle
        from .selectors import readiness_check

        health.register_check("social_map", readiness_check, order=10)
        health.register_check("search_index", lifecycle.readiness_check, order=30)
