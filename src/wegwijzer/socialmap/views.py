"""Server-rendered pages of the social map. Thin: every read is a selector (selectors.py)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from . import corrections, search_stats, selectors
from .models import Wijk
from .views_editorial import correction_form_context


def _is_htmx_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "history_restore_request", False)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "socialmap/home.html", selectors.home_context())


def search(request: HttpRequest) -> HttpResponse:
    context = selectors.search_page(request.GET)
    req = context["search"]
    if req.q and req.page == 1:  # the search figures count a search once, not each page of its results
        search_stats.search_seen(
            query=req.q, results=context["count"], filtered=req.has_filters,
            visitor=search_stats.visitor_key(user=request.user, session_key=request.session.session_key),
        )
    template = "socialmap/_results.html" if _is_htmx_partial(request) else "socialmap/search.html"
    context["partial"] = template == "socialmap/_results.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    obj = selectors.record_get(slug)
    if obj is None:
        raise Http404(slug)
    if isinstance(obj, Wijk):
        return render(request, "socialmap/wijk.html", selectors.wijk_context(obj))
    kind = selectors.kind_of(obj)
    template = {
        "rol": "socialmap/detail_role.html",
        "aanbod": "socialmap/detail_service.html",
    }.get(kind, "socialmap/detail_organisation.html")
    context = selectors.detail_context(kind, obj)
    context["freshness"] = corrections.freshness_of(obj)  # checked / possibly stale / never confirmed
    context.update(correction_form_context(obj))  # "Klopt er iets niet?" under every record
    return render(request, template, context)


def wijk(request: HttpRequest, slug: str) -> HttpResponse:
    obj = selectors.wijk_get(slug)
    if obj is None:
        raise Http404(slug)
    return render(request, "socialmap/wijk.html", selectors.wijk_context(obj))


def wijken(request: HttpRequest) -> HttpResponse:
    return render(request, "socialmap/wijken.html", {"rows": selectors.wijken_list()})


def wie_doet_wat(request: HttpRequest) -> HttpResponse:
    return render(request, "socialmap/wie_doet_wat.html", selectors.wie_doet_wat(request.GET.get("fase") or None))
