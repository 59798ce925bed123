"""The browser login on django-two-factor-auth: its login wizard (password, then the authenticator code or a
backup code) and set-up wizard (gated by the administrator's enrolment code), with our Dutch pages, django-axes
lockout, the access log and one-time codes that stay one-time under concurrency (the forms check them through
the locking services).

    /account/inloggen/                          login wizard, step "auth" (password)
    /account/tweestapsverificatie/              the same wizard, steps "token" and "backup"
    /account/tweestapsverificatie/instellen/    set-up wizard: "enrolment" (code), "generator" (QR + first code)
    /account/tweestapsverificatie/reservecodes/ backup codes: how many are left, make new ones (shown once)
"""

from __future__ import annotations

import time
from base64 import b32encode
from typing import Any, cast
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.forms import Form, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.views.core import BackupTokensView, LoginView, SetupView
from two_factor.views.utils import IdempotentSessionWizardView

from wegwijzer.audit.context import access_context
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.audit.service import access_log_write

from .auth import has_confirmed_device, is_verified, otp_required
from .forms import EnrolmentForm, LoginForm, SetupTokenForm, TokenForm
from .lockout import locked_by
from .models import ApiToken, User
from .roles import role_label
from .services import backup_codes_issue, backup_codes_remaining, otp_pending_device

Action = AccessLogEntry.Action

LOGIN_PREFIX = "login"
SETUP_PREFIX = "setup"
SESSION_LINK_CODE = "wegwijzer_enrolment_link_code"


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}" if next_url else reverse(name)


def _default_target() -> str:
    return resolve_url(settings.LOGIN_REDIRECT_URL)


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


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes' lockout page (settings.AXES_LOCKOUT_CALLABLE): the login form with a clear Dutch message."""
    form = LoginForm(request, initial={"username": (credentials or {}).get("username", "")})
    return render(
        request, "accounts/login.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next") or "", "locked": True,
         "locked_message": _locked_message(request), "management_prefix": LOGIN_PREFIX},
        status=429,
    )


def _with_management_form(request: HttpRequest, prefix: str, step: str | None) -> None:
    """Accept a form posted with its plain field names (a password manager, a script, an older page) as the
    wizard's current step: the step is what the server already has, so this grants nothing."""
    key = f"{prefix}-current_step"
    if key in request.POST or not step:
        return
    data = request.POST.copy()
    data[key] = step
    request.POST = data  # type: ignore[assignment]


def _bad_request_if_invalid(response: HttpResponse, form: Any) -> HttpResponse:
    if form is not None and form.is_bound and form.errors:
        response.status_code = 400
    return response


def _has_confirmed_device(user: Any) -> bool:
    return bool(user) and has_confirmed_device(user)


@method_decorator([sensitive_post_parameters("password", "code"), never_cache], name="dispatch")
class WegwijzerLoginView(LoginView):
    """django-two-factor-auth's login wizard. One class serves the password page and the code page (the
    wizard keeps its state in the session under one prefix), so each step has its own Dutch URL."""

    verify_page = False
    template_name = "accounts/login.html"
    form_list = (
        (LoginView.AUTH_STEP, LoginForm),
        (LoginView.TOKEN_STEP, TokenForm),
        (LoginView.BACKUP_STEP, TokenForm),
    )

    # The library's conditions ask for a device named "default"; any confirmed authenticator app counts here,
    # otherwise a user whose device has another name would log in with the password alone.
    def has_token_step(self) -> bool:
        return _has_confirmed_device(self.get_user())

    def has_backup_step(self) -> bool:
        return (_has_confirmed_device(self.get_user())
                and self.TOKEN_STEP not in self.storage.validated_step_data)

    condition_dict = {LoginView.TOKEN_STEP: has_token_step, LoginView.BACKUP_STEP: has_backup_step}

    def get_prefix(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        return LOGIN_PREFIX

    def get_form_prefix(self, step: str | None = None, form: Any = None) -> None:
        return None  # plain field names: username, password, code

    def get_template_names(self) -> list[str]:
        if self.steps.current == self.AUTH_STEP:
            return ["accounts/login.html"]
        return ["accounts/otp_verify.html"]

    def _pending(self) -> bool:
        return bool(self.get_user()) and not self.expired and self.storage.current_step in (
            self.TOKEN_STEP, self.BACKUP_STEP)

    def _adopt_password_session(self) -> bool:
        """A session that passed the password only (no second factor yet) continues at the code step."""
        user = self.request.user
        backend = self.request.session.get(BACKEND_SESSION_KEY)
        if not (user.is_authenticated and user.is_active and not is_verified(user) and backend
                and has_confirmed_device(user)):
            return False
        self.storage.reset()
        user.backend = backend  # type: ignore[union-attr]
        self.storage.authenticated_user = user
        self.storage.data["authentication_time"] = int(time.time())
        self.storage.current_step = self.TOKEN_STEP
        self.user_cache = None
        self.__dict__.pop("expired", None)  # a cached_property of the library's view
        return True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        next_url = self.get_redirect_url()
        if is_verified(request.user):
            return HttpResponseRedirect(next_url or _default_target())
        if not self.verify_page:
            return super().get(request, *args, **kwargs)
        if self._pending() or self._adopt_password_session():
            return self.render(self.get_form())
        return redirect_to_login(next_url or _default_target(), resolve_url(settings.LOGIN_URL))

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        request = self.request
        if self.verify_page:
            if not (self._pending() or self._adopt_password_session()):
                return redirect_to_login(self.get_redirect_url() or _default_target(),
                                         resolve_url(settings.LOGIN_URL))
            _with_management_form(request, LOGIN_PREFIX, self.storage.current_step)
        else:
            step = self.AUTH_STEP if "username" in request.POST else self.storage.current_step
            _with_management_form(request, LOGIN_PREFIX, step or self.AUTH_STEP)
        return super().post(*args, **kwargs)

    def get_form(self, step: str | None = None, **kwargs: Any) -> Any:
        # Not LoginView.get_form: it swaps in the library's token form, which checks codes without a lock.
        form = IdempotentSessionWizardView.get_form(self, step=step, **kwargs)
        if self.show_timeout_error:
            form.cleaned_data = getattr(form, "cleaned_data", {})
            form.add_error(None, ValidationError(_("De tijd om in te loggen is verstreken. Log opnieuw in.")))
        return form

    def get_form_kwargs(self, step: str | None = None) -> dict[str, Any]:
        if step == self.AUTH_STEP:
            return {"request": self.request}
        if step == self.TOKEN_STEP:
            return {"user": self.get_user(), "kind": "totp"}
        if step == self.BACKUP_STEP:
            return {"user": self.get_user(), "kind": "backup"}
        return {}

    def get_device(self, step: str | None = None) -> Any:
        user = self.get_user()
        if step == self.BACKUP_STEP or self.steps.current == self.BACKUP_STEP:
            return StaticDevice.objects.filter(user=user, confirmed=True).first()
        return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()

    def process_step(self, form: Any) -> Any:
        if self.steps.current == self.AUTH_STEP and form.is_valid():
            user = form.get_user()
            access_log_write(context=access_context(self.request), user=user, action=Action.LOGIN, detail="factor=password")
        return super().process_step(form)

    def render_next_step(self, form: Any, **kwargs: Any) -> HttpResponse:
        # Password right: on to the code page at its own address (post/redirect/get).
        self.storage.current_step = self.steps.next
        return HttpResponseRedirect(_with_next("accounts:otp-verify", self.get_redirect_url()))

    def render(self, form: Any = None, **kwargs: Any) -> HttpResponse:
        form = form or self.get_form()
        if form.is_bound and form.errors and self.steps.current in (self.TOKEN_STEP, self.BACKUP_STEP):
            user = self.get_user()
            detail = "backup" if self.steps.current == self.BACKUP_STEP else "verify"
            access_log_write(context=access_context(self.request), user=user or None, action=Action.OTP_FAILED, outcome="failure",
                             detail=detail)
        return _bad_request_if_invalid(super().render(form, **kwargs), form)

    def get_context_data(self, form: Any, **kwargs: Any) -> dict[str, Any]:
        # Not LoginView's: it names devices through the library's method registry (phone, e-mail...).
        context = super(LoginView, self).get_context_data(form, **kwargs)
        context["next"] = self.get_redirect_url()
        context["management_prefix"] = LOGIN_PREFIX
        if self.steps.current == self.TOKEN_STEP:
            context["backup_available"] = backup_codes_remaining(user=self.get_user()) > 0
        return context

    def done(self, form_list: Any, **kwargs: Any) -> HttpResponse:
        user = self.get_user()
        device = getattr(user, "otp_device", None)
        auth.login(self.request, user)  # django_otp's signal marks the session verified with `device`
        next_url = self.get_redirect_url()
        if device is None:
            # No authenticator app yet: the password opened a session that reaches only the set-up.
            return HttpResponseRedirect(_with_next("accounts:otp-setup", next_url))
        if isinstance(device, StaticDevice):
            detail = f"factor=backup;remaining={backup_codes_remaining(user=user)}"
        else:
            detail = "factor=totp"
        access_log_write(context=access_context(self.request), user=user, action=Action.LOGIN, detail=detail)
        return HttpResponseRedirect(next_url or _default_target())


@method_decorator([sensitive_post_parameters("code", "enrolment_code")], name="dispatch")
class WegwijzerSetupView(SetupView):
    """django-two-factor-auth's set-up wizard for an authenticator app, with our enrolment code as the first
    step: the password alone can neither enrol nor replace the second factor. The secret is the pending
    device made by the enrolment code check (a secret shown earlier can never become the second factor);
    confirming it and using up the enrolment code happen in one locked transaction (otp_enrolment_confirm).
    Afterwards ten backup codes are made and shown once."""

    ENROLMENT_STEP = "enrolment"
    GENERATOR_STEP = "generator"
    form_list = ((ENROLMENT_STEP, EnrolmentForm), (GENERATOR_STEP, SetupTokenForm))

    def get_prefix(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        return SETUP_PREFIX

    def get_form_prefix(self, step: str | None = None, form: Any = None) -> None:
        return None

    def get_form_list(self) -> Any:
        # Not SetupView's: that one builds the steps from the library's method registry.
        return IdempotentSessionWizardView.get_form_list(self)

    def get_template_names(self) -> list[str]:
        if self.steps.current == self.GENERATOR_STEP:
            return ["accounts/otp_setup.html"]
        return ["accounts/otp_enrolment.html"]

    def _enrolment_id(self) -> int | None:
        value = self.storage.validated_step_data.get(self.ENROLMENT_STEP) or {}
        return value.get("enrolment_id") if isinstance(value, dict) else None

    def get_form_kwargs(self, step: str | None = None) -> dict[str, Any]:
        if step == self.GENERATOR_STEP:
            return {"user": self.request.user, "enrolment_id": self._enrolment_id()}
        return {"user": self.request.user}

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and has_confirmed_device(request.user):
            next_url = self.get_redirect_url()
            if is_verified(request.user):
                return HttpResponseRedirect(next_url or _default_target())
            return HttpResponseRedirect(_with_next("accounts:otp-verify", next_url))
        return super().dispatch(request, *args, **kwargs)

    def _at_generator(self) -> bool:
        return (self.storage.current_step == self.GENERATOR_STEP and self._enrolment_id() is not None
                and otp_pending_device(user=self.request.user) is not None)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self._at_generator():  # a reload while scanning shows the same secret
            return self.render(self.get_form())
        self.storage.reset()
        self.storage.current_step = self.steps.first
        link_code = request.session.pop(SESSION_LINK_CODE, None)
        if link_code:
            # The code came with the link (see otp_setup): check it as if typed in.
            form = self.get_form(data={"enrolment_code": link_code})
            if form.is_valid():
                self.storage.validated_step_data[self.ENROLMENT_STEP] = form.cleaned_data
                return self.render_next_step(form)
            return self.render(form)
        return self.render(self.get_form())

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        _with_management_form(self.request, SETUP_PREFIX, self.storage.current_step or self.ENROLMENT_STEP)
        return super().post(*args, **kwargs)

    def process_step(self, form: Any) -> None:
        super().process_step(form)
        if self.steps.current == self.ENROLMENT_STEP:
            # A new pending device was made: forget any earlier secret.
            self.storage.extra_data["keys"] = {}
        return None  # the posted codes are not kept in the session

    def render_next_step(self, form: Any, **kwargs: Any) -> HttpResponse:
        self.storage.current_step = self.GENERATOR_STEP
        return HttpResponseRedirect(_with_next("accounts:otp-setup", self.get_redirect_url()))

    def render(self, form: Any = None, **kwargs: Any) -> HttpResponse:
        form = form or self.get_form()
        if form.is_bound and form.errors:
            detail = "setup" if self.steps.current == self.GENERATOR_STEP else "enrolment_code"
            access_log_write(context=access_context(self.request), user=self.request.user, action=Action.OTP_FAILED,
                             outcome="failure", detail=detail)
            if getattr(form, "enrolment_expired", False):
                # The enrolment code was used up elsewhere or expired: start again at step 1.
                self.storage.reset()
        return _bad_request_if_invalid(super().render(form, **kwargs), form)

    def get_context_data(self, form: Any, **kwargs: Any) -> dict[str, Any]:
        # Not SetupView's: it names the issuer after the Sites framework and serves the QR code from a view
        # that reads the secret from the session; ours is an inline SVG data URI (CSP img-src data:).
        context = IdempotentSessionWizardView.get_context_data(self, form, **kwargs)
        context["next"] = self.get_redirect_url()
        context["management_prefix"] = SETUP_PREFIX
        if self.steps.current == self.GENERATOR_STEP:
            device = otp_pending_device(user=self.request.user)
            if device is not None:
                secret = b32encode(device.bin_key).decode("ascii")
                url = _config_url(device, secret)
                context.update({
                    "qr_data_uri": segno.make(url, error="m").svg_data_uri(scale=5, border=4),
                    "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
                    "otpauth_url": url,
                })
        return context

    def done(self, form_list: Any, **kwargs: Any) -> HttpResponse:
        user = cast(User, self.request.user)
        validated = self.storage.validated_step_data.get(self.GENERATOR_STEP) or {}
        device = TOTPDevice.objects.get(user=user, pk=validated["device_id"], confirmed=True)
        otp_login(self.request, device)
        access_log_write(context=access_context(self.request), user=user, action=Action.LOGIN, detail="factor=totp")
        codes = backup_codes_issue(user=user, issued_by=user)
        response = TemplateResponse(self.request, "accounts/setup_complete.html", {
            "codes": codes, "next": self.get_redirect_url() or _default_target(),
        })
        response["Cache-Control"] = "no-store"
        return response


def _config_url(device: TOTPDevice, secret: str) -> str:
    label = quote(f"Wegwijzer:{device.user.get_username()}")
    params = urlencode({"secret": secret, "algorithm": "SHA1", "digits": device.digits, "period": device.step})
    return f"otpauth://totp/{label}?{params}&issuer=Wegwijzer"


login_view = WegwijzerLoginView.as_view()
otp_verify = WegwijzerLoginView.as_view(verify_page=True)
_setup_wizard = WegwijzerSetupView.as_view()


@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """The set-up wizard, after two things that must happen before its login check:

    - the link form (`?code=…`) keeps the code in the session and redirects to the same page without it, so
      the code does not stay in the address bar, the history or a login redirect;
    - someone half-way through the login (password right, code to come) is sent to the code page.
    """
    if "code" in request.GET:
        request.session[SESSION_LINK_CODE] = request.GET["code"][:64]
        rest = request.GET.copy()
        del rest["code"]
        return HttpResponseRedirect(reverse("accounts:otp-setup") + (f"?{rest.urlencode()}" if rest else ""))
    if not request.user.is_authenticated:
        pending = request.session.get(f"wizard_{LOGIN_PREFIX}") or {}
        if isinstance(pending, dict) and pending.get("user_pk"):
            return HttpResponseRedirect(_with_next("accounts:otp-verify", request.GET.get("next", "")))
        return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
    return _setup_wizard(request)


class WegwijzerBackupCodesView(BackupTokensView):
    """The library's backup-token page, but the codes are shown once, when made, and never listed again."""

    form_class = Form
    template_name = "accounts/backup_codes.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super(BackupTokensView, self).get_context_data(**kwargs)
        context["remaining"] = backup_codes_remaining(user=self.request.user)
        return context

    def form_valid(self, form: Form) -> HttpResponse:
        codes = backup_codes_issue(user=self.request.user, issued_by=self.request.user)
        response = self.render_to_response({**self.get_context_data(form=form), "codes": codes})
        response["Cache-Control"] = "no-store"
        return response


backup_codes = otp_required(WegwijzerBackupCodesView.as_view())


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        access_log_write(context=access_context(request), user=request.user, action=Action.LOGOUT)
    auth.logout(request)
    return HttpResponseRedirect(resolve_url(settings.LOGOUT_REDIRECT_URL))


@otp_required
@never_cache
def account_overview(request: HttpRequest) -> HttpResponse:
    """'Mijn account': who am I here, on whose behalf, my backup codes and my active API tokens (prefixes only)."""
    user = cast(User, request.user)
    tokens = ApiToken.objects.active().filter(user=user).order_by("-created_at")
    return render(request, "accounts/overview.html", {
        "role_label": role_label(user.role), "tokens": tokens,
        "backup_remaining": backup_codes_remaining(user=user),
    })
