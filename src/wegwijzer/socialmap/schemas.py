"""Pydantic shapes of the social map: the HSDS 3.0 objects of /api/v1/ and of the export, and the query parameters.

Each field is written once, here: the API renders these with `exclude_none`, the export dumps them the same
way, so an absent value is omitted (never `null` or `""`). HSDS names where HSDS has the field; Wegwijzer's
own fields (`slug`, `summary`, `laws`, `roles`, `web_url`, ...) are extensions beside them, which the HSDS
schemas allow. URLs are absolute: built from the request, or from `base_url` in the context (export).

Shape flags (context `hsds`, or `request.hsds` set by the view): `service_minimal` (services: id, name,
status, last_modified, slug, web_url only), `service_full` (a service's child arrays, default on), `full`
(an organisation's or service_at_location's child arrays, default on).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from wegwijzer.core.apikit import ApiError, from_attribute, validation_errors

from .models import Organization, Taxonomy
from .selectors import detail_url, term_codes
from .wait_times import current_wait_time_of

NAMESPACE = uuid.UUID("6f1d3c2a-9b1e-4d4e-8a57-5b1f0c2e7a10")  # Wegwijzer's uuid5 namespace
HSDS_VERSION = "3.0"
LANGUAGE = "nl"

TAXONOMY_DESCRIPTIONS: dict[str, str] = {
    Taxonomy.LAW: "Wetten en financiering (Zvw, Jeugdwet, Wmo, Wpg, Wlz)",
    Taxonomy.DOMAIN: "Domein: medisch eerstelijns, medisch tweedelijns, sociaal, informeel",
    Taxonomy.PHASE: "Fasen van de eerste 1000 dagen",
    Taxonomy.ACCESS: "Toegang: hoe het aanbod bereikt wordt",
    Taxonomy.CONCERN: "Signalen en vragen waarbij het aanbod helpt",
}
# attribute.link_type per taxonomy (HSDS: what the term describes)
LINK_TYPES: dict[str, str] = {
    Taxonomy.LAW: "funding",
    Taxonomy.DOMAIN: "domain",
    Taxonomy.PHASE: "eligibility",
    Taxonomy.ACCESS: "access",
    Taxonomy.CONCERN: "need",
}


def stable_id(*parts: Any) -> str:
    """A uuid5 for rows we do not store (attributes, service areas, taxonomies): same input, same id."""
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def taxonomy_id(taxonomy: str) -> str:
    return stable_id("taxonomy", taxonomy)


def _blank_none(value: Any) -> Any:
    return None if value == "" else value


Text = Annotated[str | None, BeforeValidator(_blank_none)]


def _ctx(context: Any) -> dict[str, Any]:
    return context if isinstance(context, dict) else {}


def flags(context: Any) -> dict[str, bool]:
    ctx = _ctx(context)
    return ctx.get("hsds") or getattr(ctx.get("request"), "hsds", None) or {}


def absolute(context: Any, path: str) -> str:
    ctx = _ctx(context)
    request = ctx.get("request")
    if request is not None:
        return request.build_absolute_uri(path)
    base = ctx.get("base_url") or getattr(settings, "WEGWIJZER_BASE_URL", "http://localhost:8000")
    return str(base).rstrip("/") + path


def web_url(obj: Any, context: Any) -> str:
    return absolute(context, detail_url(obj.slug))


def first_url(obj: Any) -> str | None:
    """The record's website, else its first link: HSDS has one url (links keep them all)."""
    if obj.website:
        return str(obj.website)
    for link in obj.links or []:
        if isinstance(link, dict) and link.get("url"):
            return str(link["url"])
    return None


def _full(context: Any) -> bool:
    """Child arrays of an organisation or service_at_location (`full`, default on)."""
    return flags(context).get("full", True)


def _minimal(context: Any) -> bool:
    """Services as id, name, status, last_modified (`minimal`; organisations' services unless full_service)."""
    return flags(context).get("service_minimal", False)


def _service_full(context: Any) -> bool:
    return flags(context).get("service_full", True) and not _minimal(context)


class Out(Schema):
    """Base of the output shapes: rendered without None (see module docstring)."""


# ---------------------------------------------------------------- taxonomies


class TaxonomyOut(Out):
    id: str
    name: str = Field(description="De code van de taxonomie (wet, domein, fase, toegang, signaal)")
    description: Text = None
    version: str = "1"
    label: str = Field(description="Uitbreiding: Nederlandse naam")


def taxonomy_obj(taxonomy: str) -> dict[str, str]:
    return {
        "id": taxonomy_id(taxonomy),
        "name": str(taxonomy),
        "description": TAXONOMY_DESCRIPTIONS.get(taxonomy, ""),
        "label": str(Taxonomy(taxonomy).label),
    }


class TaxonomyTermOut(Out):
    id: uuid.UUID
    code: str
    name: str
    description: str = Field(description="Verplicht in HSDS; zonder omschrijving de naam")
    taxonomy: str
    taxonomy_id: str
    language: str = LANGUAGE

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return obj.description or obj.name

    @staticmethod
    def resolve_taxonomy_id(obj: Any) -> str:
        return taxonomy_id(obj.taxonomy)


class TaxonomyTermDetailOut(TaxonomyTermOut):
    taxonomy_detail: TaxonomyOut

    @staticmethod
    def resolve_taxonomy_detail(obj: Any) -> dict[str, str]:
        return taxonomy_obj(obj.taxonomy)


class AttributeOut(Out):
    id: str
    link_id: uuid.UUID
    link_entity: str
    link_type: Text = None
    taxonomy_term_id: uuid.UUID
    taxonomy_term: TaxonomyTermOut


def attributes(obj: Any, entity: str) -> list[dict[str, Any]]:
    """Laws, domain, phases, access paths and concerns as HSDS attributes over our taxonomy terms."""
    return [
        {
            "id": stable_id("attribute", obj.id, term.id),
            "link_id": obj.id,
            "link_entity": entity,
            "link_type": LINK_TYPES.get(term.taxonomy),
            "taxonomy_term_id": term.id,
            "taxonomy_term": term,
        }
        for term in obj.terms.all()
    ]


# ---------------------------------------------------------------- small children


class PhoneOut(Out):
    id: uuid.UUID
    number: str
    type: str = "voice"
    description: Text = None


class FundingOut(Out):
    """HSDS funding: a contract of the city (law, from, to); law and dates are Wegwijzer extensions."""

    id: uuid.UUID
    organization_id: uuid.UUID | None = None
    service_id: uuid.UUID | None = None
    source: Text = None
    law: str = Field(description="Uitbreiding: de code van de wet")
    start_date: date | None = Field(None, description="Uitbreiding: gecontracteerd vanaf")
    end_date: date | None = Field(None, description="Uitbreiding: gecontracteerd tot en met")

    @staticmethod
    def resolve_law(obj: Any) -> str:
        return str(obj.law.code)

    @staticmethod
    def resolve_source(obj: Any) -> str:
        return funding_source(obj)


def funding_source(obj: Any) -> str:
    """HSDS funding.source is free text: the law and period in Dutch, then the source it rests on."""
    parts = [f"{obj.law.name}, gecontracteerd door de gemeente Utrecht"]
    if obj.start_date:
        parts.append(f"vanaf {obj.start_date.isoformat()}")
    if obj.end_date:
        parts.append(f"tot en met {obj.end_date.isoformat()}")
    text = " ".join(parts)
    return f"{text} ({obj.source})" if obj.source else text


def _fundings(obj: Any) -> list[Any]:
    return sorted(obj.fundings.all(), key=lambda f: (f.start_date or date.min, str(f.id)))


def current_wait(obj: Any) -> Any:
    """The current WaitTimeInfo of a service from its prefetched rows (selectors.hsds_services_qs)."""
    return current_wait_time_of(list(obj.wait_times.all()))


class WaitTimeOut(Out):
    """One reported waiting time (Wegwijzer's history of HSDS wait_time)."""

    weeks: int
    measured_on: date = Field(description="Peildatum")
    wait_time: str = Field(description="Als tekst, zoals in HSDS wait_time")
    stale: bool = Field(description="Ouder dan WAIT_TIME_STALE_DAYS dagen (verouderd)")
    source: Text = None
    wijk: Text = None
    location: Text = None
    created_at: datetime | None = Field(None, description="Vastgelegd op")

    @staticmethod
    def resolve_wait_time(obj: Any) -> str:
        return str(obj.text)


class WaitTimeHistoryOut(Out):
    service_id: uuid.UUID
    slug: str
    total_items: int
    contents: list[WaitTimeOut] = Field(description="Nieuwste peildatum eerst")


class WaitTimeIn(Schema):
    """A provider's new figure for its own service."""

    weeks: int = Field(ge=0, le=520, description="Wachttijd in hele weken (0 of meer)")
    measured_on: date = Field(description="Peildatum (JJJJ-MM-DD), niet in de toekomst")


class ScheduleOut(Out):
    id: uuid.UUID
    description: str


class ContactOut(Out):
    id: uuid.UUID
    name: Text = None
    title: Text = None
    email: Text = None
    phones: list[PhoneOut] = []


class RecordRef(Out):
    """Uitbreiding: a reference to a role, organisation or service."""

    id: uuid.UUID
    slug: str
    name: str
    web_url: str

    @staticmethod
    def resolve_web_url(obj: Any, context: Any) -> str:
        return web_url(obj, context)


class OrganizationRefOut(RecordRef):
    kind: str


class WijkRef(Out):
    id: uuid.UUID
    slug: str
    name: str


class ServiceAreaOut(Out):
    """A wijk as HSDS service_area (id stable per record and wijk; slug and wijk_id are extensions)."""

    id: str
    name: str
    description: Text = None
    slug: str
    wijk_id: uuid.UUID


def service_areas(obj: Any) -> list[dict[str, Any]]:
    return [
        {"id": stable_id("service_area", obj.id, w.id), "name": w.name, "description": w.description,
         "slug": w.slug, "wijk_id": w.id}
        for w in obj.service_areas.all()
    ]


def sorted_schedules(obj: Any) -> list[Any]:
    """A service's or an organization's schedules in a stable order (the prefetch has none)."""
    return sorted(obj.schedules.all(), key=lambda s: (s.description, str(s.id)))


def sorted_contacts(obj: Any) -> list[Any]:
    return sorted(obj.contacts.all(), key=lambda c: (c.name, c.title, str(c.id)))


def all_phones(obj: Any) -> list[Any]:
    return list(obj.phones.all())


def _child_array(flag: Callable[[Any], bool], shape: Callable[[Any], Any]) -> staticmethod[[Any, Any], Any]:
    """A ninja resolver for one of a record's child arrays: shaped when the shape flag is on, else omitted."""
    return staticmethod(lambda obj, context: shape(obj) if flag(context) else None)


class LocationOut(Out):
    id: uuid.UUID
    location_type: str = "physical"
    organization_id: uuid.UUID
    name: Text = None
    address: Text = Field(None, description="Uitbreiding: het adres als tekst (HSDS addresses vraagt velden die we niet hebben)")
    wijk: WijkRef | None = None


class ServiceAtLocationRef(Out):
    id: uuid.UUID
    service_id: uuid.UUID
    location_id: uuid.UUID
    location: LocationOut


# ---------------------------------------------------------------- records


def _term_codes_of(field: str) -> staticmethod[[Any], Any]:
    """A ninja resolver for one of the term-code fields (laws, phases, concerns, domain, access)."""
    return staticmethod(lambda obj: term_codes(obj)[field])


class RecordFields(Out):
    """Wegwijzer's extension fields shared by services, organisations and roles."""

    slug: str
    summary: Text = None
    conditions: Text = None
    availability: Text = None
    office_hours_only: bool | None = None
    links: list[dict[str, Any]] | None = None
    sources: list[str] | None = None
    laws: list[str] | None = None
    phases: list[str] | None = None
    concerns: list[str] | None = None
    domain: Text = None
    access: list[str] | None = None
    web_url: str

    @staticmethod
    def resolve_web_url(obj: Any, context: Any) -> str:
        return web_url(obj, context)

    resolve_laws = _term_codes_of("laws")
    resolve_phases = _term_codes_of("phases")
    resolve_concerns = _term_codes_of("concerns")
    resolve_domain = _term_codes_of("domain")
    resolve_access = _term_codes_of("access")


class OfferFields(RecordFields):
    """What a service and a role (shown in the shape of a service) share beside the extension fields."""

    url: Text = None
    eligibility_description: Text = None

    @staticmethod
    def resolve_url(obj: Any) -> str | None:
        return first_url(obj)

    resolve_eligibility_description = from_attribute("target_group")


class OrganizationBrief(Out):
    """An organisation embedded in a service (HSDS requires id, name and description)."""

    id: uuid.UUID
    name: str
    description: str
    email: Text = None
    website: Text = None
    slug: str
    web_url: str

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return obj.description or obj.summary or obj.name

    @staticmethod
    def resolve_website(obj: Any) -> str | None:
        return first_url(obj)

    @staticmethod
    def resolve_web_url(obj: Any, context: Any) -> str:
        return web_url(obj, context)


MINIMAL_SERVICE_FIELDS = frozenset({"id", "name", "status", "last_modified", "slug", "web_url"})


class ServiceOut(OfferFields):
    """An HSDS 3.0 service (compiled/service.json)."""

    id: uuid.UUID
    organization_id: uuid.UUID | None = None
    name: str
    alternate_name: Text = None
    description: Text = None
    email: Text = None
    status: str = "active"
    application_process: Text = None
    wait_time: Text = Field(None, description="De huidige wachttijd als tekst, met peildatum")
    wait_time_weeks: int | None = Field(None, description="Uitbreiding: de huidige wachttijd in weken")
    wait_time_measured_on: date | None = Field(None, description="Uitbreiding: de peildatum van de wachttijd")
    wait_time_stale: bool | None = Field(
        None, description="Uitbreiding: de peildatum is ouder dan WAIT_TIME_STALE_DAYS dagen (verouderd)",
    )
    funding: list[FundingOut] | None = Field(None, description="Contracten van de gemeente (wet, vanaf, tot)")
    assured_date: date | None = None
    last_modified: datetime | None = None
    organization: OrganizationBrief | None = None
    phones: list[PhoneOut] | None = None
    schedules: list[ScheduleOut] | None = None
    service_areas: list[ServiceAreaOut] | None = None
    service_at_locations: list[ServiceAtLocationRef] | None = None
    contacts: list[ContactOut] | None = None
    attributes: list[AttributeOut] | None = None
    organizations: list[RecordRef] | None = Field(None, description="Uitbreiding: alle aanbieders")
    roles: list[RecordRef] | None = Field(None, description="Uitbreiding: via of door deze rollen")

    @staticmethod
    def resolve_organization_id(obj: Any) -> Any:
        orgs = list(obj.organizations.all())
        return orgs[0].id if orgs else None

    @staticmethod
    def resolve_wait_time(obj: Any) -> str | None:
        current = current_wait(obj)
        return current.text if current else (obj.waiting_time or None)

    @staticmethod
    def resolve_wait_time_weeks(obj: Any) -> int | None:
        current = current_wait(obj)
        return current.weeks if current else None

    @staticmethod
    def resolve_wait_time_measured_on(obj: Any) -> date | None:
        current = current_wait(obj)
        return current.measured_on if current else None

    @staticmethod
    def resolve_wait_time_stale(obj: Any) -> bool | None:
        current = current_wait(obj)
        return current.stale if current else None

    resolve_funding = _child_array(_service_full, _fundings)
    resolve_last_modified = from_attribute("updated_at")

    @staticmethod
    def resolve_organization(obj: Any, context: Any) -> Any:
        if _minimal(context):
            return None
        orgs = list(obj.organizations.all())
        return orgs[0] if orgs else None

    resolve_phones = _child_array(_service_full, all_phones)
    resolve_schedules = _child_array(_service_full, sorted_schedules)
    # a lambda: in the class body `service_areas` is the field, not the function
    resolve_service_areas = _child_array(_service_full, lambda obj: service_areas(obj))

    @staticmethod
    def resolve_service_at_locations(obj: Any, context: Any) -> Any:
        if not _service_full(context):
            return None
        return sorted(obj.service_at_locations.all(), key=lambda s: str(s.id))

    resolve_contacts = _child_array(_service_full, sorted_contacts)
    resolve_attributes = _child_array(_service_full, lambda obj: attributes(obj, "service"))

    @staticmethod
    def resolve_organizations(obj: Any, context: Any) -> Any:
        return list(obj.organizations.all()) if not _minimal(context) else None

    @staticmethod
    def resolve_roles(obj: Any, context: Any) -> Any:
        return list(obj.roles.all()) if not _minimal(context) else None

    @model_validator(mode="after")
    def _minimal(self, info: ValidationInfo) -> ServiceOut:
        if _minimal(info.context):
            for name in type(self).model_fields:
                if name not in MINIMAL_SERVICE_FIELDS:
                    setattr(self, name, None)
        return self


class OrganizationOut(RecordFields):
    """An HSDS 3.0 organization (compiled/organization.json)."""

    id: uuid.UUID
    name: str
    alternate_name: Text = None
    description: str = Field(description="Verplicht in HSDS; zonder omschrijving de samenvatting of de naam")
    email: Text = None
    website: Text = None
    parent_organization_id: uuid.UUID | None = None
    phones: list[PhoneOut] | None = None
    contacts: list[ContactOut] | None = None
    locations: list[LocationOut] | None = None
    attributes: list[AttributeOut] | None = None
    services: list[ServiceOut] | None = Field(None, description="Kort (id, naam, status); met full_service=true volledig")
    funding: list[FundingOut] | None = Field(None, description="Contracten van de gemeente (wet, vanaf, tot)")
    # extensions
    kind: str
    parent_organization: RecordRef | None = None
    wijk: WijkRef | None = None
    service_areas: list[ServiceAreaOut] | None = None
    schedules: list[ScheduleOut] | None = None
    chair_name: Text = None
    target_group: Text = None
    application_process: Text = None
    assured_date: date | None = None
    roles: list[RecordRef] | None = None
    children: list[RecordRef] | None = None

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return obj.description or obj.summary or obj.name

    @staticmethod
    def resolve_website(obj: Any) -> str | None:
        return first_url(obj)

    resolve_parent_organization_id = from_attribute("parent_id")
    resolve_parent_organization = from_attribute("parent")

    resolve_phones = _child_array(_full, all_phones)
    resolve_contacts = _child_array(_full, sorted_contacts)
    resolve_locations = _child_array(_full, lambda obj: sorted(obj.locations.all(), key=lambda loc: str(loc.id)))
    resolve_attributes = _child_array(_full, lambda obj: attributes(obj, "organization"))
    resolve_service_areas = _child_array(_full, lambda obj: service_areas(obj))
    resolve_schedules = _child_array(_full, sorted_schedules)
    resolve_funding = _child_array(_full, _fundings)


class RoleOut(OfferFields):
    """Uitbreiding: a role of Bijlage 1, in the shape of a service."""

    id: uuid.UUID
    name: str
    alternate_name: Text = None
    description: Text = None
    email: Text = None
    application_process: Text = None
    assured_date: date | None = None
    attributes: list[AttributeOut] = []
    organizations: list[RecordRef] = []
    services: list[RecordRef] = []

    @staticmethod
    def resolve_attributes(obj: Any) -> Any:
        return attributes(obj, "role")


class WijkOut(Out):
    """Uitbreiding: one of Utrecht's districts (the service areas)."""

    id: uuid.UUID
    slug: str
    name: str
    description: Text = None
    sources: list[str] = []
    web_url: str

    @staticmethod
    def resolve_web_url(obj: Any, context: Any) -> str:
        return web_url(obj, context)


class WijkDetailOut(WijkOut):
    organizations: list[OrganizationRefOut] = Field(description="Teams en netwerken van deze wijk")
    serving_organizations: list[RecordRef]
    services: list[RecordRef]

    @staticmethod
    def resolve_organizations(obj: Any) -> Any:
        return list(Organization.objects.filter(wijk=obj).order_by("slug"))

    @staticmethod
    def resolve_serving_organizations(obj: Any) -> Any:
        return list(obj.serving_organizations.order_by("slug"))

    @staticmethod
    def resolve_services(obj: Any) -> Any:
        return list(obj.services.order_by("slug"))


class ServiceAtLocationOut(Out):
    """An HSDS 3.0 service_at_location (compiled/service_at_location.json)."""

    id: uuid.UUID
    service_id: uuid.UUID
    location_id: uuid.UUID
    location: LocationOut
    service: ServiceOut


class RootOut(Out):
    version: str
    profile: str
    openapi_url: str


# ---------------------------------------------------------------- pages


class Page(Out):
    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool


class ServicePage(Page):
    contents: list[ServiceOut]


class OrganizationPage(Page):
    contents: list[OrganizationOut]


class RolePage(Page):
    contents: list[RoleOut]


class WijkPage(Page):
    contents: list[WijkOut]


class TaxonomyPage(Page):
    contents: list[TaxonomyOut]


class TaxonomyTermPage(Page):
    contents: list[TaxonomyTermOut]


class ServiceAtLocationPage(Page):
    contents: list[ServiceAtLocationOut]


class SearchAlso(Schema):
    slug: str
    kind: str
    name: str
    url: str = Field(description="Detailpagina")


class SearchResult(Schema):
    slug: str
    kind: str = Field(description="Soort record: rol, aanbod, organisatie, team, netwerk of wijk")
    name: str
    summary: str
    url: str = Field(description="Detailpagina")
    also: list[SearchAlso] = Field(
        default_factory=list, description="Hetzelfde orgaan onder een ander record (de rol of de organisatie)"
    )


class SearchOut(Schema):
    results: list[SearchResult]
    total: int = Field(0, description="Aantal passende resultaten (na de relevantiegrens), zonder limiet")
    suggestion: str = Field("", description="Bedoelde u …? Een verbeterde zoekterm, of leeg")


# ---------------------------------------------------------------- query parameters

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


class BadQuery(ApiError):
    """Bad query parameters: the one 400 naming them (raised inside ninja's validation: not its 422)."""

    def __init__(self, errors: dict[str, list[str]]):
        names = ", ".join(sorted(errors))
        super().__init__(400, _("Ongeldige parameter(s): %(names)s.") % {"names": names}, errors)


class QueryIn(Schema):
    """Query parameters: unknown or repeated ones and wrong types are a 400 naming the parameter.

    Wraps pydantic's validation so that a type error does not become ninja's 422 (HSDS: 400).
    """

    @model_validator(mode="wrap")
    @classmethod
    def _as_400(cls, data: Any, handler: Any, info: ValidationInfo) -> Any:
        from pydantic import ValidationError

        errors: dict[str, list[str]] = {}
        request = _ctx(info.context).get("request")
        if request is not None:
            allowed = set(cls.model_fields)
            for key in request.GET:
                if key not in allowed:
                    errors[key[:100]] = [
                        _("Onbekende parameter '%(name)s'. Toegestaan: %(allowed)s.")
                        % {"name": key[:100], "allowed": ", ".join(cls.model_fields)}
                    ]
                elif len(request.GET.getlist(key)) > 1:
                    errors[key] = [_("Geef parameter '%(name)s' maar één keer op.") % {"name": key}]
        try:
            value = handler(data)
        except ValidationError as exc:
            for name, messages in validation_errors([dict(e) for e in exc.errors()]).items():
                errors.setdefault(name, []).extend(messages)
            value = None
        if errors:
            raise BadQuery(errors)
        return value

    @field_validator("*", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value


PageNumber = Annotated[int, Field(ge=1, le=10**9, description="Paginanummer (vanaf 1)")]
PerPage = Annotated[int, Field(ge=1, le=MAX_PER_PAGE, description=f"Aantal per pagina (hoogstens {MAX_PER_PAGE})")]


class PagingIn(QueryIn):
    page: PageNumber = 1
    per_page: PerPage = DEFAULT_PER_PAGE
    format: str | None = Field(None, description="Alleen json (ndjson wordt niet ondersteund)")

    @field_validator("format")
    @classmethod
    def _json_only(cls, value: str | None) -> str | None:
        if value not in (None, "", "json"):
            raise ValueError(_("Alleen format=json wordt ondersteund."))
        return value


class MapFiltersIn(PagingIn):
    """Wegwijzer's own filters (codes of the vocabulary)."""

    wijk: str | None = Field(None, description="Wijkcode, bv. overvecht. Aanbod voor heel Utrecht telt mee.")
    law: str | None = Field(None, description="Wetcode: zvw, jeugdwet, wmo, wpg, wlz.")
    phase: str | None = Field(None, description="Fasecode: kinderwens, zwangerschap, kraamperiode, jonge-kind.")
    domain: str | None = Field(None, description="Domeincode, bv. medisch-eerstelijns, sociaal.")
    access: str | None = Field(None, description="Toegangscode, bv. vrij-toegankelijk, via-buurtteam.")


class ServiceQueryIn(MapFiltersIn):
    search: str | None = Field(None, description="Zoeken (zoals /search: stammen, synoniemen, tikfouten)")
    taxonomy_term_id: str | None = Field(None, description="Aanbod met deze taxonomieterm (id)")
    taxonomy_id: str | None = Field(None, description="Aanbod met een term uit deze taxonomie (id of code)")
    organization_id: str | None = Field(None, description="Aanbod van deze organisatie (id of slug)")
    modified_after: datetime | None = Field(None, description="Alleen aanbod gewijzigd op of na dit moment (ISO 8601)")
    minimal: bool = Field(False, description="Alleen id, naam, status en last_modified (plus slug en web_url)")
    full: bool = Field(True, description="Met de onderliggende lijsten (telefoon, werkgebied, kenmerken, ...)")



class OrganizationQueryIn(MapFiltersIn):
    search: str | None = Field(None, description="Zoeken (zoals /search)")
    kind: str | None = Field(None, description="Soort organisatie: organisatie, team, netwerk.")
    full_service: bool = Field(False, description="services[] als volledige HSDS-aanbodobjecten")
    full: bool = Field(True, description="Met de onderliggende lijsten")


class OrganizationDetailQueryIn(QueryIn):
    full_service: bool = Field(False, description="services[] als volledige HSDS-aanbodobjecten")


class RoleQueryIn(PagingIn):
    law: str | None = None
    phase: str | None = None
    domain: str | None = None
    access: str | None = None


class TaxonomyQueryIn(PagingIn):
    search: str | None = Field(None, description="Deel van naam of omschrijving")


class TaxonomyTermQueryIn(PagingIn):
    search: str | None = Field(None, description="Deel van code, naam of omschrijving")
    taxonomy_id: str | None = Field(None, description="Termen van deze taxonomie (id of code)")
    taxonomy: str | None = Field(None, description="Termen van deze taxonomie (code: wet, domein, fase, toegang, signaal)")
    top_only: bool = Field(False, description="Alleen termen zonder bovenliggende term (alle: de taxonomie is plat)")
    parent_id: str | None = Field(None, description="Termen onder deze term (geen: de taxonomie is plat)")


class ServiceAtLocationQueryIn(PagingIn):
    search: str | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    organization_id: str | None = None
    modified_after: datetime | None = None
    full: bool = Field(False, description="Het aanbod volledig in plaats van kort")
    postcode: str | None = Field(None, description="Geaccepteerd, filtert niet: de kaart heeft geen coördinaten")
    proximity: str | None = Field(None, description="Geaccepteerd, filtert niet: de kaart heeft geen coördinaten")


class DetailQueryIn(QueryIn):
    full: bool = Field(False, description="service_at_location: het aanbod volledig")


class SearchQueryIn(QueryIn):
    q: str = Field("", max_length=10_000, description="Zoekterm; langer dan 200 tekens wordt afgekapt")
    limit: int = Field(20, ge=1, le=100)
