"""Figures as server-side SVG: a Vega-Lite spec built with altair, rendered by vl-convert (no browser, no client
JavaScript), so a chart is plain markup under the strict CSP and in print. Suppressed cells are left out of the
chart (the table beside it marks them). Colours are NL Design System tokens (voorbeeld theme)."""

from __future__ import annotations

import functools
import re

import altair as alt
import vl_convert as vlc
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .figures import Figure

# --voorbeeld-kleuren-*-400/500 of the theme in use (dark enough for 3:1 against white).
PALETTE = ("#006fb3", "#157b31", "#ac501b", "#3b0fb0", "#7d6918", "#cd262d", "#586c88", "#003e65", "#105f26")
TEXT = "#0b0c0c"
FONT = "sans-serif"
WIDTH = 520


def chart_spec(
    *, kind: str, measure: str, row_heading: str, row_labels: tuple[str, ...], col_labels: tuple[str, ...],
    body: tuple[tuple[int | None, ...], ...],
) -> dict | None:
    """The Vega-Lite spec of a figure's table, or None when every cell is suppressed or zero (nothing to draw)."""
    values = [
        {"rij": row, "kolom": col, "aantal": n}
        for row, cells in zip(row_labels, body, strict=True)
        for col, n in zip(col_labels, cells, strict=True)
        if n
    ]
    if not values:
        return None
    order = list(row_labels)
    y_title = _("Aantal") if measure == "count" else _("Weken wachten")
    colour = alt.Color("kolom:N", title=None, sort=list(col_labels),
                       scale=alt.Scale(range=list(PALETTE)), legend=alt.Legend(orient="bottom", columns=2))
    base = alt.Chart(alt.Data(values=values))
    if kind == "line":
        chart = base.mark_line(point=True, strokeWidth=3).encode(
            x=alt.X("rij:O", title=row_heading, sort=order),
            y=alt.Y("aantal:Q", title=y_title), color=colour,
        )
    else:
        chart = base.mark_bar().encode(
            y=alt.Y("rij:N", title=row_heading, sort=order),
            x=alt.X("aantal:Q", title=y_title, stack="zero"), color=colour,
        )
    chart = chart.properties(width=WIDTH).configure(font=FONT).configure_axis(
        labelColor=TEXT, titleColor=TEXT, labelFontSize=12, titleFontSize=12, labelLimit=180
    ).configure_legend(labelColor=TEXT, labelFontSize=12, labelLimit=260)
    return chart.to_dict()


def _render(spec: dict) -> str:
    svg = vlc.vegalite_to_svg(spec)
    # Scale with its box: keep the viewBox, drop the fixed size (the stylesheet sets width: 100%).
    head, rest = svg.split(">", 1)
    head = re.sub(r' (width|height|class)="[^"]*"', "", head)
    return f'{head} class="ww-chart__svg" focusable="false">{rest}'


def chart_svg(figure: Figure) -> str:
    """The SVG markup of a figure ("" when there is nothing to draw). Cached on what the chart shows (the
    suppressed table, kind, measure, headings, language): a cached page does not even build the spec."""
    t = figure.table
    return _svg(figure.kind, figure.measure, figure.row_heading, t.row_labels, t.col_labels, t.body,
                get_language() or "")


@functools.lru_cache(maxsize=512)
def _svg(kind: str, measure: str, row_heading: str, row_labels: tuple[str, ...], col_labels: tuple[str, ...],
         body: tuple[tuple[int | None, ...], ...], _language: str) -> str:
    """The chart of these numbers (the axis titles are in `_language`, part of the cache key)."""
    spec = chart_spec(kind=kind, measure=measure, row_heading=row_heading, row_labels=row_labels,
                      col_labels=col_labels, body=body)
    return _render(spec) if spec else ""
