"""The one way the pages and the API read insight: the viewer's scope, the figures, the access-log row."""

from __future__ import annotations

from typing import Any

from wegwijzer.audit.context import AccessContext
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.audit.service import access_log_write

from .access import insight_scope
from .figures import Figure, Filters, insight_figures
from .summary import summary_refresh_if_stale


class NotFound(LookupError):
    """No insight for this viewer, or no such figure: indistinguishable (views and the API answer 404)."""


def insight_read(
    *, actor: Any, context: AccessContext | None, filters: Filters, slug: str = "", export: bool = False
) -> list[Figure]:
    """The figures `actor` may see (only the one named `slug` when given), after writing the access-log row."""
    scope = insight_scope(actor)
    if scope is None:
        raise NotFound()
    if scope.everything:  # the advice figures read a periodically refreshed summary (inzicht/summary.py)
        summary_refresh_if_stale()
    figures = insight_figures(filters=filters, scope=scope)
    if slug:
        figures = [f for f in figures if f.slug == slug]
        if not figures:
            raise NotFound()
    access_log_write(
        context=context, user=actor,
        action=AccessLogEntry.Action.EXPORT if export else AccessLogEntry.Action.READ,
        object_type="inzicht", object_id=slug or "overzicht",
        detail=f"{filters.period.start:%Y-%m}..{filters.period.end:%Y-%m} {filters.wijk or 'stad'}",
    )
    return figures


def may_see_insight(actor: Any) -> bool:
    return insight_scope(actor) is not None
