"""The social map's JSON API (HSDS 3 field names): services, organizations, roles, wijken, taxonomy terms.

Thin views: parse and validate query parameters, call selectors, shape with hsds.py. Bad input is a 400
with a Dutch message naming the parameter; never a 500.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from wegwijzer.core.api import allow_methods, json_error, json_response

from . import hsds, selectors
from .models import Taxonomy

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
PAGING = ("page", "per_page")
FILTER_LABELS = {
    "wijk": "wijk", "law": "wet", "phase": "fase", "domain": "domein", "access": "toegang", "kind": "soort",
    "taxonomy": "taxonomie",
}


class BadParams(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("bad parameters")
        self.errors = errors


def _get_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @allow_methods("GET")
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except BadParams as exc:
            names = ", ".join(sorted(exc.errors))
            return json_error(400, f"Ongeldige parameter(s): {names}.", exc.errors)

    return wrapper


def _params(request: HttpRequest, allowed: tuple[str, ...]) -> dict[str, str]:
    """Single-valued query parameters; unknown or repeated parameters are errors."""
    errors: dict[str, list[str]] = {}
    out: dict[str, str] = {}
    for key in request.GET:
        values = request.GET.getlist(key)
        if key not in allowed:
            errors[key[:100]] = [f"Onbekende parameter '{key[:100]}'. Toegestaan: {', '.join(allowed)}."]
        elif len(values) > 1:
            errors[key] = [f"Geef parameter '{key}' maar één keer op."]
        else:
            out[key] = values[0].strip()
    if errors:
        raise BadParams(errors)
    return out


def _check_codes(params: dict[str, str], names: tuple[str, ...]) -> None:
    known = selectors.known_codes()
    known["taxonomy"] = {t.value for t in Taxonomy}
    errors: dict[str, list[str]] = {}
    for name in names:
        value = params.get(name, "")
        if value and value not in known.get(name, set()):
            label = FILTER_LABELS.get(name, name)
            errors[name] = [f"Onbekende {label}-code '{value[:100]}' voor parameter '{name}'."]
    if errors:
        raise BadParams(errors)


def _int_param(params: dict[str, str], name: str, default: int, maximum: int | None = None) -> int:
    raw = params.get(name, "")
    if raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise BadParams({name: [f"Parameter '{name}' moet een positief geheel getal zijn."]})
    value = int(raw)
    if value < 1:
        raise BadParams({name: [f"Parameter '{name}' moet 1 of groter zijn."]})
    if maximum is not None and value > maximum:
        raise BadParams({name: [f"Parameter '{name}' mag hoogstens {maximum} zijn."]})
    return value


def paginate(qs: QuerySet | list, params: dict[str, str], shape: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """HSDS 3 paginated response: total_items, total_pages, page_number, size, first_page, last_page, empty, contents."""
    page = _int_param(params, "page", 1)
    per_page = _int_param(params, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    total = qs.count() if isinstance(qs, QuerySet) else len(qs)
    total_pages = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    items = list(qs[start:start + per_page])
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(items),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not items,
        "contents": [shape(obj) for obj in items],
    }


def _not_found(what: str, key: str) -> HttpResponse:
    return json_error(404, f"{what} '{key[:100]}' bestaat niet.")


# ---------------------------------------------------------------- services

SERVICE_FILTERS = ("wijk", "law", "phase", "domain", "access")


@_get_only
def service_list(request: HttpRequest) -> HttpResponse:
    params = _params(request, (*SERVICE_FILTERS, *PAGING))
    _check_codes(params, SERVICE_FILTERS)
    qs = selectors.service_list(**{k: params.get(k, "") for k in SERVICE_FILTERS})
    return json_response(paginate(qs, params, hsds.service_as_hsds))


@_get_only
def service_detail(request: HttpRequest, key: str) -> HttpResponse:
    _params(request, ())
    obj = selectors.service_get(key)
    return json_response(hsds.service_as_hsds(obj)) if obj else _not_found("Aanbod", key)


# ---------------------------------------------------------------- organizations

ORG_FILTERS = ("wijk", "law", "phase", "domain", "access", "kind")


@_get_only
def organization_list(request: HttpRequest) -> HttpResponse:
    params = _params(request, (*ORG_FILTERS, *PAGING))
    _check_codes(params, ORG_FILTERS)
    qs = selectors.organization_list(**{k: params.get(k, "") for k in ORG_FILTERS})
    return json_response(paginate(qs, params, hsds.organization_as_hsds))


@_get_only
def organization_detail(request: HttpRequest, key: str) -> HttpResponse:
    _params(request, ())
    obj = selectors.organization_get(key)
    return json_response(hsds.organization_as_hsds(obj)) if obj else _not_found("Organisatie", key)


# ---------------------------------------------------------------- roles, wijken, taxonomy terms

ROLE_FILTERS = ("law", "phase", "domain", "access")


@_get_only
def role_list(request: HttpRequest) -> HttpResponse:
    params = _params(request, (*ROLE_FILTERS, *PAGING))
    _check_codes(params, ROLE_FILTERS)
    qs = selectors.role_list(**{k: params.get(k, "") for k in ROLE_FILTERS})
    return json_response(paginate(qs, params, hsds.role_as_hsds))


@_get_only
def role_detail(request: HttpRequest, key: str) -> HttpResponse:
    _params(request, ())
    obj = selectors.role_get(key)
    return json_response(hsds.role_as_hsds(obj)) if obj else _not_found("Rol", key)


@_get_only
def wijk_list(request: HttpRequest) -> HttpResponse:
    params = _params(request, PAGING)
    return json_response(paginate(selectors.wijken_qs(), params, hsds.wijk_as_hsds))


@_get_only
def wijk_detail(request: HttpRequest, key: str) -> HttpResponse:
    _params(request, ())
    obj = selectors.wijk_get(key)
    return json_response(hsds.wijk_as_hsds(obj, detail=True)) if obj else _not_found("Wijk", key)


@_get_only
def taxonomy_term_list(request: HttpRequest) -> HttpResponse:
    params = _params(request, ("taxonomy", *PAGING))
    _check_codes(params, ("taxonomy",))
    qs = selectors.taxonomy_term_list(taxonomy=params.get("taxonomy", ""))
    return json_response(paginate(qs, params, hsds.term_as_hsds))
