from django.apps import AppConfig


class InzichtConfig(AppConfig):
    name = "wegwijzer.inzicht"
    label = "inzicht"
    verbose_name = "Inzicht"
