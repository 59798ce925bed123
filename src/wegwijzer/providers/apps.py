from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvidersConfig(AppConfig):
    """Provider accounts (role `aanbieder`) keeping their own organisation's records current."""

    name = "wegwijzer.providers"
    verbose_name = _("Aanbieders")
