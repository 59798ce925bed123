from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Gebruikersnaam"), max_length=150)
    password = forms.CharField(label=_("Wachtwoord"), strip=False, max_length=1024, widget=forms.PasswordInput)


class TokenForm(forms.Form):
    code = forms.CharField(
        label=_("Code uit uw authenticator-app"),
        min_length=6,
        max_length=6,
        error_messages={
            "required": _("Vul de zescijferige code in."),
            "min_length": _("De code heeft zes cijfers."),
            "max_length": _("De code heeft zes cijfers."),
        },
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError(_("De code bestaat alleen uit cijfers."))
        return code


class EnrolmentForm(forms.Form):
    enrolment_code = forms.CharField(
        label=_("Inschrijfcode"),
        max_length=64,
        error_messages={
            "required": _("Vul de inschrijfcode in die u van de beheerder kreeg."),
            "max_length": _("Deze inschrijfcode klopt niet of is verlopen."),
        },
    )
