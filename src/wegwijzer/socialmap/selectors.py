"""The one read layer of the social map: records by slug, stable dicts for JSON/CLI, filtered lists,
and the web pages' view models (search results, detail, wijk, wie doet wat, home).

Every function here only reads; writes live in services.py and content.py. The one search is the tantivy
index (wegwijzer.socialmap.search), which builds its documents from the models itself: this module uses
the search, the search never imports this module.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Model, Prefetch, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wegwijzer.core.health import Check
from wegwijzer.core.pagination import PAGE_PARAM, page_links, page_number, past_last_notice

from .models import Organization, Phone, Role, SearchQueryDay, Service, Taxonomy, TaxonomyTerm, Wijk
from .search import service as search_service
from .search.documents import KINDS, TERM_FIELDS, detail_url, kind_of, term_codes  # noqa: F401  (re-exported)
from .search.text import STOPWORDS
from .snapshot import snapshot
from .wait_times import (  # noqa: F401  (re-exported: the one read of a service's current waiting time)
    WaitTimeInfo,
    current_wait_times,
    current_wait_times_by_slug,
    service_current_wait_time,
    service_fundings,
    service_wait_time_history,
    wait_times_of_organizations,
    while_waiting_text,
    zorgplicht_for,
)

logger = logging.getLogger("wegwijzer.socialmap.selectors")

RecordModel = Role | Service | Organization | Wijk


def record_url(obj: Model) -> str:
    """The page a link to this record goes to: a wijk's own page, else the detail page."""
    if isinstance(obj, Wijk):
        return reverse("socialmap:wijk", args=[obj.slug])
    return detail_url(obj.slug)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- querysets


def _terms_prefetch() -> Prefetch:
    return Prefetch("terms", queryset=TaxonomyTerm.objects.order_by("taxonomy", "code"))


def roles_qs() -> QuerySet[Role]:
    return Role.objects.prefetch_related(_terms_prefetch()).order_by("slug")


def _record_prefetches(contacts: str | Prefetch) -> list[str | Prefetch]:
    """What a service and an organization both show: terms, roles, wijken, phones, schedules, contacts
    (`contacts` a plain lookup for the pages, a Prefetch with their phones for HSDS)."""
    return [
        _terms_prefetch(),
        Prefetch("roles", queryset=Role.objects.order_by("slug")),
        Prefetch("service_areas", queryset=Wijk.objects.order_by("slug")),
        Prefetch("phones", queryset=Phone.objects.order_by("number", "id")),
        "schedules",
        contacts,
    ]


def _services_qs(contacts: str | Prefetch = "contacts") -> QuerySet[Service]:
    return Service.objects.prefetch_related(
        *_record_prefetches(contacts),
        Prefetch("organizations", queryset=Organization.objects.order_by("slug")),
    ).order_by("slug")


def _organizations_qs(contacts: str | Prefetch = "contacts") -> QuerySet[Organization]:
    return (
        Organization.objects.select_related("parent", "wijk")
        .prefetch_related(
            *_record_prefetches(contacts),
            Prefetch("children", queryset=Organization.objects.order_by("slug")),
        )
        .order_by("slug")
    )


def services_qs() -> QuerySet[Service]:
    return _services_qs()


def organizations_qs() -> QuerySet[Organization]:
    return _organizations_qs()


def wijken_qs() -> QuerySet[Wijk]:
    return Wijk.objects.order_by("slug")


def record_get(slug: str) -> RecordModel | None:
    """The record with this slug, whatever its kind (slugs are unique across kinds by content check)."""
    if not isinstance(slug, str) or not slug or len(slug) > 200 or "\x00" in slug:
        return None
    for qs in (roles_qs(), services_qs(), organizations_qs(), wijken_qs()):
        obj = qs.filter(slug=slug).first()
        if obj is not None:
            return obj
    return None


def _by_id_or_slug(qs: QuerySet, key: str) -> Any:
    import uuid

    if not key or len(key) > 200 or "\x00" in key:  # PostgreSQL rejects NUL in a string literal
        return None
    try:
        return qs.filter(id=uuid.UUID(key)).first()
    except ValueError:
        return qs.filter(slug=key).first()


def service_get(key: str) -> Service | None:
    return _by_id_or_slug(services_qs(), key)


def organization_get(key: str) -> Organization | None:
    return _by_id_or_slug(organizations_qs(), key)


def role_get(key: str) -> Role | None:
    return _by_id_or_slug(roles_qs(), key)


def wijk_get(key: str) -> Wijk | None:
    return _by_id_or_slug(wijken_qs(), key)


# ---------------------------------------------------------------- dicts


def _ref(obj: Model) -> dict[str, str]:
    return {"slug": obj.slug, "name": obj.name, "kind": kind_of(obj), "url": detail_url(obj.slug)}  # type: ignore[attr-defined]


def record_as_dict(obj: Model) -> dict[str, Any]:
    """A stable, JSON-ready dict of one record (same keys for every kind; relations where relevant)."""
    if isinstance(obj, Wijk):
        orgs = Organization.objects.filter(wijk=obj).order_by("slug")
        return {
            "slug": obj.slug,
            "kind": "wijk",
            "name": obj.name,
            "alternate_name": "",
            "summary": "",
            "description": obj.description,
            "target_group": "",
            "conditions": "",
            "application_process": "",
            "availability": "",
            "office_hours_only": None,
            "laws": [],
            "phases": [],
            "concerns": [],
            "domain": "",
            "access": [],
            "links": [],
            "email": "",
            "phones": [],
            "sources": list(obj.sources or []),
            "assured_date": None,
            "url": detail_url(obj.slug),
            "organizations": [_ref(o) for o in orgs],
        }
    data: dict[str, Any] = {
        "slug": obj.slug,  # type: ignore[attr-defined]
        "kind": kind_of(obj),
        "name": obj.name,  # type: ignore[attr-defined]
        "alternate_name": obj.alternate_name,  # type: ignore[attr-defined]
        "summary": obj.summary,  # type: ignore[attr-defined]
        "description": obj.description,  # type: ignore[attr-defined]
        "target_group": obj.target_group,  # type: ignore[attr-defined]
        "conditions": obj.conditions,  # type: ignore[attr-defined]
        "application_process": obj.application_process,  # type: ignore[attr-defined]
        "availability": obj.availability,  # type: ignore[attr-defined]
        "office_hours_only": obj.office_hours_only,  # type: ignore[attr-defined]
        **term_codes(obj),
        "links": list(obj.links or []),  # type: ignore[attr-defined]
        "email": obj.email,  # type: ignore[attr-defined]
        "phones": [],
        "sources": list(obj.sources or []),  # type: ignore[attr-defined]
        "assured_date": obj.assured_date.isoformat() if obj.assured_date else None,  # type: ignore[attr-defined]
        "url": detail_url(obj.slug),  # type: ignore[attr-defined]
    }
    if isinstance(obj, Service):
        data["phones"] = [p.number for p in obj.phones.all()]
        data["waiting_time"] = obj.waiting_time
        data["providers"] = [_ref(o) for o in obj.organizations.all()]
        data["roles"] = [_ref(r) for r in obj.roles.all()]
        data["service_areas"] = [w.slug for w in obj.service_areas.all()]
    elif isinstance(obj, Organization):
        data["phones"] = [p.number for p in obj.phones.all()]
        data["parent"] = _ref(obj.parent) if obj.parent else None
        data["children"] = [_ref(c) for c in obj.children.all()]
        data["wijk"] = {"slug": obj.wijk.slug, "name": obj.wijk.name} if obj.wijk else None
        data["roles"] = [_ref(r) for r in obj.roles.all()]
        data["service_areas"] = [w.slug for w in obj.service_areas.all()]
        data["chair_name"] = obj.chair_name
        data["services"] = [_ref(s) for s in obj.services.order_by("slug")]
    elif isinstance(obj, Role):
        data["organizations"] = [_ref(o) for o in obj.organizations.order_by("slug")]
        data["services"] = [_ref(s) for s in obj.services.order_by("slug")]
    return data


# ---------------------------------------------------------------- contacts per role


def _contact_directory() -> dict[str, Any]:
    """Every organisation/team/network with its roles, service areas and phones: four flat queries."""
    orgs = {
        row["id"]: row
        for row in Organization.objects.values("id", "slug", "name", "kind", "email", "website", "wijk__slug")
    }
    holders: dict[str, list[Mapping[str, Any]]] = {}
    for org_id, role_slug in Organization.roles.through.objects.values_list("organization_id", "role__slug"):
        holders.setdefault(role_slug, []).append(orgs[org_id])
    for rows in holders.values():
        rows.sort(key=lambda o: o["slug"])
    areas: dict[Any, set[str]] = {}
    for org_id, area in Organization.service_areas.through.objects.values_list("organization_id", "wijk__slug"):
        areas.setdefault(org_id, set()).add(area)
    phones: dict[Any, list[str]] = {}
    for org_id, number in Phone.objects.filter(organization__isnull=False).values_list("organization_id", "number"):
        phones.setdefault(org_id, []).append(number)
    return {"holders": holders, "areas": areas, "phones": {k: sorted(v) for k, v in phones.items()}}


def contacts_for_roles(roles: list[str], wijk: str | None) -> list[dict[str, str]]:
    """For each role code (in the given order), the concrete organisations/teams/networks to contact.

    A team or network of that wijk with the role comes first; otherwise citywide records with the role (not
    tied to one wijk) whose service_areas include the wijk or are empty (all of Utrecht), e.g. NIZU's
    network. Unknown roles give no rows. On the route guide's hot path, so it reads a per-process snapshot
    of the directory that follows map edits (socialmap.snapshot).
    """
    directory = snapshot("contacts", _contact_directory)
    areas, phones = directory["areas"], directory["phones"]
    out: list[dict[str, str]] = []
    for role in dict.fromkeys(roles):
        having = directory["holders"].get(role, [])
        local = [
            o for o in having
            if o["kind"] in (Organization.Kind.TEAM, Organization.Kind.NETWORK) and wijk and o["wijk__slug"] == wijk
        ]
        chosen = local or [
            o for o in having
            # a team or network of another wijk never stands in for this one
            if o["wijk__slug"] is None and (not areas.get(o["id"]) or (wijk and wijk in areas[o["id"]]))
        ]
        for o in chosen:
            numbers = phones.get(o["id"], [])
            out.append({
                "role": role,
                "slug": o["slug"],
                "name": o["name"],
                "kind": o["kind"],
                "phone": numbers[0] if numbers else "",
                "email": o["email"] or "",
                "website": o["website"] or "",
                "url": detail_url(o["slug"]),
            })
    return out


# ---------------------------------------------------------------- filtered lists (API, pages)

FILTER_TAXONOMY = {"law": Taxonomy.LAW, "phase": Taxonomy.PHASE, "domain": Taxonomy.DOMAIN, "access": Taxonomy.ACCESS}


def _filter_terms(qs: QuerySet, filters: dict[str, str]) -> QuerySet:
    for param, taxonomy in FILTER_TAXONOMY.items():
        code = filters.get(param)
        if code:
            qs = qs.filter(terms__taxonomy=taxonomy, terms__code=code)
    return qs.distinct()


def service_list(*, wijk: str = "", law: str = "", phase: str = "", domain: str = "", access: str = "") -> QuerySet[Service]:
    """Services, filtered; a wijk matches services for that wijk or for all of Utrecht (no service areas)."""
    qs = services_qs()
    if wijk:
        qs = qs.filter(Q(service_areas__slug=wijk) | Q(service_areas__isnull=True))
    return _filter_terms(qs, {"law": law, "phase": phase, "domain": domain, "access": access}).order_by("slug")


def organization_list(
    *, wijk: str = "", law: str = "", phase: str = "", domain: str = "", access: str = "", kind: str = ""
) -> QuerySet[Organization]:
    """Organisations, filtered; a wijk matches its own teams/networks and organisations serving it (or all)."""
    qs = organizations_qs()
    if kind:
        qs = qs.filter(kind=kind)
    if wijk:
        qs = qs.filter(
            Q(wijk__slug=wijk) | Q(service_areas__slug=wijk) | Q(wijk__isnull=True, service_areas__isnull=True)
        )
    return _filter_terms(qs, {"law": law, "phase": phase, "domain": domain, "access": access}).order_by("slug")


def role_list(*, law: str = "", phase: str = "", domain: str = "", access: str = "") -> QuerySet[Role]:
    return _filter_terms(roles_qs(), {"law": law, "phase": phase, "domain": domain, "access": access}).order_by("slug")


def taxonomy_term_list(*, taxonomy: str = "") -> QuerySet[TaxonomyTerm]:
    qs = TaxonomyTerm.objects.order_by("taxonomy", "code")
    return qs.filter(taxonomy=taxonomy) if taxonomy else qs


def known_codes() -> dict[str, set[str]]:
    """Codes that exist in the database, per filter parameter (for validating API filters)."""
    out: dict[str, set[str]] = {p: set() for p in FILTER_TAXONOMY}
    reverse_map: dict[str, str] = {str(v): k for k, v in FILTER_TAXONOMY.items()}
    for taxonomy, code in TaxonomyTerm.objects.values_list("taxonomy", "code"):
        param = reverse_map.get(taxonomy)
        if param:
            out[param].add(code)
    out["wijk"] = set(Wijk.objects.values_list("slug", flat=True))
    out["kind"] = {k.value for k in Organization.Kind}
    return out



# ---------------------------------------------------------------- web pages (views.py)

PAGE_SIZE = 20
MAX_QUERY_CHARS = 200
SEARCH_LIMIT = 100  # the search service returns at most 100 rows

# Kinds as the pages name them (the `soort` filter); the labels are what a user reads.
KIND_LABELS: dict[str, Any] = {
    "rol": gettext_lazy("Rol"),
    "aanbod": gettext_lazy("Aanbod"),
    "organisatie": gettext_lazy("Organisatie"),
    "team": gettext_lazy("Team"),
    "netwerk": gettext_lazy("Netwerk"),
    "wijk": gettext_lazy("Wijk"),
}

# The four phases of the first 1000 days (vocabulary codes); labels fall back to these when the
# taxonomy terms are not loaded.
PHASES: list[tuple[str, Any]] = [
    ("kinderwens", gettext_lazy("Kinderwens")),
    ("zwangerschap", gettext_lazy("Zwangerschap")),
    ("kraamperiode", gettext_lazy("Kraamperiode")),
    ("jonge-kind", gettext_lazy("Jonge kind")),
]
PHASE_INTRO: dict[str, Any] = {
    "kinderwens": gettext_lazy("Voor de zwangerschap: vragen over gezond zwanger worden, of juist nu niet."),
    "zwangerschap": gettext_lazy("Tijdens de zwangerschap: verloskundige zorg, voorbereiding en steun."),
    "kraamperiode": gettext_lazy("De eerste zes weken na de bevalling."),
    "jonge-kind": gettext_lazy("Van zes weken tot en met twee jaar."),
}
# Preferred order of the domains on "wie doet wat"; unknown domains follow, by name.
DOMAIN_ORDER = ["medisch-eerstelijns", "medisch-tweedelijns", "sociaal", "informeel"]

# Query parameter → taxonomy of the term it filters on.
TERM_FILTERS: dict[str, str] = {
    "wet": Taxonomy.LAW,
    "fase": Taxonomy.PHASE,
    "domein": Taxonomy.DOMAIN,
    "toegang": Taxonomy.ACCESS,
}
FILTER_LABELS: dict[str, Any] = {
    "wijk": gettext_lazy("Wijk"),
    "wet": gettext_lazy("Wet of financiering"),
    "fase": gettext_lazy("Fase"),
    "domein": gettext_lazy("Domein"),
    "toegang": gettext_lazy("Toegang"),
    "soort": gettext_lazy("Soort"),
}
FILTER_NAMES = ["wijk", "wet", "fase", "domein", "toegang", "soort"]
KNOWN_PARAMS = {"q", PAGE_PARAM, *FILTER_NAMES}

EXAMPLE_QUERIES = ["kraamzorg extra uren", "consultatiebureau", "wijkteam", "huilbaby", "POH"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")



def clean_text(value: str, limit: int) -> tuple[str, bool]:
    """Normalise user text: NFC, no control characters (PostgreSQL refuses NUL), trimmed to `limit`."""
    value = unicodedata.normalize("NFC", value or "")
    value = _CONTROL.sub(" ", value)
    value = " ".join(value.split())
    truncated = len(value) > limit
    return value[:limit].strip(), truncated


def terms_by_taxonomy(obj: Any) -> dict[str, list[TaxonomyTerm]]:
    """The record's terms per taxonomy, by name (the shared prefetch orders them by code)."""
    grouped: dict[str, list[TaxonomyTerm]] = {t: [] for t in Taxonomy.values}
    for term in sorted(obj.terms.all(), key=lambda t: t.name):
        grouped.setdefault(term.taxonomy, []).append(term)
    return grouped


def term_options(taxonomy: str) -> list[tuple[str, str]]:
    return [(t.code, t.name) for t in TaxonomyTerm.objects.filter(taxonomy=taxonomy).order_by("name")]


def phase_options() -> list[tuple[str, str]]:
    names = dict(TaxonomyTerm.objects.filter(taxonomy=Taxonomy.PHASE).values_list("code", "name"))
    return [(code, names.get(code) or str(label)) for code, label in PHASES]


def wijk_options() -> list[tuple[str, str]]:
    return list(Wijk.objects.order_by("name").values_list("slug", "name"))


@dataclass
class Item:
    """One row on a results or overview page."""

    slug: str
    kind: str
    name: str
    summary: str
    url: str
    pk: Any = None
    wait_time: WaitTimeInfo | None = None  # services on a results page: the current waiting time
    # Search: the same real-world body under another record (the organisation filling this role).
    also: list[dict[str, str]] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


def as_item(obj: Any) -> Item:
    """One row for a results or overview list."""
    summary = getattr(obj, "summary", "") or ""
    if isinstance(obj, Wijk):
        summary = obj.description.split("\n")[0] if obj.description else ""
    return Item(slug=obj.slug, kind=kind_of(obj), name=obj.name, summary=summary, url=record_url(obj), pk=obj.pk)


# --- search --------------------------------------------------------------------------------------


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    page: int = 1
    page_given: str = ""
    notices: list[str] = field(default_factory=list)
    suggestion: str = ""  # "Bedoelde u …?": the query with a likely typo corrected

    def suggestion_query(self) -> str:
        """The querystring that runs the suggested search with the same filters."""
        return replace(self, q=self.suggestion).querystring()

    @property
    def has_filters(self) -> bool:
        return any(self.filters.values())

    def querystring(self, page: int | None = None) -> str:
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for name in FILTER_NAMES:
            for value in self.filters.get(name, []):
                pairs.append((name, value))
        if page and page > 1:
            pairs.append((PAGE_PARAM, str(page)))
        return urlencode(pairs)


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    return {
        "wijk": wijk_options(),
        "wet": term_options(Taxonomy.LAW),
        "fase": phase_options(),
        "domein": term_options(Taxonomy.DOMAIN),
        "toegang": term_options(Taxonomy.ACCESS),
        "soort": [(code, str(label)) for code, label in KIND_LABELS.items()],
    }


def parse_search(params: Mapping[str, Any], choices: dict[str, list[tuple[str, str]]]) -> SearchRequest:
    """Read q, filters and page from GET; anything unknown or malformed becomes a notice, never an error."""
    req = SearchRequest()
    raw_q = params.get("q", "") or ""
    req.q, truncated = clean_text(str(raw_q), MAX_QUERY_CHARS)
    if truncated:
        req.notices.append(
            _("Uw zoekopdracht was erg lang; we zochten alleen op de eerste %(n)s tekens.") % {"n": MAX_QUERY_CHARS}
        )
    getlist = params.getlist if hasattr(params, "getlist") else (lambda k: [params[k]] if k in params else [])
    for name in FILTER_NAMES:
        known = {code for code, _label in choices[name]}
        values: list[str] = []
        for raw in getlist(name):
            value, _t = clean_text(str(raw), 100)
            if not value:
                continue
            if value in known:
                if value not in values:
                    values.append(value)
            else:
                req.notices.append(
                    _("Onbekend filter genegeerd: %(name)s = “%(value)s”.") % {"name": name, "value": value[:40]}
                )
        req.filters[name] = values
    for name in sorted(set(params.keys()) - KNOWN_PARAMS):
        shown, _t = clean_text(str(name), 40)
        req.notices.append(_("Onbekend filter genegeerd: %(name)s.") % {"name": shown})
    raw_page = str(params.get(PAGE_PARAM, "") or "").strip()
    req.page_given = raw_page
    req.page, notice = page_number(raw_page)
    if notice:
        req.notices.append(notice)
    return req


def _area_q(slugs: list[str], *, own_wijk: bool) -> Q:
    """Serves one of the given wijken: explicitly, or citywide (no service area and no own wijk)."""
    if not own_wijk:
        return Q(service_areas__slug__in=slugs) | Q(service_areas__isnull=True)
    return (
        Q(wijk__slug__in=slugs)
        | Q(service_areas__slug__in=slugs)
        | (Q(service_areas__isnull=True) & Q(wijk__isnull=True))
    )


def filtered_querysets(filters: Mapping[str, list[str]]) -> dict[str, QuerySet]:
    """Per model, the records that match every given filter (OR within a filter, AND between filters)."""
    kinds = set(filters.get("soort") or KIND_LABELS.keys())
    term_filters = {name: filters.get(name) or [] for name in TERM_FILTERS}
    wijken = filters.get("wijk") or []

    def with_terms(qs: QuerySet) -> QuerySet:
        for name, codes in term_filters.items():
            if codes:
                qs = qs.filter(terms__taxonomy=TERM_FILTERS[name], terms__code__in=codes)
        return qs

    result: dict[str, QuerySet] = {}
    if "rol" in kinds:
        result["rol"] = with_terms(Role.objects.all())  # roles play a part in every wijk
    if "aanbod" in kinds:
        qs = with_terms(Service.objects.all())
        if wijken:
            qs = qs.filter(_area_q(wijken, own_wijk=False))
        result["aanbod"] = qs
    org_kinds = [k for k in ("organisatie", "team", "netwerk") if k in kinds]
    if org_kinds:
        qs = with_terms(Organization.objects.filter(kind__in=org_kinds))
        if wijken:
            qs = qs.filter(_area_q(wijken, own_wijk=True))
        result["org"] = qs
    if "wijk" in kinds and not any(term_filters.values()):
        qs = Wijk.objects.all()
        if wijken:
            qs = qs.filter(slug__in=wijken)
        result["wijk"] = qs
    return {k: v.distinct() for k, v in result.items()}


def ranked_hits(q: str) -> tuple[list[dict[str, Any]], str] | None:
    """Hits in relevance order from the one search (the tantivy index) and its "Bedoelde u" suggestion,
    or None when it failed."""
    try:
        outcome = search_service.search_outcome(q, limit=SEARCH_LIMIT)
    except Exception:  # a search-engine failure shows a Dutch notice on the page, not a 500
        logger.exception("search failed for a query of %s characters", len(q))
        return None
    return outcome.results, outcome.suggestion


def ranked_slugs(q: str) -> list[str] | None:
    """Slugs in relevance order from the one search, or None when it failed."""
    found = ranked_hits(q)
    return None if found is None else [row["slug"] for row in found[0]]


def run_search(req: SearchRequest) -> list[Item]:
    """All matching rows: with q, the index's hits that pass the filters in relevance order; without q,
    every filtered record by name (browse)."""
    querysets = filtered_querysets(req.filters)
    if req.q:
        ranked = ranked_hits(req.q)
        if ranked is None:
            req.notices.append(_("Zoeken lukt op dit moment niet. Probeer het later opnieuw of gebruik de filters."))
            return []
        hits, req.suggestion = ranked
        # A grouped row stands for every record in it: when the filters drop the one shown first, the
        # next of its group that passes them takes its place.
        slugs = [s for hit in hits for s in (hit["slug"], *(a["slug"] for a in hit.get("also") or []))]
        found: dict[str, Any] = {}
        for qs in querysets.values():
            for obj in qs.filter(slug__in=slugs):
                found.setdefault(obj.slug, obj)
        items: list[Item] = []
        for hit in hits:
            group = [hit["slug"], *(a["slug"] for a in hit.get("also") or [])]
            shown = [found[s] for s in group if s in found]
            if shown:
                item = as_item(shown[0])
                item.also = [{"name": o.name, "url": record_url(o), "kind": kind_of(o)} for o in shown[1:]]
                items.append(item)
        return items
    if not req.has_filters:
        return []
    objs: list[Any] = []
    for qs in querysets.values():
        objs.extend(qs)
    objs.sort(key=lambda o: o.name.casefold())
    return [as_item(o) for o in objs]


def paginate(items: list[Item], req: SearchRequest) -> Page:
    """Django's Paginator; a page past the end shows the last page with a notice, never a 404."""
    paginator = Paginator(items, PAGE_SIZE)
    number = req.page
    if number > paginator.num_pages:
        if req.page_given:
            req.notices.append(past_last_notice(number, paginator.num_pages))
        number = paginator.num_pages
    return paginator.page(number)


def _add_wait_times(items: list[Item]) -> None:
    """The current waiting time on each service of one results page (one query for the page)."""
    services = [i for i in items if i.kind == "aanbod"]
    waits = current_wait_times(i.pk for i in services)
    for item in services:
        item.wait_time = waits.get(item.pk)


def search_page(params: Mapping[str, Any]) -> dict[str, Any]:
    """The search page: q, filters and page from GET (malformed parts become notices), one page of hits."""
    choices = filter_choices()
    req = parse_search(params, choices)
    items = run_search(req)
    page = paginate(items, req)
    _add_wait_times(list(page.object_list))
    filter_groups = [
        {
            "name": name,
            "label": FILTER_LABELS[name],
            "options": [(code, label, code in req.filters.get(name, [])) for code, label in choices[name]],
            "checkboxes": name in ("wet", "fase"),
        }
        for name in FILTER_NAMES
        if choices[name]
    ]
    active = [
        (FILTER_LABELS[name], dict(choices[name]).get(code, code))
        for name in FILTER_NAMES
        for code in req.filters.get(name, [])
    ]
    return {
        "search": req,
        "page": page,
        "count": page.paginator.count,
        **page_links(page.number, page.paginator.num_pages, req.querystring),
        "filter_groups": filter_groups,
        "active_filters": active,
        "searched": bool(req.q or req.has_filters),
        "example_queries": EXAMPLE_QUERIES,
    }


# --- detail --------------------------------------------------------------------------------------


def _availability(obj: Any) -> list[str]:
    lines: list[str] = []
    if obj.availability:
        lines.append(obj.availability)
    if obj.office_hours_only is True and not any("kantoortijd" in line.lower() for line in lines):
        lines.append(_("Alleen tijdens kantoortijden"))
    elif obj.office_hours_only is False:
        lines.append(_("Ook buiten kantoortijden bereikbaar"))
    schedules = getattr(obj, "schedules", None)
    if schedules is not None:
        lines.extend(s.description for s in schedules.all() if s.description not in lines)
    return lines


def _names(items: Iterable[Any]) -> list[Item]:
    return sorted((as_item(o) for o in items), key=lambda i: i.name.casefold())


def detail_context(kind: str, obj: Any) -> dict[str, Any]:
    terms = terms_by_taxonomy(obj)
    phones = list(obj.phones.all()) if hasattr(obj, "phones") else []
    contacts = list(obj.contacts.prefetch_related("phones")) if hasattr(obj, "contacts") else []
    ctx: dict[str, Any] = {
        "record": obj,
        "kind": kind,
        "kind_label": KIND_LABELS.get(kind, kind),
        "laws": terms.get(Taxonomy.LAW, []),
        "domains": terms.get(Taxonomy.DOMAIN, []),
        "phases": terms.get(Taxonomy.PHASE, []),
        "access": terms.get(Taxonomy.ACCESS, []),
        "concerns": terms.get(Taxonomy.CONCERN, []),
        "availability": _availability(obj),
        "phones": phones,
        "contacts": contacts,
        "links": [link for link in (obj.links or []) if isinstance(link, Mapping) and link.get("url")],
        "sources": [str(s) for s in (obj.sources or [])],
        "related_sections": [],
    }
    sections: list[tuple[Any, list[Item]]] = []
    if isinstance(obj, Role):
        sections.append((gettext_lazy("Organisaties en teams in deze rol"), _names(obj.organizations.all())))
        sections.append((gettext_lazy("Aanbod via of door deze rol"), _names(obj.services.all())))
    elif isinstance(obj, Service):
        sections.append((gettext_lazy("Aanbieders"), _names(obj.organizations.all())))
        sections.append((gettext_lazy("Via of door"), _names(obj.roles.all())))
        ctx["service_areas"] = list(obj.service_areas.all())
        ctx["waiting_time"] = obj.waiting_time
        current = service_current_wait_time(obj.pk)
        ctx["wait_time"] = current
        ctx["wait_time_history"] = service_wait_time_history(obj)[:12]
        ctx["fundings"] = service_fundings(obj)
        ctx["zorgplicht"] = zorgplicht_for(obj, current)
        ctx["while_waiting"] = while_waiting_text(obj)
    elif isinstance(obj, Organization):
        if obj.parent:
            sections.append((gettext_lazy("Onderdeel van"), [as_item(obj.parent)]))
        sections.append((gettext_lazy("Onderdelen en teams"), _names(obj.children.all())))
        sections.append((gettext_lazy("Rollen"), _names(obj.roles.all())))
        sections.append((gettext_lazy("Aanbod"), _names(obj.services.all())))
        ctx["service_areas"] = list(obj.service_areas.all())
        ctx["locations"] = list(obj.locations.select_related("wijk"))
        ctx["is_network"] = obj.kind == Organization.Kind.NETWORK
    ctx["related_sections"] = [(title, items) for title, items in sections if items]
    crumbs = [{"url": reverse("socialmap:search"), "label": _("Sociale kaart")}]
    wijk = getattr(obj, "wijk", None)
    if wijk is not None:
        crumbs.append({"url": reverse("socialmap:wijken"), "label": _("Wijken")})
        crumbs.append({"url": record_url(wijk), "label": wijk.name})
    ctx["crumbs"] = crumbs
    return ctx


# --- wijk ----------------------------------------------------------------------------------------


def _role_sort_key(role: Role) -> tuple[int, str]:
    return (0, role.name.casefold())


def wijk_context(wijk: Wijk) -> dict[str, Any]:
    """Who is who in one wijk: its own teams and network, and the partners per role that serve it."""
    own = list(
        Organization.objects.filter(Q(wijk=wijk) | Q(locations__wijk=wijk))
        .distinct()
        .prefetch_related("roles", "phones")
        .order_by("name")
    )
    teams = [o for o in own if o.kind == Organization.Kind.TEAM]
    networks = [o for o in own if o.kind == Organization.Kind.NETWORK]
    others = [o for o in own if o.kind == Organization.Kind.ORGANIZATION]
    own_ids = {o.pk for o in own}
    serving = (
        Organization.objects.filter(
            Q(service_areas=wijk) | (Q(service_areas__isnull=True) & Q(wijk__isnull=True))
        )
        .distinct()
        .prefetch_related("roles")
    )
    per_role: dict[Any, list[Organization]] = {}
    for org in list(own) + [o for o in serving if o.pk not in own_ids]:
        for role in org.roles.all():
            per_role.setdefault(role, []).append(org)
    roles = []
    for role in sorted(Role.objects.all(), key=_role_sort_key):
        orgs = sorted(per_role.get(role, []), key=lambda o: (o.wijk_id != wijk.pk, o.name.casefold()))
        roles.append({"role": as_item(role), "organizations": [as_item(o) for o in orgs]})
    services = Service.objects.filter(service_areas=wijk).order_by("name")
    return {
        "wijk": wijk,
        "teams": teams,
        "networks": networks,
        "other_organizations": [as_item(o) for o in others],
        "roles": roles,
        "local_services": [as_item(s) for s in services],
        "sources": [str(s) for s in (wijk.sources or [])],
        "crumbs": [{"url": reverse("socialmap:wijken"), "label": _("Wijken")}],
    }


def wijken_list() -> list[dict[str, Any]]:
    rows = []
    for wijk in Wijk.objects.order_by("name").prefetch_related("organizations"):
        teams = [o for o in wijk.organizations.all() if o.kind == Organization.Kind.TEAM]
        rows.append({"wijk": wijk, "url": record_url(wijk), "teams": [as_item(t) for t in teams]})
    return rows


# --- wie doet wat --------------------------------------------------------------------------------


def wie_doet_wat(fase: str | None) -> dict[str, Any]:
    phases = phase_options()
    codes = [code for code, _label in phases]
    notice = ""
    if fase and fase not in codes:
        notice = _("Onbekende fase “%(f)s”; we tonen alle fasen.") % {"f": clean_text(fase, 40)[0]}
        fase = None
    domain_names = dict(TaxonomyTerm.objects.filter(taxonomy=Taxonomy.DOMAIN).values_list("code", "name"))
    selected = [(code, label) for code, label in phases if not fase or code == fase]
    sections = []
    for code, label in selected:
        groups: dict[str, dict[str, list[Item]]] = {}
        for key, model in (("roles", Role), ("services", Service)):
            qs = (
                model.objects.filter(terms__taxonomy=Taxonomy.PHASE, terms__code=code)
                .distinct()
                .prefetch_related(_terms_prefetch())
                .order_by("name")
            )
            for obj in qs:
                domains = [t.code for t in obj.terms.all() if t.taxonomy == Taxonomy.DOMAIN] or [""]
                for d in domains:
                    groups.setdefault(d, {"roles": [], "services": []})[key].append(as_item(obj))

        def order(d: str) -> tuple[int, int, str]:
            if d in DOMAIN_ORDER:
                return (0, DOMAIN_ORDER.index(d), "")
            return (1 if d else 2, 0, domain_names.get(d, d))

        domain_groups = [
            {
                "code": d,
                "label": domain_names.get(d) or (d.replace("-", " ").capitalize() if d else _("Domein onbekend")),
                "roles": groups[d]["roles"],
                "services": groups[d]["services"],
            }
            for d in sorted(groups, key=order)
        ]
        sections.append({"code": code, "label": label, "intro": PHASE_INTRO.get(code, ""), "domains": domain_groups})
    return {"phases": phases, "fase": fase, "sections": sections, "notice": notice}


# --- home ----------------------------------------------------------------------------------------


def home_context() -> dict[str, Any]:
    return {
        "phases": phase_options(),
        "wijken": [{"slug": w.slug, "name": w.name, "url": record_url(w)} for w in Wijk.objects.order_by("name")],
        "example_queries": EXAMPLE_QUERIES,
        "counts": {
            "roles": Role.objects.count(),
            "services": Service.objects.count(),
            "organizations": Organization.objects.count(),
        },
    }


# ---------------------------------------------------------------- readiness (registered in apps.py)


def readiness_check() -> Check:
    """Readiness: the social map has records."""
    counts = {model.__name__: model.objects.count() for model in (Service, Organization, Role)}
    if not counts["Service"] and not counts["Organization"]:
        return Check("social_map", False, _("De sociale kaart is leeg: laad de inhoud ('wegwijzer content load')."))
    return Check(
        "social_map",
        True,
        _("De sociale kaart heeft %(services)d aanbod, %(orgs)d organisaties en %(roles)d rollen.")
        % {"services": counts["Service"], "orgs": counts["Organization"], "roles": counts["Role"]},
    )


# ---------------------------------------------------------------- HSDS API reads (socialmap/api.py)


def search_slugs(query: str) -> set[str]:
    """Slugs of every record the one search finds for `query` (HSDS `search`), whatever their number."""
    from .search import lifecycle

    idx = lifecycle.current()
    return {hit["slug"] for hit in idx.search(query, limit=max(idx.size, 1))}


def hsds_services_qs() -> QuerySet[Service]:
    """Services with everything the HSDS shapes read (a fixed number of queries per page)."""
    from .models import Funding, ServiceAtLocation, WaitTime

    return _services_qs(_hsds_contacts()).prefetch_related(
        Prefetch("service_at_locations", queryset=ServiceAtLocation.objects.select_related("location__wijk")),
        Prefetch("wait_times", queryset=WaitTime.objects.select_related("wijk", "location")),
        Prefetch("fundings", queryset=Funding.objects.select_related("law")),
    )


def hsds_organizations_qs() -> QuerySet[Organization]:
    from .models import Funding, Location

    return _organizations_qs(_hsds_contacts()).prefetch_related(
        Prefetch("locations", queryset=Location.objects.select_related("wijk")),
        Prefetch("fundings", queryset=Funding.objects.select_related("law")),
        Prefetch("services", queryset=hsds_services_qs()),
    )


def _hsds_contacts() -> Prefetch:
    from .models import Contact

    return Prefetch("contacts", queryset=Contact.objects.prefetch_related("phones"))


def hsds_filter(
    qs: QuerySet,
    *,
    search: str = "",
    taxonomy_term_id: str = "",
    taxonomy: str = "",
    organization: Organization | None = None,
    modified_after: Any = None,
    prefix: str = "",
) -> QuerySet:
    """The HSDS filters, cumulative (AND). `prefix` reaches the service from another model ("service__")."""
    if search:
        qs = qs.filter(**{f"{prefix}slug__in": search_slugs(search)})
    if taxonomy_term_id:
        qs = qs.filter(**{f"{prefix}terms__id": taxonomy_term_id})
    if taxonomy:
        qs = qs.filter(**{f"{prefix}terms__taxonomy": taxonomy})
    if organization is not None:
        qs = qs.filter(**{f"{prefix}organizations": organization})
    if modified_after is not None:
        qs = qs.filter(**{f"{prefix}updated_at__gte": modified_after})
    return qs.distinct()


# --- search figures (issue 14; recorded by search_stats.py, read by inzicht) -----------------------------


def search_zero_results(*, start: dt.date, end_exclusive: dt.date, limit: int = 20) -> list[tuple[str, int, int]]:
    """Kept queries that found nothing in the period, most often first: (query, searches, found nothing)."""
    rows = (
        SearchQueryDay.objects.filter(day__gte=start, day__lt=end_exclusive).values("query__text")
        .annotate(n=Sum("searches"), z=Sum("zero_results")).filter(z__gt=0).order_by("-z", "query__text")[:limit]
    )
    return [(row["query__text"], int(row["n"]), int(row["z"])) for row in rows]


def search_words(*, start: dt.date, end_exclusive: dt.date, limit: int = 20) -> list[tuple[str, int]]:
    """The words of the kept queries by how often they were searched in the period (function words left out).
    One GROUP BY per kept query (there are few: each took five visitors); the words are counted from those."""
    per_query = (
        SearchQueryDay.objects.filter(day__gte=start, day__lt=end_exclusive).values("query__text")
        .annotate(n=Sum("searches")).order_by()
    )
    counts: dict[str, int] = {}
    for row in per_query:
        for word in set(row["query__text"].split()) - STOPWORDS:
            counts[word] = counts.get(word, 0) + int(row["n"])
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
