"""Authentication gates: two-factor for web views, bearer tokens (or a verified session) for the JSON API.

    @otp_required            # web views that show case data
    def case_detail(request, gezinsplan_id): ...

    router = Router(auth=API_AUTH)  # JSON API: bearer token, or a 2FA session with CSRF on unsafe methods
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer

from wegwijzer.core.apikit import ApiError
from wegwijzer.core.prepared import PreparedQuery

from .models import ApiToken, User

LAST_USED_GRANULARITY = timedelta(minutes=1)
CSRF_DETAIL = "CSRF-controle mislukt: ververs de pagina en probeer het opnieuw."
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def has_confirmed_device(user: Any) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(user: Any) -> bool:
    """Logged in with password AND a second factor in this session (django_otp's OTPMiddleware)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def second_factor_url(request: HttpRequest) -> str:
    """Where an authenticated but unverified user goes: setting up TOTP the first time, else verifying."""
    name = "accounts:otp-verify" if has_confirmed_device(request.user) else "accounts:otp-setup"
    return f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"


def otp_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Web views: anonymous → login (with ?next=); logged in without second factor → OTP setup/verify."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
        if not is_verified(user):
            return HttpResponseRedirect(second_factor_url(request))
        return view(request, *args, **kwargs)

    return wrapper


def _bearer_token(request: HttpRequest) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, value = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    value = value.strip()
    return value if value and len(value) <= 200 else None


_TOKEN_FIELDS = tuple(f.attname for f in ApiToken._meta.concrete_fields)
_USER_FIELDS = tuple(f.attname for f in User._meta.concrete_fields)

# `ApiToken.objects.active()` by hash with its user, as plain values, compiled once per process: every API
# request runs it, and building the two model instances through select_related cost more than the query.
_ACTIVE_TOKEN = PreparedQuery(
    lambda token_hash, now: ApiToken.objects.filter(
        revoked_at__isnull=True, expires_at__gt=now, user__is_active=True, token_hash=token_hash
    ).order_by("pk").values_list(*_TOKEN_FIELDS, *(f"user__{name}" for name in _USER_FIELDS))[:1],
    token_hash=ApiToken._meta.get_field("token_hash"),
    now=ApiToken._meta.get_field("expires_at"),
)


def api_user(request: HttpRequest) -> User | None:
    """The active user of a valid `Authorization: Bearer TOKEN` (not revoked, not expired), else None.

    Records the token's last use at most once a minute.
    """
    raw = _bearer_token(request)
    if raw is None:
        return None
    from .services import token_hash

    now = timezone.now()
    rows = _ACTIVE_TOKEN.rows(token_hash=token_hash(raw), now=now)
    if not rows:
        return None
    split = len(_TOKEN_FIELDS)
    token = ApiToken.from_db(DEFAULT_DB_ALIAS, _TOKEN_FIELDS, rows[0][:split])
    user = User.from_db(DEFAULT_DB_ALIAS, _USER_FIELDS, rows[0][split:])
    token.user = user
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user.api_token = token  # type: ignore[attr-defined]
    return user


def _csrf_rejected(request: HttpRequest) -> bool:
    def _noop(req: HttpRequest) -> HttpResponse:  # a callback without csrf_exempt; never called
        return HttpResponse()

    middleware = CsrfViewMiddleware(_noop)
    middleware.process_request(request)
    return middleware.process_view(request, _noop, (), {}) is not None


# ---- the gate of the one API (django-ninja): `auth=API_AUTH` on a router or operation ----


class BearerToken(HttpBearer):
    """`Authorization: Bearer TOKEN`. A header that is present but invalid is a 401 at once: it never falls
    through to the session (an integration with a bad token must not act as whoever shares its browser)."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.META.get("HTTP_AUTHORIZATION"):
            return None
        user = api_user(request)
        if user is None:
            raise AuthenticationError()
        request.user = user
        request.auth_method = "token"  # type: ignore[attr-defined]
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:  # pragma: no cover - __call__ decides
        return None


class VerifiedSession(APIKeyCookie):
    """A browser session that has passed two-factor login; ninja's cookie auth enforces CSRF on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        if request.META.get("HTTP_AUTHORIZATION"):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active or not is_verified(user):
            return None
        if request.method not in SAFE_METHODS and _csrf_rejected(request):
            raise ApiError(403, CSRF_DETAIL)
        request.auth_method = "session"  # type: ignore[attr-defined]
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover - __call__ decides
        return None


API_AUTH = [BearerToken(), VerifiedSession()]
