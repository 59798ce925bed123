"""The forms of the django-two-factor-auth wizards (login and set-up), in Dutch.

The one-time checks run in the forms' clean methods, through the locking services (like the library's own
AuthenticationTokenForm, they are not idempotent: `idempotent = False` tells the wizard not to run them twice).
"""

from __future__ import annotations

from typing import Any, Literal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from wegwijzer.audit.context import access_context
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.audit.service import access_log_write

from .lockout import locked_by
from .services import enrolment_code_check, otp_enrolment_confirm, otp_token_verify

Action = AccessLogEntry.Action

WRONG_TOTP = _("Deze code klopt niet. Controleer de tijd op uw telefoon en probeer het opnieuw.")
THROTTLED = _("Te veel onjuiste codes. Wacht even en probeer het daarna opnieuw.")
ENROLMENT_ERRORS = {
    "wrong": _("Deze inschrijfcode klopt niet of is verlopen. Controleer de code of vraag de beheerder om een nieuwe."),
    "expired": _("Deze inschrijfcode klopt niet of is verlopen. Controleer de code of vraag de beheerder om een nieuwe."),
    "exhausted": _("Te veel onjuiste inschrijfcodes: deze code werkt niet meer. Vraag de beheerder om een nieuwe."),
}


class LoginForm(AuthenticationForm):
    """Step 1 of the login wizard. django-axes counts the failures (its backend runs in authenticate())."""

    error_messages = {
        "invalid_login": _("De gebruikersnaam of het wachtwoord klopt niet."),
        "inactive": _("De gebruikersnaam of het wachtwoord klopt niet."),
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Gebruikersnaam")
        # A cap, so a megabyte "password" is a form error rather than a slow hash.
        self.fields["password"] = forms.CharField(label=_("Wachtwoord"), strip=False, max_length=1024,
                                                  widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            username = self.cleaned_data.get("username", "")
            if getattr(self.request, "axes_locked_out", False):
                access_log_write(context=access_context(self.request), user=None, action=Action.LOGIN_FAILED, outcome="denied",
                                 detail=f"locked={locked_by(self.request) or 'username'}", username=username)
            else:
                access_log_write(context=access_context(self.request), user=None, action=Action.LOGIN_FAILED, outcome="failure",
                                 detail="password", username=username)
            raise


class TokenForm(forms.Form):
    """A code from the authenticator app (kind "totp") or a backup code (kind "backup"), checked once only."""

    idempotent = False
    code = forms.CharField(label=_("Code uit uw authenticator-app"), max_length=32,
                           error_messages={"required": _("Vul de zescijferige code in.")})

    def __init__(self, user: Any, kind: Literal["totp", "backup"] = "totp", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user
        self.kind = kind
        if kind == "backup":
            self.fields["code"].label = _("Reservecode")
            self.fields["code"].error_messages["required"] = _("Vul een van uw reservecodes in.")

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if self.kind == "totp":
            if not code.isdigit():
                raise forms.ValidationError(_("De code bestaat alleen uit cijfers."))
            if len(code) != 6:
                raise forms.ValidationError(_("De code heeft zes cijfers."))
        if not self.user:
            raise forms.ValidationError(WRONG_TOTP)
        outcome, device = otp_token_verify(user=self.user, token=code, kind=self.kind)
        if outcome == "throttled":
            raise forms.ValidationError(THROTTLED)
        if outcome != "ok" or device is None:
            if self.kind == "backup":
                raise forms.ValidationError(_("Deze reservecode klopt niet of is al gebruikt."))
            raise forms.ValidationError(WRONG_TOTP)
        # Like django_otp's OTPAuthenticationForm: django_otp's login signal stores it in the session.
        self.user.otp_device = device
        return ""  # the code itself is not kept in the wizard's session data


class EnrolmentForm(forms.Form):
    """Step 1 of the set-up wizard: the one-time enrolment code from an administrator."""

    idempotent = False
    enrolment_code = forms.CharField(
        label=_("Inschrijfcode"),
        max_length=64,
        error_messages={
            "required": _("Vul de inschrijfcode in die u van de beheerder kreeg."),
            "max_length": _("Deze inschrijfcode klopt niet of is verlopen."),
        },
    )

    def __init__(self, user: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        raw = self.cleaned_data.get("enrolment_code")
        if raw is None:
            return self.cleaned_data
        outcome, enrolment = enrolment_code_check(user=self.user, raw=raw)
        if outcome != "ok" or enrolment is None:
            self.add_error("enrolment_code", ENROLMENT_ERRORS.get(outcome, ENROLMENT_ERRORS["wrong"]))
            return self.cleaned_data
        # Only the row's id goes into the wizard's session data, never the code.
        self.cleaned_data = {"enrolment_id": enrolment.pk}
        return self.cleaned_data


class SetupTokenForm(forms.Form):
    """Step 2 of the set-up wizard: the first code of the new app confirms the device and uses up the code."""

    idempotent = False
    code = forms.CharField(label=_("Code uit uw authenticator-app"), max_length=32,
                           error_messages={"required": _("Vul de zescijferige code in.")})

    def __init__(self, user: Any, enrolment_id: int | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user
        self.enrolment_id = enrolment_id
        self.enrolment_expired = False

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit():
            raise forms.ValidationError(_("De code bestaat alleen uit cijfers."))
        if len(code) != 6:
            raise forms.ValidationError(_("De code heeft zes cijfers."))
        if self.enrolment_id is None:
            self.enrolment_expired = True
            raise forms.ValidationError(ENROLMENT_ERRORS["expired"])
        outcome, device = otp_enrolment_confirm(user=self.user, enrolment_id=self.enrolment_id, token=code)
        if outcome == "expired":
            self.enrolment_expired = True
            raise forms.ValidationError(ENROLMENT_ERRORS["expired"])
        if outcome == "throttled":
            raise forms.ValidationError(THROTTLED)
        if outcome != "ok" or device is None:
            raise forms.ValidationError(WRONG_TOTP)
        self.cleaned_data["device_id"] = device.pk
        return ""
