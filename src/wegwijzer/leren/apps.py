from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LerenConfig(AppConfig):
    name = "wegwijzer.leren"
    verbose_name = _("Leren")
