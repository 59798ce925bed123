"""The social map's JSON API: Open Referral HSDS 3.0 at /api/v1/ (plus Wegwijzer's roles, wijken, search).

Thin endpoints: the query schemas (schemas.py) validate, selectors read, the output schemas shape. Bad
query parameters are a 400 naming the parameter (schemas.QueryIn), an unknown id a 404, both in the one
error shape. The public read-only map answers with `Access-Control-Allow-Origin: *` (this router only).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router

from wegwijzer.core.apikit import ApiError, errors

from . import schemas, selectors
from .models import Organization, ServiceAtLocation, Taxonomy, TaxonomyTerm
from .schemas import BadQuery

router = Router(tags=["sociale kaart"])
PROFILE_URL = "https://docs.openreferral.org/en/v3.0/"  # plain HSDS 3.0, no profile of our own


def cors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The map is public and read-only: any site may read it (never added to case endpoints)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


router.add_decorator(cors, mode="view")


def _param_error(name: str, message: str) -> ApiError:
    return BadQuery({name: [message]})


def _not_found(what: str, key: str) -> ApiError:
    return ApiError(404, _("%(what)s '%(key)s' bestaat niet.") % {"what": what, "key": key[:100]})


def _found[T](obj: T | None, what: str, key: str) -> T:
    """The record, or the one 404 naming what was asked for."""
    if obj is None:
        raise _not_found(what, key)
    return obj


def _shape(request: HttpRequest, **hsds_flags: bool) -> None:
    request.hsds = hsds_flags  # type: ignore[attr-defined]


def paginate(qs: QuerySet | list, page: int, per_page: int) -> dict[str, Any]:
    """The HSDS paged list: total_items, total_pages, page_number, size, first/last page, empty, contents."""
    total = qs.count() if isinstance(qs, QuerySet) else len(qs)
    total_pages = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    items = list(qs[start:start + per_page]) if start < total else []
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(items),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not items,
        "contents": items,
    }


def _check_codes(values: dict[str, str | None]) -> None:
    """Wegwijzer's own filters take codes of the vocabulary; an unknown code is a 400 naming it."""
    known = selectors.known_codes()
    known["taxonomy"] = {t.value for t in Taxonomy}
    labels = {"wijk": _("wijk"), "law": _("wet"), "phase": _("fase"), "domain": _("domein"),
              "access": _("toegang"), "kind": _("soort"), "taxonomy": _("taxonomie")}
    problems = {
        name: [_("Onbekende %(label)s-code '%(value)s' voor parameter '%(name)s'.")
               % {"label": labels.get(name, name), "value": value[:100], "name": name}]
        for name, value in values.items()
        if value and value not in known.get(name, set())
    }
    if problems:
        raise BadQuery(problems)


def _extras(filters: Any, names: tuple[str, ...]) -> dict[str, str]:
    values = {name: getattr(filters, name) or "" for name in names}
    _check_codes(values)
    return values


def _taxonomy_of(value: str | None) -> str:
    """A taxonomy id (our stable uuid) or code → its code; '' when none given; unknown → no match."""
    if not value:
        return ""
    for taxonomy in Taxonomy:
        if value in (taxonomy.value, schemas.taxonomy_id(taxonomy.value)):
            return taxonomy.value
    return "-"  # matches no term


def _uuid_param(name: str, value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise _param_error(name, _("Geef een geldige UUID.")) from None


def _organization_param(value: str | None) -> Organization | None:
    """organization_id: our uuid or slug; unknown gives no services (HSDS: a filter, not a lookup)."""
    if not value:
        return None
    return selectors.organization_get(value) or Organization(id=uuid.uuid4())


def _hsds_service_filters(filters: Any, prefix: str = "") -> dict[str, Any]:
    return {
        "search": filters.search or "",
        "taxonomy_term_id": _uuid_param("taxonomy_term_id", filters.taxonomy_term_id),
        "taxonomy": _taxonomy_of(filters.taxonomy_id),
        "organization": _organization_param(filters.organization_id),
        "modified_after": _aware(filters.modified_after),
        "prefix": prefix,
    }


def _aware(value: Any) -> Any:
    from django.utils import timezone

    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


# ---------------------------------------------------------------- root


@router.get("/", response=schemas.RootOut, url_name="api-root", summary="HSDS: versie, profiel en OpenAPI")
def root(request: HttpRequest) -> dict[str, str]:
    return {
        "version": schemas.HSDS_VERSION,
        "profile": PROFILE_URL,
        "openapi_url": request.build_absolute_uri(reverse("api:api-openapi")),
    }


# ---------------------------------------------------------------- services


@router.get(
    "/services", response={200: schemas.ServicePage, **errors(400)}, url_name="api-services",
    summary="HSDS: aanbod (gepagineerd)", exclude_none=True,
)
def service_list(request: HttpRequest, filters: Query[schemas.ServiceQueryIn]) -> dict[str, Any]:
    extras = _extras(filters, ("wijk", "law", "phase", "domain", "access"))
    qs = selectors.hsds_filter(
        selectors.hsds_services_qs().filter(pk__in=selectors.service_list(**extras).values("pk")),
        **_hsds_service_filters(filters),
    ).order_by("slug")
    _shape(request, service_full=filters.full, service_minimal=filters.minimal)
    return paginate(qs, filters.page, filters.per_page)


@router.get(
    "/services/{id}", response={200: schemas.ServiceOut, **errors(400, 404)}, url_name="api-service",
    summary="HSDS: één aanbod (id of slug)", exclude_none=True,
)
def service_detail(request: HttpRequest, id: str) -> Any:
    obj = _found(selectors._by_id_or_slug(selectors.hsds_services_qs(), id), _("Aanbod"), id)
    _shape(request, service_full=True)
    return obj


# ---------------------------------------------------------------- organizations


@router.get(
    "/organizations", response={200: schemas.OrganizationPage, **errors(400)}, url_name="api-organizations",
    summary="HSDS: organisaties, teams en netwerken (gepagineerd)", exclude_none=True,
)
def organization_list(request: HttpRequest, filters: Query[schemas.OrganizationQueryIn]) -> dict[str, Any]:
    extras = _extras(filters, ("wijk", "law", "phase", "domain", "access", "kind"))
    qs = selectors.hsds_organizations_qs().filter(pk__in=selectors.organization_list(**extras).values("pk"))
    if filters.search:
        qs = qs.filter(slug__in=selectors.search_slugs(filters.search))
    _shape(request, full=filters.full, service_minimal=not filters.full_service)
    return paginate(qs.order_by("slug"), filters.page, filters.per_page)


@router.get(
    "/organizations/{id}", response={200: schemas.OrganizationOut, **errors(400, 404)},
    url_name="api-organization", summary="HSDS: één organisatie (id of slug)", exclude_none=True,
)
def organization_detail(request: HttpRequest, id: str, filters: Query[schemas.OrganizationDetailQueryIn]) -> Any:
    obj = _found(selectors._by_id_or_slug(selectors.hsds_organizations_qs(), id), _("Organisatie"), id)
    _shape(request, full=True, service_minimal=not filters.full_service)
    return obj


# ---------------------------------------------------------------- taxonomies and terms


def _taxonomies(search: str = "") -> list[dict[str, str]]:
    rows = [schemas.taxonomy_obj(t.value) for t in Taxonomy]
    needle = search.casefold()
    return [r for r in rows if not needle or any(needle in r[k].casefold() for k in ("name", "description", "label"))]


@router.get(
    "/taxonomies", response={200: schemas.TaxonomyPage, **errors(400)}, url_name="api-taxonomies",
    summary="HSDS: taxonomieën", exclude_none=True,
)
def taxonomy_list(request: HttpRequest, filters: Query[schemas.TaxonomyQueryIn]) -> dict[str, Any]:
    return paginate(_taxonomies(filters.search or ""), filters.page, filters.per_page)


@router.get(
    "/taxonomies/{id}", response={200: schemas.TaxonomyOut, **errors(400, 404)}, url_name="api-taxonomy",
    summary="HSDS: één taxonomie (id of code)", exclude_none=True,
)
def taxonomy_detail(request: HttpRequest, id: str) -> Any:
    code = _taxonomy_of(id)
    if code in ("", "-"):
        raise _not_found(_("Taxonomie"), id)
    return schemas.taxonomy_obj(code)


@router.get(
    "/taxonomy_terms", response={200: schemas.TaxonomyTermPage, **errors(400)}, url_name="api-taxonomy-terms",
    summary="HSDS: taxonomietermen (gepagineerd)", exclude_none=True,
)
def taxonomy_term_list(request: HttpRequest, filters: Query[schemas.TaxonomyTermQueryIn]) -> dict[str, Any]:
    _check_codes({"taxonomy": filters.taxonomy})
    qs = selectors.taxonomy_term_list(taxonomy=filters.taxonomy or "")
    if filters.taxonomy_id:
        qs = qs.filter(taxonomy=_taxonomy_of(filters.taxonomy_id))
    if filters.parent_id:
        _uuid_param("parent_id", filters.parent_id)
        qs = qs.none()  # the taxonomy is flat: no term has a parent
    if filters.search:
        from django.db.models import Q

        needle = filters.search[:200]
        qs = qs.filter(Q(code__icontains=needle) | Q(name__icontains=needle) | Q(description__icontains=needle))
    return paginate(qs, filters.page, filters.per_page)


@router.get(
    "/taxonomy_terms/{id}", response={200: schemas.TaxonomyTermDetailOut, **errors(400, 404)},
    url_name="api-taxonomy-term", summary="HSDS: één taxonomieterm", exclude_none=True,
)
def taxonomy_term_detail(request: HttpRequest, id: str) -> Any:
    key = _uuid_or_none(id)
    return _found(TaxonomyTerm.objects.filter(id=key).first() if key else None, _("Taxonomieterm"), id)


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


# ---------------------------------------------------------------- service at location


def _sal_qs() -> QuerySet[ServiceAtLocation]:
    from django.db.models import Prefetch

    return ServiceAtLocation.objects.select_related("location__wijk").prefetch_related(
        Prefetch("service", queryset=selectors.hsds_services_qs())
    ).order_by("id")


@router.get(
    "/service_at_locations", response={200: schemas.ServiceAtLocationPage, **errors(400)},
    url_name="api-service-at-locations", summary="HSDS: aanbod op locaties (gepagineerd)", exclude_none=True,
)
def service_at_location_list(request: HttpRequest, filters: Query[schemas.ServiceAtLocationQueryIn]) -> dict[str, Any]:
    qs = selectors.hsds_filter(_sal_qs(), **_hsds_service_filters(filters, prefix="service__"))
    _shape(request, service_minimal=not filters.full)
    return paginate(qs.order_by("id"), filters.page, filters.per_page)


@router.get(
    "/service_at_locations/{id}", response={200: schemas.ServiceAtLocationOut, **errors(400, 404)},
    url_name="api-service-at-location", summary="HSDS: één aanbod op locatie", exclude_none=True,
)
def service_at_location_detail(request: HttpRequest, id: str, filters: Query[schemas.DetailQueryIn]) -> Any:
    key = _uuid_or_none(id)
    obj = _found(_sal_qs().filter(id=key).first() if key else None, _("Aanbod op locatie"), id)
    _shape(request, service_minimal=not filters.full)
    return obj


# ---------------------------------------------------------------- Wegwijzer's own: roles, wijken


@router.get(
    "/roles", response={200: schemas.RolePage, **errors(400)}, url_name="api-roles",
    summary="Rollen (Bijlage 1)", exclude_none=True,
)
def role_list(request: HttpRequest, filters: Query[schemas.RoleQueryIn]) -> dict[str, Any]:
    extras = _extras(filters, ("law", "phase", "domain", "access"))
    return paginate(selectors.role_list(**extras).prefetch_related("organizations", "services"),
                    filters.page, filters.per_page)


@router.get(
    "/roles/{slug}", response={200: schemas.RoleOut, **errors(400, 404)}, url_name="api-role",
    summary="Eén rol (slug of id)", exclude_none=True,
)
def role_detail(request: HttpRequest, slug: str) -> Any:
    return _found(selectors.role_get(slug), _("Rol"), slug)


@router.get(
    "/wijken", response={200: schemas.WijkPage, **errors(400)}, url_name="api-wijken",
    summary="Wijken (werkgebieden)", exclude_none=True,
)
def wijk_list(request: HttpRequest, filters: Query[schemas.PagingIn]) -> dict[str, Any]:
    return paginate(selectors.wijken_qs(), filters.page, filters.per_page)


@router.get(
    "/wijken/{slug}", response={200: schemas.WijkDetailOut, **errors(400, 404)}, url_name="api-wijk",
    summary="Eén wijk met haar teams, netwerken en aanbod", exclude_none=True,
)
def wijk_detail(request: HttpRequest, slug: str) -> Any:
    return _found(selectors.wijk_get(slug), _("Wijk"), slug)
