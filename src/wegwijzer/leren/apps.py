from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LerenConfig(AppConfig):
    name = "wegwijzer.leren"
    verbose_name = _("Leren")

    def ready(self) -> None:
        # The gezinsplan's "wat vraagt om mijn actie" shows the user's open agreements; core keeps the registry.
        from wegwijzer.core import actions

        from .actions import action_items

        actions.register("leren", action_items)
