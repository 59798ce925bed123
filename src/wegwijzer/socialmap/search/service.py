"""The search service: one function that views, the API and the command line all call."""

from __future__ import annotations

import logging
from typing import Any

from . import lifecycle
from .text import MAX_QUERY_CHARS

logger = logging.getLogger("wegwijzer.search")

MAX_LIMIT = 100


def search(query: str, *, limit: int = 20, kind: str | None = None) -> list[dict[str, Any]]:
    """Records matching `query` in relevance order: [{"slug", "kind", "name", "summary", "url"}, ...].

    Bad input never raises: empty or whitespace gives [], long queries are cut to 200 characters and
    20 words, odd Unicode and query syntax are stripped (the query is never parsed as tantivy syntax).
    """
    if not isinstance(query, str):
        return []
    query = query[:MAX_QUERY_CHARS]
    if not query.strip():
        return []
    limit = max(0, min(int(limit), MAX_LIMIT))
    if limit == 0:
        return []
    return lifecycle.current().search(query, limit=limit, kind=kind or None)


def rebuild() -> None:
    """Rebuild the host's search index now (aside, then swapped in), or ask the running indexer to."""
    lifecycle.rebuild()
