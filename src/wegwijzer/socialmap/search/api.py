"""GET /api/v1/search?q=...&limit=...: the social map in relevance order."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from wegwijzer.core.api import allow_methods, json_error, json_response

from .service import MAX_LIMIT, search

DEFAULT_LIMIT = 20


def parse_limit(raw: str | None) -> tuple[int | None, str | None]:
    """The limit parameter as an int in 1..MAX_LIMIT, or an error message in Dutch."""
    if raw is None or raw == "":
        return DEFAULT_LIMIT, None
    try:
        value = int(raw.strip())
    except (ValueError, TypeError):
        return None, _("Geef een heel getal.")
    if not 1 <= value <= MAX_LIMIT:
        return None, _("Geef een getal van 1 tot en met %(max)d.") % {"max": MAX_LIMIT}
    return value, None


def search_payload(query: str, limit: int = DEFAULT_LIMIT) -> dict[str, Any]:
    """The response body; the command line prints exactly this."""
    return {"results": search(query, limit=limit)}


@allow_methods("GET")
def search_view(request: HttpRequest) -> JsonResponse:
    limit, error = parse_limit(request.GET.get("limit"))
    if error or limit is None:
        return json_error(400, _("Ongeldige zoekopdracht."), {"limit": [error or ""]})
    return json_response(search_payload(request.GET.get("q", ""), limit))
