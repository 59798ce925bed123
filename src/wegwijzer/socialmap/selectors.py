"""Reads of the social map: one record by slug, stable dicts for JSON/CLI, search documents, filtered lists.

Every function here only reads; writes live in services.py and content.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse

from .models import Organization, Phone, Role, Service, Taxonomy, TaxonomyTerm, Wijk

# Which taxonomy feeds which record field.
TERM_FIELDS: dict[str, str] = {  # taxonomy value -> field
    Taxonomy.LAW: "laws",
    Taxonomy.PHASE: "phases",
    Taxonomy.CONCERN: "concerns",
    Taxonomy.DOMAIN: "domain",
    Taxonomy.ACCESS: "access",
}
KINDS = ("rol", "aanbod", "organisatie", "team", "netwerk", "wijk")

RecordModel = Role | Service | Organization | Wijk


def detail_url(slug: str) -> str:
    """The web detail page of a record (the web app owns the route; fall back to its documented shape)."""
    try:
        return reverse("socialmap:detail", kwargs={"slug": slug})
    except NoReverseMatch:
        return f"/kaart/{slug}/"


def kind_of(obj: Model) -> str:
    if isinstance(obj, Role):
        return "rol"
    if isinstance(obj, Service):
        return "aanbod"
    if isinstance(obj, Organization):
        return obj.kind
    if isinstance(obj, Wijk):
        return "wijk"
    raise TypeError(f"not a social-map record: {obj!r}")


# ---------------------------------------------------------------- querysets


def _terms_prefetch() -> Prefetch:
    return Prefetch("terms", queryset=TaxonomyTerm.objects.order_by("taxonomy", "code"))


def roles_qs() -> QuerySet[Role]:
    return Role.objects.prefetch_related(_terms_prefetch()).order_by("slug")


def services_qs() -> QuerySet[Service]:
    return (
        Service.objects.prefetch_related(
            _terms_prefetch(),
            Prefetch("organizations", queryset=Organization.objects.order_by("slug")),
            Prefetch("roles", queryset=Role.objects.order_by("slug")),
            Prefetch("service_areas", queryset=Wijk.objects.order_by("slug")),
            Prefetch("phones", queryset=Phone.objects.order_by("number", "id")),
            "schedules",
            "contacts",
        )
        .order_by("slug")
    )


def organizations_qs() -> QuerySet[Organization]:
    return (
        Organization.objects.select_related("parent", "wijk")
        .prefetch_related(
            _terms_prefetch(),
            Prefetch("roles", queryset=Role.objects.order_by("slug")),
            Prefetch("service_areas", queryset=Wijk.objects.order_by("slug")),
            Prefetch("children", queryset=Organization.objects.order_by("slug")),
            Prefetch("phones", queryset=Phone.objects.order_by("number", "id")),
            "schedules",
            "contacts",
        )
        .order_by("slug")
    )


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


def term_codes(obj: Model) -> dict[str, Any]:
    """laws/phases/concerns/access as sorted code lists, domain as one code (or "")."""
    out: dict[str, Any] = {"laws": [], "phases": [], "concerns": [], "domain": "", "access": []}
    for term in obj.terms.all():  # type: ignore[attr-defined]
        field = TERM_FIELDS.get(term.taxonomy)
        if field == "domain":
            out["domain"] = out["domain"] or term.code
        elif field:
            out[field].append(term.code)
    for key in ("laws", "phases", "concerns", "access"):
        out[key] = sorted(out[key])
    return out


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
        for row in Organization.objects.values("id", "slug", "name", "kind", "email", "wijk__slug")
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
    from .snapshot import snapshot

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
                "url": detail_url(o["slug"]),
            })
    return out


# ---------------------------------------------------------------- search documents


def search_documents() -> list[dict[str, Any]]:
    """One flat dict per record (roles, services, organisations, wijken) for the search index."""
    docs: list[dict[str, Any]] = []

    def base(obj: Any, kind: str, wijken: Iterable[str]) -> dict[str, Any]:
        terms = term_codes(obj)
        return {
            "slug": obj.slug,
            "kind": kind,
            "name": obj.name,
            "alternate_name": obj.alternate_name,
            "summary": obj.summary,
            "description": obj.description,
            "target_group": obj.target_group,
            "conditions": obj.conditions,
            "application_process": obj.application_process,
            "laws": terms["laws"],
            "phases": terms["phases"],
            "domain": terms["domain"],
            "access": terms["access"],
            "wijken": sorted(set(wijken)),
            "url": detail_url(obj.slug),
        }

    for role in roles_qs():
        docs.append(base(role, "rol", []))
    for service in services_qs():
        docs.append(base(service, "aanbod", [w.slug for w in service.service_areas.all()]))
    for org in organizations_qs():
        wijken = [w.slug for w in org.service_areas.all()]
        if org.wijk:
            wijken.append(org.wijk.slug)
        docs.append(base(org, org.kind, wijken))
    for wijk in wijken_qs():
        docs.append(
            {
                "slug": wijk.slug,
                "kind": "wijk",
                "name": wijk.name,
                "alternate_name": "",
                "summary": "",
                "description": wijk.description,
                "target_group": "",
                "conditions": "",
                "application_process": "",
                "laws": [],
                "phases": [],
                "domain": "",
                "access": [],
                "wijken": [wijk.slug],
                "url": detail_url(wijk.slug),
            }
        )
    return docs


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
    from django.db.models import Q

    qs = services_qs()
    if wijk:
        qs = qs.filter(Q(service_areas__slug=wijk) | Q(service_areas__isnull=True))
    return _filter_terms(qs, {"law": law, "phase": phase, "domain": domain, "access": access}).order_by("slug")


def organization_list(
    *, wijk: str = "", law: str = "", phase: str = "", domain: str = "", access: str = "", kind: str = ""
) -> QuerySet[Organization]:
    """Organisations, filtered; a wijk matches its own teams/networks and organisations serving it (or all)."""
    from django.db.models import Q

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



# ---------------------------------------------------------------- HSDS API reads (socialmap/api.py)


def search_slugs(query: str) -> set[str]:
    """Slugs of every record the one search finds for `query` (HSDS `search`), whatever their number."""
    from .search import index

    idx = index.current()
    return {hit["slug"] for hit in idx.search(query, limit=max(idx.size, 1))}


def hsds_services_qs() -> QuerySet[Service]:
    """Services with everything the HSDS shapes read (a fixed number of queries per page)."""
    from .models import Contact, ServiceAtLocation

    return Service.objects.prefetch_related(
        _terms_prefetch(),
        Prefetch("organizations", queryset=Organization.objects.order_by("slug")),
        Prefetch("roles", queryset=Role.objects.order_by("slug")),
        Prefetch("service_areas", queryset=Wijk.objects.order_by("slug")),
        Prefetch("phones", queryset=Phone.objects.order_by("number", "id")),
        "schedules",
        Prefetch("contacts", queryset=Contact.objects.prefetch_related("phones")),
        Prefetch("service_at_locations", queryset=ServiceAtLocation.objects.select_related("location__wijk")),
    ).order_by("slug")


def hsds_organizations_qs() -> QuerySet[Organization]:
    from .models import Contact, Location

    return (
        Organization.objects.select_related("parent", "wijk")
        .prefetch_related(
            _terms_prefetch(),
            Prefetch("roles", queryset=Role.objects.order_by("slug")),
            Prefetch("service_areas", queryset=Wijk.objects.order_by("slug")),
            Prefetch("children", queryset=Organization.objects.order_by("slug")),
            Prefetch("phones", queryset=Phone.objects.order_by("number", "id")),
            "schedules",
            Prefetch("contacts", queryset=Contact.objects.prefetch_related("phones")),
            Prefetch("locations", queryset=Location.objects.select_related("wijk")),
            Prefetch("services", queryset=hsds_services_qs()),
        )
        .order_by("slug")
    )


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
