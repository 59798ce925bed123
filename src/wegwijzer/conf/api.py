"""The one JSON API under /api/v1/ (django-ninja): each app's router composed here, the project's root.

Apps never import this module; it imports them. Error shape, parser and renderer: `wegwijzer.core.apikit`.
The OpenAPI document at /api/v1/openapi.json is generated from the routers' schemas.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI

from wegwijzer import __version__
from wegwijzer.accounts.api import router as accounts_router
from wegwijzer.core import apikit
from wegwijzer.core.api import allow_methods, json_response
from wegwijzer.core.openapi import build_document
from wegwijzer.routes.api import router as routes_router

api = NinjaAPI(
    title="Wegwijzer API",
    version=__version__,
    description="Sociale kaart (HSDS 3), routewijzer en gezinsplan voor de eerste 1000 dagen in Utrecht.",
    urls_namespace="api",
    openapi_url=None,  # served below, joined with the endpoints not yet on the routers
    docs_url=None,  # the human-readable page is /api/v1/docs/ (server-rendered, CSP-safe)
    renderer=apikit.DutchJSONRenderer(),
    parser=apikit.StrictJSONParser(),
)
apikit.install(api)
api.add_router("", accounts_router)
api.add_router("", routes_router)


def urls() -> tuple[list[Any], str, str]:
    """api.urls, each view declaring its methods (`allowed_methods`) like every other /api/ view."""
    patterns, app_name, namespace = api.urls
    kept = []
    for pattern in patterns:
        if isinstance(pattern.callback, partial):  # ninja's placeholder root (a 404); the HSDS root is ours
            continue
        setattr(pattern.callback, "allowed_methods", apikit.operation_methods(pattern.callback))  # noqa: B010
        kept.append(pattern)
    return kept, app_name, namespace


def openapi_document() -> dict[str, Any]:
    """The generated document; endpoints still described by hand (being moved onto routers) are joined in."""
    generated = api.get_openapi_schema(path_prefix="")
    document = build_document()
    paths = dict(document["paths"])
    paths.update(generated.get("paths", {}))
    document["paths"] = dict(sorted(paths.items()))
    schemas = document["components"].setdefault("schemas", {})
    schemas.update(generated.get("components", {}).get("schemas", {}))
    document["components"].setdefault("securitySchemes", {}).update(
        generated.get("components", {}).get("securitySchemes", {})
    )
    return document


@allow_methods("GET")
def openapi_view(request: HttpRequest) -> HttpResponse:
    return json_response(openapi_document())


@allow_methods("GET")
def docs_view(request: HttpRequest) -> HttpResponse:
    return render(request, "core/api_docs.html", {"document": openapi_document()})
