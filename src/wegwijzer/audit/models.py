"""The append-only access log (NEN 7513 in spirit): who did what to which case record, when and from where.

Rows are only ever inserted. The model refuses updates and deletes, its queryset refuses bulk updates and
deletes, and the database refuses them too: the runtime role has only INSERT and SELECT on PostgreSQL
(`wegwijzer db runtime-role`, roles.py), plain triggers refuse UPDATE/DELETE (PL/pgSQL, migration 0003;
SQLite, sqlite.py). No foreign keys: a user's id and username are copied, so deleting or renaming a user
never touches a log row (SET_NULL would be an UPDATE). AccessLogSeal chains hashes over ranges of rows so
that a change by the schema owner is detectable (`wegwijzer audit verify`, seal.py).
"""

from __future__ import annotations

import os
import time
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_event_id() -> uuid.UUID:
    """A UUID version 7 (RFC 9562): 48 bits of Unix time in milliseconds, then random bits.

    Time-ordered, so each new row lands at the right edge of the unique index on event_id instead of on a
    random page of it (with uuid4, inserting the case list's 200 rows touched ~200 index pages per request).
    """
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC variant
    return uuid.UUID(int=value)


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an access log entry."""


class AppendOnlyQuerySet(models.QuerySet):
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

    event_id = models.UUIDField(_("gebeurtenis"), default=new_event_id, unique=True, editable=False)
    action = models.CharField(_("handeling"), max_length=32, choices=Action.choices)
    occurred_at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    outcome = models.CharField(_("uitkomst"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    # Copies, not a foreign key: nothing may ever update a log row.
    user_id = models.BigIntegerField(_("gebruikers-id"), null=True, blank=True, db_index=True)
    username = models.CharField(_("gebruikersnaam"), max_length=150, blank=True)
    role = models.CharField(_("rol"), max_length=64, blank=True)
    organization_slug = models.CharField(_("organisatie"), max_length=100, blank=True)
    # Indexed by audit_gezinsplan_time_idx (gezinsplan_id first): a second index on the column alone only
    # cost every INSERT one more random index page.
    gezinsplan_id = models.CharField(_("gezinsplan"), max_length=64, blank=True)
    object_type = models.CharField(_("soort object"), max_length=64, blank=True)
    object_id = models.CharField(_("object-id"), max_length=64, blank=True)
    client_address = models.GenericIPAddressField(_("adres van de client"), null=True, blank=True)
    # Short and structural only (e.g. "step=2", "reason=bad-password"); never free text about a family.
    detail = models.CharField(_("toelichting"), max_length=200, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("toegangslogregel")
        verbose_name_plural = _("toegangslog")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["gezinsplan_id", "-occurred_at"], name="audit_gezinsplan_time_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action} {self.gezinsplan_id or ''}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Access log entries cannot be changed.")
        kwargs["force_insert"] = True
        kwargs.pop("force_update", None)
        kwargs.pop("update_fields", None)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Access log entries cannot be deleted.")


class AccessLogSeal(models.Model):
    """One link of the hash chain over the access log: rows first_id..last_id (inclusive), in id order.

    rows_sha256 covers the canonical serialisation of the rows (seal.py); chain_sha256 covers this seal's
    fields and the previous seal's chain_sha256, so removing or rewriting a seal breaks every later one.
    row_digests ("id:first-16-hex" per line) lets verify name the row that changed, went missing or was added.
    """

    first_id = models.BigIntegerField(_("eerste regel"), unique=True)
    last_id = models.BigIntegerField(_("laatste regel"))
    row_count = models.PositiveIntegerField(_("aantal regels"))
    rows_sha256 = models.CharField(_("hash van de regels"), max_length=64)
    previous_sha256 = models.CharField(_("hash van het vorige zegel"), max_length=64, unique=True)
    chain_sha256 = models.CharField(_("hash van dit zegel"), max_length=64, unique=True)
    row_digests = models.TextField(_("hash per regel"), blank=True)
    sealed_at = models.DateTimeField(_("verzegeld op"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("zegel van het toegangslog")
        verbose_name_plural = _("zegels van het toegangslog")
        ordering = ["first_id"]

    def __str__(self) -> str:
        return f"{self.first_id}-{self.last_id} ({self.row_count}) {self.chain_sha256[:12]}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Access log seals cannot be changed.")
        kwargs["force_insert"] = True
        kwargs.pop("force_update", None)
        kwargs.pop("update_fields", None)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Access log seals cannot be deleted.")
