"""GET /api/v1/search?q=...&limit=...: the social map in relevance order (on the social map's router)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query

from wegwijzer.core.apikit import errors

from ..api import router
from ..schemas import SearchOut, SearchQueryIn
from .service import MAX_LIMIT, search_outcome

DEFAULT_LIMIT = 20


def parse_limit(raw: str | None) -> tuple[int | None, str | None]:
    """The limit parameter as an int in 1..MAX_LIMIT, or an error message in Dutch (the command line)."""
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
    outcome = search_outcome(query, limit=limit)
    return {"results": outcome.results, "total": outcome.total, "suggestion": outcome.suggestion}


@router.get(
    "/search", response={200: SearchOut, **errors(400)}, url_name="api-search",
    summary="Zoeken in de sociale kaart",
    description="Zoekt zoals professionals typen: Nederlandse stammen, samenstellingen, synoniemen en "
    "tikfouten. Resultaten op relevantie; de meeste zoekwoorden moeten passen, zwakke treffers vallen af. "
    "Een rol en de organisatie die haar vervult zijn één resultaat (de ander onder `also`). `total` is het "
    "aantal passende resultaten, `suggestion` een verbeterde zoekterm bij een waarschijnlijke tikfout. "
    "Een lege zoekterm geeft een lege lijst.",
)
def search_view(request: HttpRequest, params: Query[SearchQueryIn]) -> dict[str, Any]:
    return search_payload(params.q, params.limit)
