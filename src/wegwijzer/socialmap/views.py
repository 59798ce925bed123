"""Server-rendered pages of the social map. Thin: reads live in pages.py."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers

from . import pages
from .models import Wijk


def _is_htmx_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "history_restore_request", False)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "socialmap/home.html", pages.home_context())


def search(request: HttpRequest) -> HttpResponse:
    context = pages.search_page(request.GET)
    template = "socialmap/_results.html" if _is_htmx_partial(request) else "socialmap/search.html"
    context["partial"] = template == "socialmap/_results.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    found = pages.find_record(slug)
    if found is None:
        raise Http404(slug)
    kind, obj = found
    if kind == "wijk":
        return render(request, "socialmap/wijk.html", pages.wijk_context(obj))
    template = {
        "rol": "socialmap/detail_role.html",
        "aanbod": "socialmap/detail_service.html",
    }.get(kind, "socialmap/detail_organisation.html")
    return render(request, template, pages.detail_context(kind, obj))


def wijk(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_object_or_404(Wijk, slug=slug[:64])
    return render(request, "socialmap/wijk.html", pages.wijk_context(obj))


def wijken(request: HttpRequest) -> HttpResponse:
    return render(request, "socialmap/wijken.html", {"rows": pages.wijken_list()})


def wie_doet_wat(request: HttpRequest) -> HttpResponse:
    return render(request, "socialmap/wie_doet_wat.html", pages.wie_doet_wat(request.GET.get("fase") or None))
