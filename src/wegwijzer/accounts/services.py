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
from django_otp.plugins.otp_totp.models import TOTPDevice

from wegwijzer.audit.service import access_log_write

from .models import ApiToken, User
from .roles import all_roles

TOKEN_BYTES = 32


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def known_organisation_slugs() -> set[str] | None:
    """Slugs of the social map's organisations, or None when the social map is not available."""
    try:
        from wegwijzer.socialmap.models import Organization
    except ImportError:  # pragma: no cover - the social map app is always installed
        return None
    return set(Organization.objects.values_list("slug", flat=True))


def _validate_user_input(*, username: str, role: str, organisation_slug: str, password: str, email: str) -> None:
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
    if organisation_slug:
        slugs = known_organisation_slugs()
        if slugs is not None and organisation_slug not in slugs:
            errors.setdefault("organisation_slug", []).append(
                f"Onbekende organisatie ‘{organisation_slug}’. Gebruik de code van een organisatie op de sociale kaart."
            )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("email", []).append(f"‘{email}’ is geen geldig e-mailadres.")
    candidate = User(username=username, email=email, role=role, organisation_slug=organisation_slug)
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
    *, username: str, role: str, organisation_slug: str = "", password: str, email: str = "",
    created_by: Any = None,
) -> User:
    """Create an active user with a role (vocabulary role code or staff role) and an organisation.

    Raises ValidationError (a dict of field → Dutch messages) on a taken or invalid username, an unknown
    role or organisation slug, an invalid e-mail address or a password that breaks the password rules.
    """
    username = (username or "").strip()
    role = (role or "").strip()
    organisation_slug = (organisation_slug or "").strip()
    email = (email or "").strip()
    _validate_user_input(
        username=username, role=role, organisation_slug=organisation_slug, password=password, email=email
    )
    user = User(username=username, role=role, organisation_slug=organisation_slug, email=email)
    user.set_password(password)
    user.save()
    access_log_write(
        request=None, user=created_by, action="user_create", object_type="user", object_id=str(user.pk),
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
        request=None, user=issued_by, action="token_issue", object_type="api_token", object_id=str(token.pk),
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
            request=None, user=revoked_by, action="token_revoke", object_type="api_token",
            object_id=str(token.pk), detail=f"user_id={token.user_id}",
        )
    return token


# -- TOTP verification ----------------------------------------------------------------------------------------

OtpOutcome = Literal["ok", "wrong", "throttled"]


def _otp_check_locked(device: TOTPDevice, token: str) -> OtpOutcome:
    """`device` must be locked by the caller's transaction (select_for_update)."""
    if not device.verify_is_allowed()[0]:
        return "throttled"
    return "ok" if device.verify_token(token) else "wrong"


@transaction.atomic
def otp_token_verify(*, user: Any, token: str) -> tuple[OtpOutcome, TOTPDevice | None]:
    """Check a TOTP code against `user`'s confirmed devices; a code (time step) is accepted once only.

    django-otp's verify_token reads the device's used-counter (last_t), checks the code and then saves the new
    counter: two sessions sending the same code at once would both pass. The devices are therefore locked for
    the whole check: a row lock on PostgreSQL; on SQLite the transaction itself holds the database write lock
    (transaction_mode IMMEDIATE). The second session then sees the updated last_t and is refused.
    Returns ("ok", device), ("wrong", None) or ("throttled", None) when every device is in django-otp's back-off.
    """
    devices = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk"))
    outcomes = []
    for device in devices:
        outcome = _otp_check_locked(device, token)
        if outcome == "ok":
            return "ok", device
        outcomes.append(outcome)
    if outcomes and all(o == "throttled" for o in outcomes):
        return "throttled", None
    return "wrong", None
