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
from wegwijzer.core.api import COMMON_RESPONSES, document_common_errors, json_response
from wegwijzer.core.api_views import router as core_router
from wegwijzer.gezinsplan.api import router as gezinsplan_router
from wegwijzer.inzicht.api import router as inzicht_router
from wegwijzer.leren.api import router as leren_router
from wegwijzer.providers.api import router as providers_router
from wegwijzer.routeguide.api import router as routeguide_router
from wegwijzer.socialmap.search.api import router as socialmap_router

api = NinjaAPI(
    title="Wegwijzer API",
    version=__version__,
    description="Sociale kaart (HSDS 3), routewijzer en gezinsplan voor de eerste 1000 dagen in Utrecht. "
    + COMMON_RESPONSES,
    servers=[{"url": "/api/v1"}],
    urls_namespace="api",
    openapi_url=None,  # served below (URL name api-openapi), with the common error answers added
    docs_url=None,  # the human-readable page is /api/v1/docs/ (server-rendered, CSP-safe)
    renderer=apikit.DutchJSONRenderer(),
    parser=apikit.StrictJSONParser(),
)
apikit.install(api)
api.add_router("", accounts_router)
api.add_router("", core_router)
api.add_router("", gezinsplan_router)
api.add_router("", inzicht_router)
api.add_router("", leren_router)
api.add_router("", routeguide_router)
api.add_router("", providers_router)
api.add_router("", socialmap_router)


def openapi_document() -> dict[str, Any]:
    """The generated document, with the error answers the API layer gives on every operation."""
    return document_common_errors(api.get_openapi_schema(path_prefix=""), "#/components/schemas/ErrorOut")


# The document and its page are operations of the API like any other (GET and HEAD, a Dutch 405 with Allow
# for the rest, see core.middleware), left out of the document they serve.
@api.get("/openapi.json", url_name="api-openapi", include_in_schema=False)
def openapi_view(request: HttpRequest) -> HttpResponse:
    return json_response(openapi_document())


@api.get("/docs/", url_name="api-docs", include_in_schema=False)
def docs_view(request: HttpRequest) -> HttpResponse:
    return render(request, "core/api_docs.html", {"document": openapi_document()})


def urls() -> tuple[list[Any], str, str]:
    """api.urls without ninja's placeholder root (a 404): the HSDS root `/` is ours."""
    patterns, app_name, namespace = api.urls
    return [p for p in patterns if not isinstance(p.callback, partial)], app_name, namespace
