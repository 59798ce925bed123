"""Writes for accounts: creating users, issuing and revoking API tokens. Dutch validation messages."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.audit.service import access_log_write

from .models import ApiToken, EnrolmentCode, User
from .roles import all_roles

Action = AccessLogEntry.Action

TOKEN_BYTES = 32


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def known_organization_slugs() -> set[str] | None:
    """Slugs of the social map's organisations."""
    from wegwijzer.socialmap.models import Organization

    return set(Organization.objects.values_list("slug", flat=True))


def _validate_user_input(*, username: str, role: str, organization_slug: str, password: str, email: str) -> None:
    errors: dict[str, list[str]] = {}
    username_field = User._meta.get_field("username")
    if not username:
        errors.setdefault("username", []).append("Vul een gebruikersnaam in.")
    else:
        try:
            for validator in username_field.validators:
                validator(username)
        except ValidationError:
            errors.setdefault("username", []).append(
                "Een gebruikersnaam bestaat uit hoogstens 150 letters, cijfers en de tekens @ . + - _."
            )
        if User.objects.filter(username__iexact=username).exists():
            errors.setdefault("username", []).append(f"De gebruikersnaam ‘{username}’ bestaat al.")
    roles = all_roles()
    if role not in roles:
        errors.setdefault("role", []).append(
            f"Onbekende rol ‘{role}’. Kies een van: {', '.join(sorted(roles))}."
        )
    if role == User.ROLE_PROVIDER and not organization_slug:
        errors.setdefault("organization_slug", []).append(
            "Een aanbieder hoort bij een organisatie: geef met --organization de code van de organisatie."
        )
    if organization_slug:
        slugs = known_organization_slugs()
        if slugs is not None and organization_slug not in slugs:
            errors.setdefault("organization_slug", []).append(
                f"Onbekende organisatie ‘{organization_slug}’. Gebruik de code van een organisatie op de sociale kaart."
            )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("email", []).append(f"‘{email}’ is geen geldig e-mailadres.")
    candidate = User(username=username, email=email, role=role, organization_slug=organization_slug)
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(_dutch_password_messages(exc))
    if errors:
        raise ValidationError(errors)


def _dutch_password_messages(exc: ValidationError) -> list[str]:
    """Django's password validator messages in Dutch, independent of the active language."""
    messages = []
    for error in exc.error_list:
        code = error.code
        params = error.params or {}
        if code == "password_too_short":
            messages.append(f"Het wachtwoord is te kort: gebruik minstens {params.get('min_length', 12)} tekens.")
        elif code == "password_too_common":
            messages.append("Dit wachtwoord komt te vaak voor. Kies een minder voorspelbaar wachtwoord.")
        elif code == "password_entirely_numeric":
            messages.append("Het wachtwoord mag niet alleen uit cijfers bestaan.")
        elif code == "password_too_similar":
            messages.append("Het wachtwoord lijkt te veel op de gebruikersnaam of andere gegevens.")
        else:
            messages.append(" ".join(error.messages))
    return messages


@transaction.atomic
def user_create(
    *, username: str, role: str, organization_slug: str = "", password: str, email: str = "",
    created_by: Any = None,
) -> User:
    """Create an active user with a role (vocabulary role code or staff role) and an organisation.

    Raises ValidationError (a dict of field → Dutch messages) on a taken or invalid username, an unknown
    role or organisation slug, an invalid e-mail address or a password that breaks the password rules.
    """
    username = (username or "").strip()
    role = (role or "").strip()
    organization_slug = (organization_slug or "").strip()
    email = (email or "").strip()
    _validate_user_input(
        username=username, role=role, organization_slug=organization_slug, password=password, email=email
    )
    user = User(username=username, role=role, organization_slug=organization_slug, email=email)
    user.set_password(password)
    user.save()
    access_log_write(
        context=None, user=created_by, action=Action.USER_CREATE, object_type="user", object_id=str(user.pk),
    )
    return user


MAX_TOKEN_DAYS = 3650


@transaction.atomic
def api_token_issue(*, user: User, issued_by: Any = None, name: str = "cli", days: int | None = None) -> tuple[ApiToken, str]:
    """Issue a new bearer token for `user`. Returns the token row and the raw token (shown only once)."""
    if days is None:
        days = settings.API_TOKEN_DAYS
    if days < 1:
        raise ValidationError({"days": ["Een token moet minstens 1 dag geldig zijn."]})
    if days > MAX_TOKEN_DAYS:  # tokens expire; beyond this the expiry date would overflow as well
        raise ValidationError({"days": [f"Een token is hoogstens {MAX_TOKEN_DAYS} dagen (10 jaar) geldig."]})
    if not user.is_active:
        raise ValidationError({"user": ["Deze gebruiker is niet actief."]})
    raw = "ww_" + secrets.token_urlsafe(TOKEN_BYTES)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=(name or "cli")[:100],
        token_hash=token_hash(raw),
        prefix=raw[:8],
        created_at=now,
        expires_at=now + timedelta(days=days),
        created_by=issued_by if getattr(issued_by, "pk", None) else None,
    )
    access_log_write(
        context=None, user=issued_by, action=Action.TOKEN_ISSUE, object_type="api_token", object_id=str(token.pk),
        detail=f"user_id={user.pk}",
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, revoked_by: Any) -> ApiToken:
    """Revoke a token now (idempotent: revoking twice keeps the first time)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = revoked_by if getattr(revoked_by, "pk", None) else None
        token.save(update_fields=["revoked_at", "revoked_by"])
        access_log_write(
            context=None, user=revoked_by, action=Action.TOKEN_REVOKE, object_type="api_token",
            object_id=str(token.pk), detail=f"user_id={token.user_id}",
        )
    return token


# -- TOTP verification ----------------------------------------------------------------------------------------

OtpOutcome = Literal["ok", "wrong", "throttled"]


def _otp_check_locked(device: TOTPDevice | StaticDevice, token: str) -> OtpOutcome:
    """`device` must be locked by the caller's transaction (select_for_update)."""
    if not device.verify_is_allowed()[0]:
        return "throttled"
    return "ok" if device.verify_token(token) else "wrong"


@transaction.atomic
def otp_token_verify(
    *, user: Any, token: str, kind: Literal["totp", "backup"] = "totp",
) -> tuple[OtpOutcome, TOTPDevice | StaticDevice | None]:
    """Check a TOTP code (kind "totp") or a backup code (kind "backup") against `user`'s confirmed devices;
    either is accepted once only.

    django-otp's verify_token reads the device's used-counter (TOTP last_t) or the backup code row, checks it
    and then saves the new counter or deletes the row: two sessions sending the same code at once would both
    pass. The devices are therefore locked for the whole check: a row lock on PostgreSQL; on SQLite the
    transaction itself holds the database write lock (transaction_mode IMMEDIATE). The second session then
    sees the updated last_t or the deleted code and is refused.
    Returns ("ok", device), ("wrong", None) or ("throttled", None) when every device is in django-otp's back-off.
    """
    model: Any = StaticDevice if kind == "backup" else TOTPDevice
    if kind == "backup":
        token = backup_code_normalise(token)
    devices = list(model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk"))
    outcomes = []
    for device in devices:
        outcome = _otp_check_locked(device, token)
        if outcome == "ok":
            return "ok", device
        outcomes.append(outcome)
    if outcomes and all(o == "throttled" for o in outcomes):
        return "throttled", None
    return "wrong", None


# -- Backup codes: one-time codes for a professional who lost the phone (django-otp's static device) -----------

BACKUP_CODE_COUNT = 10


def backup_code_normalise(raw: str) -> str:
    """StaticToken.random_token() makes 8 lower-case base32 characters; accept them typed in any case, grouped."""
    return "".join(ch for ch in (raw or "").lower() if ch.isalnum())[:16]


def backup_codes_remaining(*, user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def backup_codes_issue(*, user: Any, issued_by: Any) -> list[str]:
    """Replace `user`'s backup codes with BACKUP_CODE_COUNT new ones and return them (shown once).

    The user's one static device is locked, so a login racing with the regeneration either uses an old code
    before it is replaced or finds it gone.
    """
    device = StaticDevice.objects.select_for_update().filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name="reservecodes", confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    # New codes start without the back-off that wrong guesses at the old ones built up.
    device.confirmed = True
    device.throttle_reset(commit=False)
    device.save()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    access_log_write(
        context=None, user=issued_by, action=Action.OTP_SETUP, object_type="user", object_id=str(user.pk),
        detail=f"backup=issued;count={BACKUP_CODE_COUNT}",
    )
    return [f"{code[:4]} {code[4:]}" for code in codes]


# -- Enrolment: the first (or, after a reset, a new) TOTP device needs a one-time code from an administrator ----

ENROLMENT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud or typed from paper
ENROLMENT_LENGTH = 16  # 16 x 5 bits = 80 bits
ENROLMENT_MAX_FAILURES = 5
MAX_ENROLMENT_DAYS = 90

EnrolmentOutcome = Literal["ok", "wrong", "exhausted", "expired", "throttled"]


def enrolment_code_normalise(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:64]


def _enrolment_active(user: Any):
    return EnrolmentCode.objects.filter(
        user=user, used_at__isnull=True, expires_at__gt=timezone.now(), failed_attempts__lt=ENROLMENT_MAX_FAILURES,
    )


@transaction.atomic
def enrolment_code_issue(
    *, user: User, issued_by: Any = None, reset_devices: bool = False, days: int | None = None,
) -> tuple[EnrolmentCode, str]:
    """Issue a one-time enrolment code for `user` (replacing any unused one). Returns the row and the raw code,
    grouped in fours (shown once; only its hash is stored).

    A user who still has a confirmed device cannot enrol another (the setup page refuses); with
    `reset_devices` (lost phone) those devices are deleted first, otherwise that is a ValidationError.
    """
    days = settings.OTP_ENROLMENT_DAYS if days is None else days
    if not 1 <= days <= MAX_ENROLMENT_DAYS:
        raise ValidationError({"days": [f"Een inschrijfcode is 1 tot {MAX_ENROLMENT_DAYS} dagen geldig."]})
    if not user.is_active:
        raise ValidationError({"user": ["Deze gebruiker is niet actief."]})
    devices = TOTPDevice.objects.filter(user=user)
    if devices.filter(confirmed=True).exists() and not reset_devices:
        raise ValidationError({"user": [
            "Deze gebruiker heeft al een authenticator-app. Reset eerst de tweestapsverificatie (bijvoorbeeld als de telefoon kwijt is)."
        ]})
    removed = devices.count() if reset_devices else 0
    if reset_devices:
        devices.delete()
        # The backup codes go with the app: they may have been kept with the lost phone.
        StaticDevice.objects.filter(user=user).delete()
    EnrolmentCode.objects.filter(user=user, used_at__isnull=True).delete()
    raw = "".join(secrets.choice(ENROLMENT_ALPHABET) for _ in range(ENROLMENT_LENGTH))
    now = timezone.now()
    code = EnrolmentCode.objects.create(
        user=user, code_hash=token_hash(raw), created_at=now, expires_at=now + timedelta(days=days),
        created_by=issued_by if getattr(issued_by, "pk", None) else None,
    )
    access_log_write(
        context=None, user=issued_by, action=Action.OTP_SETUP, object_type="user", object_id=str(user.pk),
        detail=f"enrolment=issued;devices_removed={removed}",
    )
    return code, "-".join(raw[i : i + 4] for i in range(0, ENROLMENT_LENGTH, 4))


@transaction.atomic
def otp_device_reset(*, device: TOTPDevice, reset_by: Any) -> tuple[EnrolmentCode, str]:
    """An administrator resets a user's second factor (lost phone): every device goes, a new enrolment code
    is issued for the user to set up a new app."""
    return enrolment_code_issue(user=device.user, issued_by=reset_by, reset_devices=True)


@transaction.atomic
def enrolment_code_check(*, user: Any, raw: str) -> tuple[EnrolmentOutcome, EnrolmentCode | None]:
    """Check `raw` against `user`'s active enrolment code (it is not used up yet: that happens when the device
    is confirmed). On success a fresh pending TOTP device replaces any earlier one, so a secret that was ever
    shown before the code was checked can never become the second factor.

    A wrong code counts against the active code; after ENROLMENT_MAX_FAILURES it stops working ("exhausted").
    """
    active = _enrolment_active(user).select_for_update().order_by("-created_at").first()
    if active is None:
        return "expired", None
    if not secrets.compare_digest(active.code_hash, token_hash(enrolment_code_normalise(raw))):
        active.failed_attempts += 1
        active.save(update_fields=["failed_attempts"])
        return ("exhausted" if active.failed_attempts >= ENROLMENT_MAX_FAILURES else "wrong"), None
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return "ok", active


def otp_pending_device(*, user: Any) -> TOTPDevice | None:
    """The unconfirmed device made by the last successful enrolment code check (read only)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


@transaction.atomic
def otp_enrolment_confirm(*, user: Any, enrolment_id: int, token: str) -> tuple[EnrolmentOutcome, TOTPDevice | None]:
    """Confirm the pending device with a TOTP code and use up the enrolment code, in one transaction.

    The enrolment code and the device are locked (see otp_token_verify): of sessions racing with the same
    codes exactly one succeeds; the others find the enrolment code used ("expired").
    """
    enrolment = _enrolment_active(user).select_for_update().filter(pk=enrolment_id).first()
    if enrolment is None:
        return "expired", None
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        return "expired", None
    outcome = _otp_check_locked(device, token)
    if outcome != "ok":
        return outcome, None
    enrolment.used_at = timezone.now()
    enrolment.save(update_fields=["used_at"])
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    access_log_write(
        context=None, user=user, action=Action.OTP_SETUP, object_type="user", object_id=str(user.pk),
        detail="enrolment=used",
    )
    return "ok", device
