"""The social map in the Django admin: every model editable, every change kept (django-simple-history:
who, when, what changed, revert to an earlier version)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import (
    Contact,
    Correction,
    Funding,
    Location,
    Organization,
    Phone,
    Role,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    WaitTime,
    Wijk,
)


class _ValidChoicesOnly:
    """Autocomplete widgets look up the submitted ids when they re-render a form with errors; an id that
    is not a UUID would raise there (a 500). Drop such values: the field itself already reports them."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.get_field(self.field.remote_field.field_name)
        valid = []
        for item in value:
            try:
                target.to_python(item)
            except ValidationError:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)  # type: ignore[misc]


class SafeAutocompleteSelect(_ValidChoicesOnly, AutocompleteSelect):
    pass


class SafeAutocompleteMixin:
    """Use the bad-id-tolerant autocomplete widget for every autocomplete foreign key."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):  # type: ignore[attr-defined]
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))  # type: ignore[attr-defined]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]



class RealChangesHistoryAdmin(SimpleHistoryAdmin):
    """One history row per real change, none for a save that changes nothing.

    django-simple-history writes a row on every save and one more per many-to-many signal, which Django sends
    even when the set of terms is the same: a form saved unchanged showed as a change, and a change of the
    terms as two or three rows, the first with the old terms. Compared with the stored row (not the form's
    initial values), so a revert to an older version is a change too.
    """

    @staticmethod
    def _fields_differ(obj) -> bool:
        stored = type(obj)._default_manager.filter(pk=obj.pk).first()
        if stored is None:
            return True
        return any(getattr(stored, f.attname) != getattr(obj, f.attname)
                   for f in obj._meta.concrete_fields if not getattr(f, "auto_now", False))

    @staticmethod
    def _m2m_differ(form) -> bool:
        obj = form.instance
        for field in obj._meta.many_to_many:
            if field.name in form.cleaned_data:
                wanted = {each.pk for each in form.cleaned_data[field.name]}
                if wanted != set(getattr(obj, field.name).values_list("pk", flat=True)):
                    return True
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        request._wegwijzer_m2m_differ = self._m2m_differ(form)  # before the save: the stored terms
        if not self._fields_differ(obj):
            return None  # nothing to save; its modification time stays the time of its last real change
        if request._wegwijzer_m2m_differ:
            obj.save_without_historical_record()  # the row is written once the terms are saved too
            return None
        return super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if not change:  # a new record: its terms arrive as a change right after its "+" row
            return super().save_related(request, form, formsets, change)
        obj = form.instance
        obj.skip_history_when_saving = True  # Django's m2m signals: one row is written below, if any
        try:
            super().save_related(request, form, formsets, change)
        finally:
            del obj.skip_history_when_saving
        if getattr(request, "_wegwijzer_m2m_differ", False):
            obj.save()  # one history row, with the new terms
        return None


class TermFilter(admin.SimpleListFilter):
    """Filter records on one taxonomy's terms (law, phase, domain, access)."""

    taxonomy: str = ""

    def lookups(self, request, model_admin):
        return [(t.code, t.name) for t in TaxonomyTerm.objects.filter(taxonomy=self.taxonomy).order_by("name")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(terms__taxonomy=self.taxonomy, terms__code=self.value()).distinct()
        return queryset


class LawFilter(TermFilter):
    title = _("wet")
    parameter_name = "wet"
    taxonomy = Taxonomy.LAW


class PhaseFilter(TermFilter):
    title = _("fase")
    parameter_name = "fase"
    taxonomy = Taxonomy.PHASE


class DomainFilter(TermFilter):
    title = _("domein")
    parameter_name = "domein"
    taxonomy = Taxonomy.DOMAIN


class AccessFilter(TermFilter):
    title = _("toegang")
    parameter_name = "toegang"
    taxonomy = Taxonomy.ACCESS


RECORD_FIELDSETS = (
    (None, {"fields": ("slug", "name", "alternate_name", "summary", "description")}),
    (_("Voor wie en hoe"), {"fields": ("target_group", "conditions", "application_process", "availability",
                                        "office_hours_only")}),
    (_("Kenmerken"), {"fields": ("terms",)}),
    (_("Contact en links"), {"fields": ("email", "website", "links")}),
    (_("Herkomst"), {"fields": ("sources", "assured_date", "unconfirmed_source")}),
)


@admin.action(description=_("Vandaag gecontroleerd (laatst gecontroleerd op vandaag, bron bevestigd)"),
              permissions=["change"])
def mark_checked_today(modeladmin, request, queryset):
    """A person checked these records now: the HSDS assured_date is that day (one history row each)."""
    from django.utils import timezone

    today = timezone.localdate()
    with transaction.atomic():
        for obj in queryset:
            obj.assured_date, obj.unconfirmed_source = today, ""
            obj._change_reason = "gecontroleerd"
            obj.save()
        services.map_records_changed(user=request.user, objects=queryset)
    modeladmin.message_user(request, _("%(n)d record(s) gemarkeerd als vandaag gecontroleerd.") % {"n": len(queryset)})


RECORD_SEARCH = ("slug", "name", "alternate_name", "summary", "description")
RECORD_FILTERS = (LawFilter, PhaseFilter, DomainFilter, AccessFilter, "office_hours_only", "assured_date")


class PhoneInline(admin.TabularInline):
    model = Phone
    extra = 0
    fields = ("number", "description")


class ScheduleInline(admin.TabularInline):
    model = Schedule
    extra = 0
    fields = ("description",)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("name", "title", "email")


class OrgPhoneInline(PhoneInline):
    fk_name = "organization"


class ServicePhoneInline(PhoneInline):
    fk_name = "service"


class LocationInline(admin.TabularInline):
    model = Location
    extra = 0
    fields = ("name", "address", "wijk")


class ChangeCountedMixin:
    """Every save and delete in the admin (history reverts included) logs its change through the service
    layer in the same transaction, so every host's search index and snapshots follow (socialmap.changes)."""

    def save_model(self, request, obj, form, change):
        # The form's m2m fields are saved after this, in the admin's same transaction: the bump commits with them.
        with transaction.atomic():
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            services.map_records_changed(user=request.user, objects=[obj])

    def delete_model(self, request, obj):
        with transaction.atomic():
            keys = services.map_change_keys(objects=[obj])  # before the delete: ids and owners still readable
            super().delete_model(request, obj)  # type: ignore[misc]
            services.map_records_changed(user=request.user, keys=keys)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            keys = services.map_change_keys(objects=list(queryset))
            super().delete_queryset(request, queryset)  # type: ignore[misc]
            services.map_records_changed(user=request.user, keys=keys)


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(ChangeCountedMixin, RealChangesHistoryAdmin):
    list_display = ("code", "name", "taxonomy")
    list_filter = ("taxonomy",)
    search_fields = ("code", "name", "description")
    ordering = ("taxonomy", "code")


@admin.register(Wijk)
class WijkAdmin(ChangeCountedMixin, RealChangesHistoryAdmin):
    list_display = ("name", "slug")
    search_fields = ("slug", "name", "description")
    fields = ("slug", "name", "description", "sources")


class FundingInline(admin.TabularInline):
    """A contract of the city under one law; only what a source says (no row: the contract is unknown)."""

    model = Funding
    extra = 0
    fields = ("law", "start_date", "end_date", "source")


@admin.register(Role)
class RoleAdmin(ChangeCountedMixin, RealChangesHistoryAdmin):
    actions = (mark_checked_today,)
    list_display = ("name", "slug", "office_hours_only", "assured_date")
    list_filter = RECORD_FILTERS
    search_fields = RECORD_SEARCH
    fieldsets = RECORD_FIELDSETS
    filter_horizontal = ("terms",)


@admin.register(Organization)
class OrganizationAdmin(SafeAutocompleteMixin, ChangeCountedMixin, RealChangesHistoryAdmin):
    actions = (mark_checked_today,)
    list_display = ("name", "slug", "kind", "wijk", "parent", "assured_date")
    list_filter = ("kind", "wijk", *RECORD_FILTERS)
    search_fields = (*RECORD_SEARCH, "chair_name")
    list_select_related = ("wijk", "parent")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("terms", "roles", "service_areas")
    fieldsets = (
        RECORD_FIELDSETS[0],
        (_("Soort en plaats"), {"fields": ("kind", "parent", "wijk", "service_areas", "roles", "chair_name")}),
        *RECORD_FIELDSETS[1:],
    )
    inlines = (OrgPhoneInline, ScheduleInline, ContactInline, LocationInline, FundingInline)


@admin.register(Service)
class ServiceAdmin(ChangeCountedMixin, RealChangesHistoryAdmin):
    actions = (mark_checked_today,)
    list_display = ("name", "slug", "office_hours_only", "assured_date")
    list_filter = ("service_areas", *RECORD_FILTERS)
    search_fields = (*RECORD_SEARCH, "target_group")
    filter_horizontal = ("terms", "organizations", "roles", "service_areas")
    fieldsets = (
        RECORD_FIELDSETS[0],
        (_("Aanbieders en werkgebied"), {"fields": ("organizations", "roles", "service_areas")}),
        (_("Wachten"), {"fields": ("while_waiting", "waiting_time")}),
        *RECORD_FIELDSETS[1:],
    )
    inlines = (ServicePhoneInline, ScheduleInline, ContactInline, FundingInline)


@admin.register(Location)
class LocationAdmin(SafeAutocompleteMixin, ChangeCountedMixin, RealChangesHistoryAdmin):
    list_display = ("name", "organization", "address", "wijk")
    list_filter = ("wijk",)
    search_fields = ("name", "address", "organization__name")
    autocomplete_fields = ("organization",)


@admin.register(ServiceAtLocation)
class ServiceAtLocationAdmin(SafeAutocompleteMixin, ChangeCountedMixin, admin.ModelAdmin):
    list_display = ("service", "location")
    search_fields = ("service__name", "location__name")
    autocomplete_fields = ("service", "location")


@admin.register(Contact)
class ContactAdmin(SafeAutocompleteMixin, ChangeCountedMixin, RealChangesHistoryAdmin):
    list_display = ("__str__", "title", "organization", "service", "email")
    search_fields = ("name", "title", "email", "organization__name", "service__name")
    autocomplete_fields = ("organization", "service")


@admin.register(Phone)
class PhoneAdmin(SafeAutocompleteMixin, ChangeCountedMixin, RealChangesHistoryAdmin):
    list_display = ("number", "description", "organization", "service", "contact")
    search_fields = ("number", "description", "organization__name", "service__name")
    autocomplete_fields = ("organization", "service", "contact")


@admin.register(Schedule)
class ScheduleAdmin(SafeAutocompleteMixin, ChangeCountedMixin, RealChangesHistoryAdmin):
    list_display = ("description", "organization", "service")
    search_fields = ("description", "organization__name", "service__name")
    autocomplete_fields = ("organization", "service")


@admin.register(Funding)
class FundingAdmin(SafeAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "law", "start_date", "end_date")
    list_filter = ("law",)
    list_select_related = ("law", "service", "organization")
    search_fields = ("service__name", "organization__name", "source")
    autocomplete_fields = ("service", "organization")


@admin.register(WaitTime)
class WaitTimeAdmin(admin.ModelAdmin):
    """The history of waiting times, read-only: figures come from `wegwijzer import wachttijden` and from
    providers (/aanbieder/wachttijden/), each with its audit row; a correction is a newer figure."""

    list_display = ("service", "weeks", "measured_on", "wijk", "source", "reported_by", "created_at")
    list_filter = ("measured_on", "wijk")
    list_select_related = ("service", "wijk", "reported_by")
    search_fields = ("service__name", "service__slug", "source")
    readonly_fields = fields = ("service", "location", "wijk", "weeks", "measured_on", "reported_by", "source",
                                "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """The editors' queue, read-only in the admin: status and reply are set on the redactie page
    (/kaart/redactie/), where a new reply is mailed to the sender by a task."""

    list_display = ("created_at", "record_name", "topic", "status", "reply_mail_status")
    list_filter = ("status", "topic", "record_kind")
    search_fields = ("record_name", "record_slug", "message")
    readonly_fields = fields = ("record_kind", "record_slug", "record_name", "topic", "message", "reply_email",
                                "status", "reply", "created_at", "replied_at", "reply_mail_status", "handled_by")

    def has_add_permission(self, request):
        return False  # reports come from the record pages

    def has_change_permission(self, request, obj=None):
        return False
