from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A Wegwijzer user: a professional with a role code from the vocabulary, or staff.

    `role` holds a vocabulary role code (e.g. "verloskundige", "jgz") for professionals, or one of the
    staff roles below. Staff roles never see case content.
    """

    ROLE_CONTENT_EDITOR = "redacteur"
    ROLE_POLICY = "beleid"
    # A provider keeps its own organisation's records current (waiting times); never sees case content.
    ROLE_PROVIDER = "aanbieder"
    STAFF_ROLES = (ROLE_CONTENT_EDITOR, ROLE_POLICY, ROLE_PROVIDER)

    role = models.CharField(_("rol"), max_length=64, blank=True)
    # The social map organisation slug this professional acts on behalf of (validated in services).
    organization_slug = models.CharField(_("organisatie"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)


class ApiToken(models.Model):
    """A bearer token for an integration. Only the SHA-256 of the raw token is stored; the raw token is
    shown once, when issued. Tokens expire (settings.API_TOKEN_DAYS) and can be revoked."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("gebruiker"))
    name = models.CharField(_("naam"), max_length=100, default="cli")
    token_hash = models.CharField(_("hash van het token"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("begin van het token"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("uitgegeven op"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("verloopt op"))
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uitgegeven door"),
    )
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("ingetrokken door"),
    )
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name}, {self.user.get_username()})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now() and self.user.is_active


class EnrolmentCode(models.Model):
    """A one-time code an administrator gives a user to set up (or, after a reset, re-set up) the second factor.

    Without it the password alone would be enough to enrol an authenticator app, i.e. to own the second factor.
    Only the SHA-256 of the code is stored (the code itself is random: 80 bits). It expires
    (settings.OTP_ENROLMENT_DAYS), is used once (`used_at`, set when the device is confirmed), and stops
    working after a few wrong tries (`failed_attempts`).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_codes",
                             verbose_name=_("gebruiker"))
    code_hash = models.CharField(_("hash van de code"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("uitgegeven op"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("verloopt op"))
    used_at = models.DateTimeField(_("gebruikt op"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("onjuiste pogingen"), default=0)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uitgegeven door"),
    )

    class Meta:
        verbose_name = _("inschrijfcode")
        verbose_name_plural = _("inschrijfcodes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.created_at:%Y-%m-%d})"
