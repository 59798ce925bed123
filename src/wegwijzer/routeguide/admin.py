from django.contrib import admin

from .models import AdviceTally


@admin.register(AdviceTally)
class AdviceTallyAdmin(admin.ModelAdmin):
    list_display = ("date", "phase", "reporter", "wijk", "content_version")
    list_filter = ("phase", "reporter", "wijk", "content_version")
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
