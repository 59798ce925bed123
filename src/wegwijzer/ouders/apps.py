from django.apps import AppConfig


class OudersConfig(AppConfig):
    name = "wegwijzer.ouders"
    verbose_name = "Ouderinzage"
    default_auto_field = "django.db.models.BigAutoField"
