from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GezinsplanConfig(AppConfig):
    name = "wegwijzer.gezinsplan"
    verbose_name = _("Gezinsplan")

    def ready(self) -> None:
        from wegwijzer.core import actions

        from .actions import action_items

        actions.register("gezinsplan", action_items)
