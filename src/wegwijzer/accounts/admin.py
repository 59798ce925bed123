"""Admin for users (with role and organisation) and API tokens (issue: raw token shown once; revoke).

Everything here needs a two-factor verified session, and shows no case content.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .auth import is_verified
from .models import ApiToken, User
from .roles import all_roles
from .services import (
    api_token_issue,
    api_token_revoke,
    enrolment_code_issue,
    known_organization_slugs,
    otp_device_reset,
)


class VerifiedOnlyMixin:
    """Only active staff with a two-factor verified session (accounts and tokens are sensitive)."""

    def _allowed(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and is_verified(user)

    def has_module_permission(self, request):
        return self._allowed(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._allowed(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request) and super().has_delete_permission(request, obj)


def _role_choices():
    return [("", "—")] + sorted(all_roles().items())


class RoleOrganizationForm(forms.ModelForm):
    role = forms.TypedChoiceField(label=_("rol"), choices=_role_choices, required=False)

    def clean_organization_slug(self):
        slug = (self.cleaned_data.get("organization_slug") or "").strip()
        if slug:
            known = known_organization_slugs()
            if known is not None and slug not in known:
                raise ValidationError(
                    _("Onbekende organisatie ‘%(slug)s’. Gebruik de code van een organisatie op de sociale kaart."),
                    params={"slug": slug},
                )
        return slug


class WegwijzerUserChangeForm(RoleOrganizationForm, UserChangeForm):
    pass


class WegwijzerUserCreationForm(RoleOrganizationForm, AdminUserCreationForm):
    pass


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ("name", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = _("API-tokens (uitgeven en intrekken via API-tokens)")

    def has_add_permission(self, request, obj=None):
        return False


class RoleFilter(admin.SimpleListFilter):
    """Roles by their Dutch name, and accounts without a role (operators) as such, not as an empty link."""

    title = _("rol")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        used = set(model_admin.get_queryset(request).values_list("role", flat=True).distinct())
        labels = all_roles()
        return [(code or "-", labels.get(code, code) if code else _("(geen rol)")) for code in sorted(used)]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(role="" if value == "-" else value)


@admin.register(User)
class WegwijzerUserAdmin(VerifiedOnlyMixin, UserAdmin):
    form = WegwijzerUserChangeForm
    add_form = WegwijzerUserCreationForm
    list_display = ("username", "get_full_name", "role", "organization_slug", "is_active", "is_staff", "last_login")
    list_filter = (RoleFilter, "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email", "organization_slug")
    fieldsets = (
        *tuple(UserAdmin.fieldsets or ())[:1],
        (_("Rol en organisatie"), {"fields": ("role", "organization_slug")}),
        *tuple(UserAdmin.fieldsets or ())[1:],
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "role", "organization_slug", "usable_password",
                                                 "password1", "password2")}),
    )
    inlines = [ApiTokenInline]
    actions = ["issue_enrolment_codes"]

    def get_inlines(self, request, obj=None):
        return self.inlines if obj is not None else []

    @admin.action(description=_("Inschrijfcode voor tweestapsverificatie uitgeven"))
    def issue_enrolment_codes(self, request, queryset):
        """For new users (also those made here) and after a reset: one-time codes, shown once on the next page.
        Users who still have an authenticator app are skipped: reset it first (TOTP devices → delete)."""
        issued, skipped = [], []
        for user in queryset.order_by("username"):
            try:
                code, raw = enrolment_code_issue(user=user, issued_by=request.user)
            except ValidationError:
                skipped.append(user.get_username())
                continue
            issued.append((code, raw))
        return enrolment_codes_page(request, self.admin_site, issued=issued, skipped=skipped)


class ApiTokenIssueForm(forms.ModelForm):
    days = forms.IntegerField(label=_("geldig (dagen)"), min_value=1, max_value=3650, required=False,
                              help_text=_("Leeg: de standaardtermijn (API_TOKEN_DAYS)."))

    class Meta:
        model = ApiToken
        fields = ("user", "name")


@admin.register(ApiToken)
class ApiTokenAdmin(VerifiedOnlyMixin, admin.ModelAdmin):
    list_display = ("prefix", "name", "user", "created_at", "expires_at", "revoked_at", "last_used_at", "created_by")
    list_filter = ("revoked_at",)
    search_fields = ("=prefix", "user__username", "name")
    list_select_related = ("user", "created_by")
    ordering = ("-created_at",)
    actions = ["revoke_tokens"]
    readonly_fields = ("user", "name", "prefix", "created_at", "expires_at", "revoked_at", "revoked_by",
                       "created_by", "last_used_at")

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenIssueForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "name", "days")
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        # Tokens never change; the change page is a read-only view, revoking is an action.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:  # pragma: no cover - change is not permitted
            return
        token, raw = api_token_issue(
            user=form.cleaned_data["user"], issued_by=request.user, name=form.cleaned_data["name"] or "cli",
            days=form.cleaned_data.get("days"),
        )
        obj.pk = token.pk
        obj.__dict__.update({k: v for k, v in token.__dict__.items() if not k.startswith("_")})
        obj._state.adding = False
        obj._raw_token = raw

    def response_add(self, request, obj, post_url_continue=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "token": obj,
            "raw_token": getattr(obj, "_raw_token", ""),
            "title": _("API-token uitgegeven"),
        }
        response = TemplateResponse(request, "admin/accounts/apitoken/issued.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Geselecteerde tokens intrekken"))
    def revoke_tokens(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token, revoked_by=request.user)
            count += 1
        self.message_user(request, _("%(count)d token(s) ingetrokken.") % {"count": count}, messages.SUCCESS)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self._allowed(request):
            return {}
        return actions


# -- TOTP devices: an administrator may only look at and delete (reset) a user's device -----------------------
# django-otp's own admin shows each device's secret key and QR code, and lets staff add a device with a
# known key: either would let an administrator hold a professional's second factor. Replace it.

from django.core.exceptions import PermissionDenied  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402


def enrolment_codes_page(request, admin_site, *, issued, skipped=()) -> HttpResponse:
    context = {
        **admin_site.each_context(request),
        "issued": issued,
        "skipped": list(skipped),
        "setup_url": request.build_absolute_uri(reverse("accounts:otp-setup")),
        "title": _("Inschrijfcode uitgegeven"),
    }
    response = TemplateResponse(request, "admin/accounts/enrolment_issued.html", context)
    response["Cache-Control"] = "no-store"
    return response


class SafeTOTPDeviceAdmin(VerifiedOnlyMixin, TOTPDeviceAdmin):
    """Deleting a device is the reset after a lost phone: it issues a new enrolment code, shown once."""

    search_help_text = _("Zoek op gebruikersnaam of e-mailadres van de gebruiker.")  # django-otp's is English

    def get_actions(self, request):
        # The bulk delete would reset devices without handing out codes; delete one device at a time.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request, obj):
        request._wegwijzer_enrolment = otp_device_reset(device=obj, reset_by=request.user)

    def response_delete(self, request, obj_display, obj_id):
        issued = getattr(request, "_wegwijzer_enrolment", None)
        if issued is None:  # pragma: no cover - delete_model always sets it
            return super().response_delete(request, obj_display, obj_id)
        return enrolment_codes_page(request, self.admin_site, issued=[issued])

    def get_list_display(self, request):
        return [f for f in super().get_list_display(request) if f != "qrcode_link"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return [
            (name, {**options, "fields": [f for f in options.get("fields", []) if f != "key"]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "name", "confirmed", "created_at", "last_used_at", "step", "t0", "digits", "tolerance",
                "drift", "last_t", "throttling_failure_timestamp", "throttling_failure_count"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def config_view(self, request, pk):
        raise PermissionDenied

    def qrcode_view(self, request, pk):
        raise PermissionDenied


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, SafeTOTPDeviceAdmin)

# django-otp's admin for backup codes lists the codes themselves: administrators never see them (a user makes
# new ones after logging in; resetting the authenticator app above removes them).
import django_otp.plugins.otp_static.admin  # noqa: E402,F401 - registers first, so the unregister below holds
from django_otp.plugins.otp_static.models import StaticDevice  # noqa: E402

if admin.site.is_registered(StaticDevice):
    admin.site.unregister(StaticDevice)
