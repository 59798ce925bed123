"""Page-level reads for the social map's web pages.

Views stay thin: they parse nothing themselves and call these functions. Reads go straight to the
models; the search service (wegwijzer.socialmap.search.service) is imported lazily and only gives
the relevance order of slugs; every row shown is rebuilt from the database here, so the pages never
depend on the shape of another module's dictionaries.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Organization, Role, Service, Taxonomy, TaxonomyTerm, Wijk

logger = logging.getLogger("wegwijzer.socialmap.pages")

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
KNOWN_PARAMS = {"q", "pagina", *FILTER_NAMES}

EXAMPLE_QUERIES = ["kraamzorg extra uren", "consultatiebureau", "wijkteam", "huilbaby", "POH"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TOKEN = re.compile(r"\w+", re.UNICODE)


# --- helpers -------------------------------------------------------------------------------------


def clean_text(value: str, limit: int) -> tuple[str, bool]:
    """Normalise user text: NFC, no control characters (PostgreSQL refuses NUL), trimmed to `limit`."""
    value = unicodedata.normalize("NFC", value or "")
    value = _CONTROL.sub(" ", value)
    value = " ".join(value.split())
    truncated = len(value) > limit
    return value[:limit].strip(), truncated


def kind_of(obj: Any) -> str:
    if isinstance(obj, Role):
        return "rol"
    if isinstance(obj, Service):
        return "aanbod"
    if isinstance(obj, Organization):
        return obj.kind
    if isinstance(obj, Wijk):
        return "wijk"
    raise TypeError(type(obj))


def record_url(obj: Any) -> str:
    if isinstance(obj, Wijk):
        return reverse("socialmap:wijk", args=[obj.slug])
    return reverse("socialmap:detail", args=[obj.slug])


def _terms_qs() -> Prefetch:
    return Prefetch("terms", queryset=TaxonomyTerm.objects.order_by("taxonomy", "name"))


def terms_by_taxonomy(obj: Any) -> dict[str, list[TaxonomyTerm]]:
    grouped: dict[str, list[TaxonomyTerm]] = {t: [] for t in Taxonomy.values}
    for term in obj.terms.all():
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

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


def as_item(obj: Any) -> Item:
    summary = getattr(obj, "summary", "") or ""
    if isinstance(obj, Wijk):
        summary = obj.description.split("\n")[0] if obj.description else ""
    return Item(slug=obj.slug, kind=kind_of(obj), name=obj.name, summary=summary, url=record_url(obj))


# --- search --------------------------------------------------------------------------------------


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    page: int = 1
    page_given: str = ""
    notices: list[str] = field(default_factory=list)

    @property
    def has_filters(self) -> bool:
        return any(self.filters.values())

    def querystring(self, page: int | None = None) -> str:
        from urllib.parse import urlencode

        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for name in FILTER_NAMES:
            for value in self.filters.get(name, []):
                pairs.append((name, value))
        if page and page > 1:
            pairs.append(("pagina", str(page)))
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
    raw_page = str(params.get("pagina", "") or "").strip()
    req.page_given = raw_page
    if raw_page:
        if raw_page.isdigit() and 0 < len(raw_page) < 7 and int(raw_page) >= 1:
            req.page = int(raw_page)
        else:
            req.notices.append(_("Het paginanummer “%(p)s” bestaat niet; we tonen pagina 1.") % {"p": raw_page[:20]})
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


def _fallback_search(q: str, querysets: Mapping[str, QuerySet]) -> list[Any]:
    """Plain substring search used only when the search service is not available."""
    tokens = [t.casefold() for t in _TOKEN.findall(q) if len(t) > 1][:10]
    if not tokens:
        return []
    hits: list[tuple[int, str, Any]] = []
    for key, qs in querysets.items():
        fields = ["name", "description"] if key == "wijk" else [
            "name", "alternate_name", "summary", "description", "target_group"
        ]
        cond = Q()
        for token in tokens:
            any_field = Q()
            for f in fields:
                any_field |= Q(**{f"{f}__icontains": token})
            cond &= any_field
        for obj in qs.filter(cond)[:SEARCH_LIMIT]:
            haystack = f"{obj.name} {getattr(obj, 'alternate_name', '')}".casefold()
            score = sum(1 for t in tokens if t in haystack)
            hits.append((-score, obj.name.casefold(), obj))
    hits.sort(key=lambda h: (h[0], h[1]))
    return [h[2] for h in hits]


def _service_slugs(q: str) -> list[str] | None:
    """Slugs in relevance order from the search service, or None when it is unavailable."""
    try:
        from wegwijzer.socialmap.search.service import search as service_search
    except ImportError:
        return None
    try:
        rows = service_search(q, limit=SEARCH_LIMIT)
    except Exception:  # a search-engine hiccup must not become a 500 for the user
        logger.exception("search service failed for a query of %s characters", len(q))
        return None
    return [row["slug"] for row in rows if isinstance(row, Mapping) and row.get("slug")]


def run_search(req: SearchRequest) -> tuple[list[Item], bool]:
    """All matching rows, in relevance order (with q) or by name (browse). Returns (items, used_service)."""
    querysets = filtered_querysets(req.filters)
    if req.q:
        slugs = _service_slugs(req.q)
        if slugs is None:
            return [as_item(o) for o in _fallback_search(req.q, querysets)], False
        found: dict[str, Any] = {}
        for qs in querysets.values():
            for obj in qs.filter(slug__in=slugs):
                found.setdefault(obj.slug, obj)
        return [as_item(found[s]) for s in dict.fromkeys(slugs) if s in found], True
    if not req.has_filters:
        return [], False
    objs: list[Any] = []
    for qs in querysets.values():
        objs.extend(qs)
    objs.sort(key=lambda o: o.name.casefold())
    return [as_item(o) for o in objs], False


@dataclass
class PageOf:
    items: list[Item]
    number: int
    num_pages: int
    count: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.count else 0


def paginate(items: list[Item], req: SearchRequest) -> PageOf:
    count = len(items)
    num_pages = max(1, -(-count // PAGE_SIZE))
    number = req.page
    if number > num_pages:
        if req.page_given:
            req.notices.append(
                _("Pagina %(p)s bestaat niet; er zijn %(n)s pagina’s. We tonen de laatste.")
                % {"p": number, "n": num_pages}
            )
        number = num_pages
    start = (number - 1) * PAGE_SIZE
    return PageOf(items=items[start : start + PAGE_SIZE], number=number, num_pages=num_pages, count=count)


def search_page(params: Mapping[str, Any]) -> dict[str, Any]:
    choices = filter_choices()
    req = parse_search(params, choices)
    items, _used_service = run_search(req)
    page = paginate(items, req)
    pages = [
        {"number": n, "query": req.querystring(n), "current": n == page.number}
        for n in range(max(1, page.number - 3), min(page.num_pages, page.number + 3) + 1)
    ]
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
        "pages": pages,
        "previous_query": req.querystring(page.number - 1) if page.has_previous else "",
        "next_query": req.querystring(page.number + 1) if page.has_next else "",
        "filter_groups": filter_groups,
        "active_filters": active,
        "searched": bool(req.q or req.has_filters),
        "example_queries": EXAMPLE_QUERIES,
    }


# --- detail --------------------------------------------------------------------------------------


def find_record(slug: str) -> tuple[str, Any] | None:
    """The record for a slug: role, service, organisation or wijk (in that order)."""
    slug = (slug or "")[:100]
    role = Role.objects.prefetch_related(_terms_qs()).filter(slug=slug).first()
    if role:
        return "rol", role
    service = Service.objects.prefetch_related(_terms_qs()).filter(slug=slug).first()
    if service:
        return "aanbod", service
    org = (
        Organization.objects.select_related("parent", "wijk")
        .prefetch_related(_terms_qs())
        .filter(slug=slug)
        .first()
    )
    if org:
        return org.kind, org
    wijk = Wijk.objects.filter(slug=slug).first()
    if wijk:
        return "wijk", wijk
    return None


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
    others = [o for o in own if o.kind == Organization.Kind.ORGANISATION]
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
        roles.append({"role": as_item(role), "organisations": [as_item(o) for o in orgs]})
    services = Service.objects.filter(service_areas=wijk).order_by("name")
    return {
        "wijk": wijk,
        "teams": teams,
        "networks": networks,
        "other_organisations": [as_item(o) for o in others],
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
                .prefetch_related(_terms_qs())
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
            "organisations": Organization.objects.count(),
        },
    }
