from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "wegwijzer.audit"
    verbose_name = _("Toegangslog")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from . import roles, sqlite

        connection_created.connect(sqlite.register_functions, dispatch_uid="wegwijzer.audit.sqlite.functions")
        post_migrate.connect(sqlite.ensure_triggers, sender=self, dispatch_uid="wegwijzer.audit.sqlite.triggers")
        post_migrate.connect(roles.post_migrate_hint, sender=self, dispatch_uid="wegwijzer.audit.roles.hint")
