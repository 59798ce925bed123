"""The search service: one function that views, the API and the command line all call."""

from __future__ import annotations

import logging
from typing import Any

from . import lifecycle
from .ranking import Outcome
from .text import MAX_QUERY_CHARS

logger = logging.getLogger("wegwijzer.search")

MAX_LIMIT = 100


def search_outcome(query: str, *, limit: int = 20, kind: str | None = None) -> Outcome:
    """Results, their count (after the relevance cut and grouping) and a "Bedoelde u …?" suggestion.

    Bad input never raises: empty or whitespace gives nothing, long queries are cut to 200 characters and
    20 words, odd Unicode and query syntax are stripped (the query is never parsed as tantivy syntax).
    """
    if not isinstance(query, str):
        return Outcome()
    query = query[:MAX_QUERY_CHARS]
    limit = max(0, min(int(limit), MAX_LIMIT))
    if not query.strip() or limit == 0:
        return Outcome()
    return lifecycle.current().search_outcome(query, limit=limit, kind=kind or None)


def search(query: str, *, limit: int = 20, kind: str | None = None) -> list[dict[str, Any]]:
    """Records matching `query` in relevance order: [{"slug", "kind", "name", "summary", "url", "also"}, ...]
    (`also`: the same real-world body under another record, e.g. the organisation filling a role)."""
    return search_outcome(query, limit=limit, kind=kind).results


def rebuild() -> None:
    """Rebuild the host's search index now (aside, then swapped in), or ask the running indexer to."""
    lifecycle.rebuild()
