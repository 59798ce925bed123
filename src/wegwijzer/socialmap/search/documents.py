"""What a social-map record looks like to the search index and to every reader: its kind, its page, its
taxonomy codes, and one flat search document per record.

The lowest read layer of the app (models only): the index builds from `search_documents()`, and
`wegwijzer.socialmap.selectors` (which uses the index) re-exports the helpers, so nothing imports in a circle.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.urls import reverse

from ..models import Organization, Role, Service, Taxonomy, TaxonomyTerm, Wijk

# Which taxonomy feeds which record field.
TERM_FIELDS: dict[str, str] = {  # taxonomy value -> field
    Taxonomy.LAW: "laws",
    Taxonomy.PHASE: "phases",
    Taxonomy.CONCERN: "concerns",
    Taxonomy.DOMAIN: "domain",
    Taxonomy.ACCESS: "access",
}
KINDS = ("rol", "aanbod", "organisatie", "team", "netwerk", "wijk")


def detail_url(slug: str) -> str:
    """The web detail page of a record (any kind; the detail view renders a wijk's page for a wijk slug)."""
    return reverse("socialmap:detail", kwargs={"slug": slug})


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


def term_codes(obj: Model) -> dict[str, Any]:
    """laws/phases/concerns/access as sorted code lists, domain as one code (or "")."""
    out: dict[str, Any] = {"laws": [], "phases": [], "concerns": [], "domain": "", "access": []}
    for term in sorted(obj.terms.all(), key=lambda t: (t.taxonomy, t.code)):  # type: ignore[attr-defined]
        field = TERM_FIELDS.get(term.taxonomy)
        if field == "domain":
            out["domain"] = out["domain"] or term.code
        elif field:
            out[field].append(term.code)
    for key in ("laws", "phases", "concerns", "access"):
        out[key] = sorted(out[key])
    return out


def _with_terms(qs: QuerySet) -> QuerySet:
    return qs.prefetch_related(Prefetch("terms", queryset=TaxonomyTerm.objects.order_by("taxonomy", "code")))


def search_documents() -> list[dict[str, Any]]:
    """One flat dict per record (roles, services, organisations, wijken) for the search index."""
    docs: list[dict[str, Any]] = []

    def base(obj: Any, kind: str, wijken: list[str]) -> dict[str, Any]:
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

    for role in _with_terms(Role.objects.order_by("slug")):
        docs.append(base(role, "rol", []))
    for service in _with_terms(Service.objects.prefetch_related("service_areas").order_by("slug")):
        docs.append(base(service, "aanbod", [w.slug for w in service.service_areas.all()]))
    orgs = Organization.objects.select_related("wijk").prefetch_related("service_areas").order_by("slug")
    for org in _with_terms(orgs):
        wijken = [w.slug for w in org.service_areas.all()]
        if org.wijk:
            wijken.append(org.wijk.slug)
        docs.append(base(org, org.kind, wijken))
    for wijk in Wijk.objects.order_by("slug"):
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
