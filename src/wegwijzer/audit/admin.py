"""The access log in the admin: read-only, for two-factor verified superusers, and only ids (never case content)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AccessLogEntry


class LabelledValuesFilter(admin.AllValuesFieldListFilter):
    """Django's "all values" filter, but an empty value (an operator without a role) is a link named "(leeg)"
    instead of an unnamed link."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            if choice.get("display") == "":
                choice = {**choice, "display": _("(leeg)")}
            yield choice


def _superuser_verified(request) -> bool:
    # django_otp's OTPMiddleware puts is_verified() on the user (password AND second factor this session);
    # asked directly so the audit app needs nothing from accounts (accounts writes to the audit log).
    user = request.user
    check = getattr(user, "is_verified", None)
    return bool(user.is_active and user.is_superuser and callable(check) and check())


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "username", "role", "organization_slug", "action", "outcome", "gezinsplan_id",
                    "object_type", "object_id", "client_address")
    list_filter = ("action", "outcome", ("role", LabelledValuesFilter))
    search_fields = ("=gezinsplan_id", "=username", "=event_id", "=client_address")
    date_hierarchy = "occurred_at"
    ordering = ("-occurred_at", "-id")
    fields = ("event_id", "occurred_at", "action", "outcome", "user_id", "username", "role",
              "organization_slug", "gezinsplan_id", "object_type", "object_id", "client_address", "detail")
    readonly_fields = fields
    actions = None
    show_full_result_count = False

    def has_module_permission(self, request):
        return _superuser_verified(request)

    def has_view_permission(self, request, obj=None):
        return _superuser_verified(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
