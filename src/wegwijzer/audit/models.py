"""The append-only access log (NEN 7513 in spirit): who did what to which case record, when and from where.

Rows are only ever inserted. The model refuses updates and deletes, its queryset refuses bulk updates and
deletes, and the database refuses them too: a pgtrigger on PostgreSQL and plain triggers on SQLite
(migration 0002). No foreign keys: a user's id and username are copied, so deleting or renaming a user
never touches a log row (SET_NULL would be an UPDATE).
"""

from __future__ import annotations

import uuid

import pgtrigger
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an access log entry."""


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Access log entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Access log entries cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Access log entries cannot be changed.")

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise AppendOnlyError("Access log entries cannot be changed.")

    def _raw_delete(self, using):
        raise AppendOnlyError("Access log entries cannot be deleted.")


class AccessLogEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("aangemaakt")
        READ = "read", _("ingezien")
        UPDATE = "update", _("gewijzigd")
        DELETE = "delete", _("verwijderd")
        EXPORT = "export", _("geëxporteerd")
        SEARCH = "search", _("gezocht")
        LOGIN = "login", _("ingelogd")
        LOGIN_FAILED = "login_failed", _("inloggen mislukt")
        LOGOUT = "logout", _("uitgelogd")
        OTP_SETUP = "otp_setup", _("tweestapsverificatie ingesteld")
        OTP_FAILED = "otp_failed", _("verificatiecode onjuist")
        TOKEN_ISSUE = "token_issue", _("API-token uitgegeven")
        TOKEN_REVOKE = "token_revoke", _("API-token ingetrokken")
        USER_CREATE = "user_create", _("gebruiker aangemaakt")
        MEMBER_ADD = "member_add", _("teamlid toegevoegd")
        MEMBER_REMOVE = "member_remove", _("teamlid verwijderd")
        HANDOVER = "handover", _("overgedragen")
        RETENTION = "retention", _("bewaartermijn toegepast")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("gelukt")
        DENIED = "denied", _("geweigerd")
        FAILURE = "failure", _("mislukt")

    event_id = models.UUIDField(_("gebeurtenis"), default=uuid.uuid4, unique=True, editable=False)
    action = models.CharField(_("handeling"), max_length=32, choices=Action.choices)
    occurred_at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    outcome = models.CharField(_("uitkomst"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    # Copies, not a foreign key: nothing may ever update a log row.
    user_id = models.BigIntegerField(_("gebruikers-id"), null=True, blank=True, db_index=True)
    username = models.CharField(_("gebruikersnaam"), max_length=150, blank=True)
    role = models.CharField(_("rol"), max_length=64, blank=True)
    organisation_slug = models.CharField(_("organisatie"), max_length=100, blank=True)
    case_id = models.CharField(_("casus"), max_length=64, blank=True, db_index=True)
    object_type = models.CharField(_("soort object"), max_length=64, blank=True)
    object_id = models.CharField(_("object-id"), max_length=64, blank=True)
    client_address = models.GenericIPAddressField(_("adres van de client"), null=True, blank=True)
    # Short and structural only (e.g. "step=2", "reason=bad-password"); never free text about a family.
    detail = models.CharField(_("toelichting"), max_length=200, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("toegangslogregel")
        verbose_name_plural = _("toegangslog")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["case_id", "-occurred_at"], name="audit_case_time_idx")]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action} {self.case_id or ''}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Access log entries cannot be changed.")
        kwargs["force_insert"] = True
        kwargs.pop("force_update", None)
        kwargs.pop("update_fields", None)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Access log entries cannot be deleted.")
