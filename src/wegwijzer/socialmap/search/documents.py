"""What a social-map record looks like to the search index and to every reader: its kind, its page, its
taxonomy codes, and one flat search document per record.

The lowest read layer of the app (models only): the index builds from `search_documents()`, and
`wegwijzer.socialmap.selectors` (which uses the index) re-exports the helpers, so nothing imports in a circle.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
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


def _url_maker() -> tuple[str, str]:
    """The detail URL around a slug, resolved once per build (slugs are URL-safe: no quoting needed)."""
    marker = "slug-marker-0"
    url = detail_url(marker)
    head, _sep, tail = url.partition(marker)
    return head, tail


def group_keys() -> dict[str, str]:
    """slug -> the real-world body it stands for: a role is its own group, an organisation filling exactly
    one role is in that role's group (Veilig Thuis the role and the organisation). Search shows a group of
    exactly two records (the role and its one organisation) as one result; see search/ranking.py."""
    groups = {slug: slug for slug in Role.objects.values_list("slug", flat=True)}
    roles_of: dict[str, list[str]] = {}
    through = Organization.roles.through
    for org_slug, role_slug in through.objects.values_list("organization__slug", "role__slug"):
        roles_of.setdefault(org_slug, []).append(role_slug)
    for org_slug, role_slugs in roles_of.items():
        if len(role_slugs) == 1:
            groups[org_slug] = role_slugs[0]
    return groups


_RECORD_FIELDS = (
    "id", "slug", "name", "alternate_name", "summary", "description", "target_group", "conditions",
    "application_process",
)


def _term_rows(model: type[Model], ids: set[Any] | None) -> dict[Any, list[tuple[str, str, str]]]:
    """owner id -> [(taxonomy, code, name)] sorted by (taxonomy, code): one flat query over the link table."""
    through = model.terms.through  # type: ignore[attr-defined]
    owner = f"{model._meta.model_name}_id"
    qs = through.objects.all()
    if ids is not None:
        qs = qs.filter(**{f"{owner}__in": ids})
    out: dict[Any, list[tuple[str, str, str]]] = {}
    rows = qs.values_list(owner, "taxonomyterm__taxonomy", "taxonomyterm__code", "taxonomyterm__name")
    for owner_id, taxonomy, code, name in rows:
        out.setdefault(owner_id, []).append((taxonomy, code, name))
    for terms in out.values():
        terms.sort()
    return out


def _area_rows(model: type[Model], ids: set[Any] | None) -> dict[Any, list[str]]:
    """owner id -> wijk slugs of its service areas (one flat query)."""
    through = model.service_areas.through  # type: ignore[attr-defined]
    owner = f"{model._meta.model_name}_id"
    qs = through.objects.all()
    if ids is not None:
        qs = qs.filter(**{f"{owner}__in": ids})
    out: dict[Any, list[str]] = {}
    for owner_id, slug in qs.values_list(owner, "wijk__slug"):
        out.setdefault(owner_id, []).append(slug)
    return out


def _codes_of(terms: list[tuple[str, str, str]]) -> dict[str, Any]:
    """The same shape as term_codes(): laws/phases/concerns/access sorted lists, domain the first code."""
    out: dict[str, Any] = {"laws": [], "phases": [], "concerns": [], "domain": "", "access": []}
    for taxonomy, code, _name in terms:
        field = TERM_FIELDS.get(taxonomy)
        if field == "domain":
            out["domain"] = out["domain"] or code
        elif field:
            out[field].append(code)
    return out


def search_documents(only: dict[str, set[Any]] | None = None) -> list[dict[str, Any]]:
    """One flat dict per record (roles, services, organisations, wijken) for the search index.

    Flat `.values()` reads only: no model objects, no per-record URL resolving. `only` (change-log kind ->
    record ids) limits the read to those records, for an incremental update; the full build and the update
    produce the same document for a record. Each document carries `id` (stable across renames) and
    `tag_labels`: the Dutch labels of its taxonomy codes ("Zorgverzekeringswet" finds zvw) and the
    signals/questions (concerns) it helps with ("huilbaby", "armoede").
    """
    head, tail = _url_maker()
    labels: dict[str, str] = {}
    for code, name in TaxonomyTerm.objects.order_by("taxonomy", "code").values_list("code", "name"):
        labels.setdefault(code, name)
    docs: list[dict[str, Any]] = []

    def wanted(kind: str) -> set[Any] | None:
        return None if only is None else set(only.get(kind) or ())

    def add(row: dict[str, Any], kind: str, terms: list[tuple[str, str, str]], wijken: list[str]) -> None:
        codes = _codes_of(terms)
        tag_codes = [*codes["laws"], *codes["phases"], *([codes["domain"]] if codes["domain"] else []), *codes["access"]]
        concerns = [part for taxonomy, code, name in terms if taxonomy == Taxonomy.CONCERN for part in (code, name)]
        docs.append({
            **{k: row[k] for k in _RECORD_FIELDS},
            "id": str(row["id"]),
            "kind": kind,
            "laws": codes["laws"],
            "phases": codes["phases"],
            "domain": codes["domain"],
            "access": codes["access"],
            "wijken": sorted(set(wijken)),
            "url": f"{head}{row['slug']}{tail}",
            "tag_labels": " ".join([labels[c] for c in tag_codes if c in labels] + concerns),
        })

    for change_kind, model in (("role", Role), ("service", Service), ("organization", Organization)):
        ids = wanted(change_kind)
        if ids is not None and not ids:
            continue
        qs = model.objects.order_by("slug")
        if ids is not None:
            qs = qs.filter(id__in=ids)
        extra = ("kind", "wijk__slug") if model is Organization else ()
        rows = list(qs.values(*_RECORD_FIELDS, *extra))
        terms = _term_rows(model, ids)
        areas = _area_rows(model, ids) if model is not Role else {}
        for row in rows:
            wijken = list(areas.get(row["id"], ()))
            if model is Organization and row["wijk__slug"]:
                wijken.append(row["wijk__slug"])
            kind = row["kind"] if model is Organization else ("rol" if model is Role else "aanbod")
            add(row, kind, terms.get(row["id"], []), wijken)
    ids = wanted("wijk")
    if ids is None or ids:
        wijk_qs = Wijk.objects.order_by("slug")
        if ids is not None:
            wijk_qs = wijk_qs.filter(id__in=ids)
        for row in wijk_qs.values("id", "slug", "name", "description"):
            blank = {"alternate_name": "", "summary": "", "target_group": "", "conditions": "", "application_process": ""}
            add({**row, **blank}, "wijk", [], [row["slug"]])
    groups = group_keys()
    for doc in docs:
        doc["group"] = groups.get(doc["slug"], "")
    return docs
