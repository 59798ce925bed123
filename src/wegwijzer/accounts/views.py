"""The browser login: password (with lockout), then a TOTP second factor (set up once), and logout."""

from __future__ import annotations

from base64 import b32encode
from typing import Any, cast

import segno
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from wegwijzer.audit.service import access_log_write

from .auth import has_confirmed_device, is_verified, otp_required
from .forms import EnrolmentForm, LoginForm, TokenForm
from .lockout import locked_by
from .models import ApiToken, User
from .roles import role_label
from .services import enrolment_code_check, otp_enrolment_confirm, otp_pending_device, otp_token_verify


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    try:
        return resolve_url(settings.LOGIN_REDIRECT_URL)
    except NoReverseMatch:
        return "/"


def _with_next(name: str, next_url: str) -> str:
    from urllib.parse import urlencode

    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _locked_message(request: HttpRequest) -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else 30
    if locked_by(request) == "address":
        return _(
            "Inloggen vanaf dit netwerk is tijdelijk geblokkeerd na te veel mislukte inlogpogingen. "
            "Probeer het over %(minutes)s minuten opnieuw of neem contact op met de beheerder."
        ) % {"minutes": minutes}
    return _(
        "Uw account is tijdelijk geblokkeerd na te veel mislukte inlogpogingen. "
        "Probeer het over %(minutes)s minuten opnieuw of neem contact op met de beheerder."
    ) % {"minutes": minutes}


def _render_login(request: HttpRequest, form: LoginForm, *, locked: bool = False, status: int = 200) -> HttpResponse:
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next") or "", "locked": locked,
         "locked_message": _locked_message(request) if locked else ""},
        status=status,
    )


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes' lockout page (settings.AXES_LOCKOUT_CALLABLE): the login form with a clear Dutch message."""
    form = LoginForm(initial={"username": (credentials or {}).get("username", "")})
    return _render_login(request, form, locked=True, status=429)


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        if request.user.is_authenticated and is_verified(request.user):
            return HttpResponseRedirect(_safe_next(request))
        return _render_login(request, LoginForm())
    form = LoginForm(request.POST)
    if not form.is_valid():
        return _render_login(request, form, status=400)
    username = form.cleaned_data["username"]
    user = auth.authenticate(request, username=username, password=form.cleaned_data["password"])
    if getattr(request, "axes_locked_out", False):
        access_log_write(request=request, user=None, action="login_failed", outcome="denied",
                         detail=f"locked={locked_by(request) or 'username'}", username=username)
        return _render_login(request, form, locked=True, status=429)
    if user is None:
        access_log_write(request=request, user=None, action="login_failed", outcome="failure",
                         detail="password", username=username)
        form.add_error(None, _("De gebruikersnaam of het wachtwoord klopt niet."))
        return _render_login(request, form, status=400)
    auth.login(request, user)
    access_log_write(request=request, user=user, action="login", detail="factor=password")
    next_url = _safe_next(request)
    name = "accounts:otp-verify" if has_confirmed_device(user) else "accounts:otp-setup"
    return HttpResponseRedirect(_with_next(name, next_url))


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _config_url(device: TOTPDevice) -> str:
    # OTP_TOTP_ISSUER is not set project-wide; name the issuer here so the app shows "Wegwijzer".
    from urllib.parse import quote, urlencode

    secret = b32encode(device.bin_key).decode("ascii")
    label = quote(f"Wegwijzer:{device.user.get_username()}")
    params = urlencode({"secret": secret, "algorithm": "SHA1", "digits": device.digits, "period": device.step})
    return f"otpauth://totp/{label}?{params}&issuer=Wegwijzer"


SESSION_LINK_CODE = "wegwijzer_enrolment_link_code"
SESSION_ENROLMENT = "wegwijzer_enrolment"

ENROLMENT_ERRORS = {
    "wrong": _lazy("Deze inschrijfcode klopt niet of is verlopen. Controleer de code of vraag de beheerder om een nieuwe."),
    "expired": _lazy("Deze inschrijfcode klopt niet of is verlopen. Controleer de code of vraag de beheerder om een nieuwe."),
    "exhausted": _lazy("Te veel onjuiste inschrijfcodes: deze code werkt niet meer. Vraag de beheerder om een nieuwe."),
}


def _session_enrolment(request: HttpRequest) -> int | None:
    value = request.session.get(SESSION_ENROLMENT)
    if isinstance(value, list) and len(value) == 2 and value[0] == request.user.pk:
        return int(value[1])
    return None


@sensitive_post_parameters("code", "enrolment_code")
@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app, in two steps: the one-time enrolment code from an administrator, then the
    QR code and a first TOTP code. Refused once a device is confirmed (verify instead), so someone who only
    knows the password can neither enrol nor replace the second factor.

    The link form (`?code=…`) keeps the code in the session and redirects to the same page without it, so
    the code does not stay in the address bar, the history or a login redirect.
    """
    if "code" in request.GET:
        request.session[SESSION_LINK_CODE] = request.GET["code"][:64]
        rest = request.GET.copy()
        del rest["code"]
        return HttpResponseRedirect(reverse("accounts:otp-setup") + (f"?{rest.urlencode()}" if rest else ""))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
    next_url = _safe_next(request)
    if has_confirmed_device(request.user):
        return HttpResponseRedirect(_with_next("accounts:otp-verify", next_url))
    enrolment_id = _session_enrolment(request)
    if enrolment_id is None or otp_pending_device(user=request.user) is None:
        return _enrolment_step(request, next_url)
    device = cast(TOTPDevice, otp_pending_device(user=request.user))
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            outcome, confirmed = otp_enrolment_confirm(
                user=request.user, enrolment_id=enrolment_id, token=form.cleaned_data["code"]
            )
            if outcome == "ok":
                request.session.pop(SESSION_ENROLMENT, None)
                otp_login(request, confirmed)
                access_log_write(request=request, user=request.user, action="login", detail="factor=totp")
                return HttpResponseRedirect(next_url)
            if outcome == "expired":
                request.session.pop(SESSION_ENROLMENT, None)
                form.add_error("code", ENROLMENT_ERRORS["expired"])
            elif outcome == "throttled":
                form.add_error("code", _("Te veel onjuiste codes. Wacht even en probeer het daarna opnieuw."))
            else:
                form.add_error("code", _("Deze code klopt niet. Controleer de tijd op uw telefoon en probeer het opnieuw."))
        access_log_write(request=request, user=request.user, action="otp_failed", outcome="failure", detail="setup")
        status = 400
    url = _config_url(device)
    secret = b32encode(device.bin_key).decode("ascii")
    qr = segno.make(url, error="m")
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr_data_uri": qr.svg_data_uri(scale=5, border=4), "secret": _grouped(secret),
         "otpauth_url": url, "next": next_url},
        status=status,
    )


def _enrolment_step(request: HttpRequest, next_url: str) -> HttpResponse:
    """Step 1 of the setup: the enrolment code, typed in or from the link (kept in the session)."""
    link_code = request.session.pop(SESSION_LINK_CODE, None)
    data = request.POST if request.method == "POST" else ({"enrolment_code": link_code} if link_code else None)
    form = EnrolmentForm(data)
    status = 200
    if data is not None:
        if form.is_valid():
            outcome, enrolment = enrolment_code_check(user=request.user, raw=form.cleaned_data["enrolment_code"])
            if outcome == "ok" and enrolment is not None:
                request.session[SESSION_ENROLMENT] = [request.user.pk, enrolment.pk]
                return HttpResponseRedirect(_with_next("accounts:otp-setup", next_url))
            form.add_error("enrolment_code", ENROLMENT_ERRORS.get(outcome, ENROLMENT_ERRORS["wrong"]))
        access_log_write(request=request, user=request.user, action="otp_failed", outcome="failure",
                         detail="enrolment_code")
        status = 400
    return render(request, "accounts/otp_enrolment.html", {"form": form, "next": next_url}, status=status)


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
    next_url = _safe_next(request)
    if is_verified(request.user) and request.method == "GET":
        return HttpResponseRedirect(next_url)
    if not has_confirmed_device(request.user):
        return HttpResponseRedirect(_with_next("accounts:otp-setup", next_url))
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            outcome, device = otp_token_verify(user=request.user, token=form.cleaned_data["code"])
            if outcome == "ok":
                otp_login(request, device)
                access_log_write(request=request, user=request.user, action="login", detail="factor=totp")
                return HttpResponseRedirect(next_url)
            if outcome == "throttled":
                form.add_error("code", _("Te veel onjuiste codes. Wacht even en probeer het daarna opnieuw."))
            else:
                form.add_error("code", _("Deze code klopt niet. Controleer de tijd op uw telefoon en probeer het opnieuw."))
        access_log_write(request=request, user=request.user, action="otp_failed", outcome="failure", detail="verify")
        status = 400
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        access_log_write(request=request, user=request.user, action="logout")
    auth.logout(request)
    try:
        target = resolve_url(settings.LOGOUT_REDIRECT_URL)
    except NoReverseMatch:
        target = "/"
    return HttpResponseRedirect(target)


@otp_required
@never_cache
def account_overview(request: HttpRequest) -> HttpResponse:
    """'Mijn account': who am I here, on whose behalf, and my active API tokens (prefixes only)."""
    user = cast(User, request.user)
    tokens = ApiToken.objects.active().filter(user=user).order_by("-created_at")
    return render(request, "accounts/overview.html", {"role_label": role_label(user.role), "tokens": tokens})
