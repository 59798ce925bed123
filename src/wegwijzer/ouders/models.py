"""The parents' view of their own gezinsplan (read-only): who may look, and the one-time codes they log in with.

A parent is not a Django user: no password, no role, so every professional page and API endpoint treats them
as anonymous (need-to-know by construction). They reach only `/ouders/plan/` through a session key set after
a one-time invitation link and a one-time code mailed at each login. Tokens and codes are stored hashed.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wegwijzer.gezinsplan.models import SHORT_TEXT, Gezinsplan


class ParentAccess(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    gezinsplan = models.ForeignKey(
        Gezinsplan, verbose_name=_("gezinsplan"), on_delete=models.CASCADE, related_name="parent_accesses"
    )
    parent_name = models.CharField(_("naam ouder"), max_length=SHORT_TEXT)
    email = models.EmailField(_("e-mailadres ouder"), max_length=254)
    invite_token_hash = models.CharField(max_length=64, unique=True)
    invite_expires_at = models.DateTimeField(_("uitnodiging geldig tot"))
    invite_used_at = models.DateTimeField(_("uitnodiging gebruikt op"), null=True, blank=True)
    failed_codes = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("inzage voor ouders")
        verbose_name_plural = _("inzage voor ouders")
        ordering = ["created_at"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"ouderinzage {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ParentLoginCode(models.Model):
    access = models.ForeignKey(ParentAccess, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"code {self.pk}"
