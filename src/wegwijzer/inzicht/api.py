"""Insight as JSON under /api/v1/insight/… (django-ninja; mounted in wegwijzer.conf.api): the same figures as the
pages, the same suppression (a hidden cell is null), the same access (policy role; a network chair only their
network's learning figures; everyone else 404, as if the figures do not exist)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from wegwijzer.accounts.auth import API_AUTH
from wegwijzer.audit.context import access_context
from wegwijzer.core.apikit import ApiError, errors

from .figures import Figure, Filters
from .forms import DEFAULT_MONTHS, filters_from
from .reads import NotFound, insight_read
from .selectors import min_cell

router = Router(tags=["inzicht"], auth=API_AUTH)


class FilterIn(Schema):
    maanden: int = Field(DEFAULT_MONTHS, description="De laatste 3, 6, 12 of 24 maanden (tot en met deze maand).")
    wijk: str = Field("", description="Een wijkcode uit het vocabulaire; leeg voor de hele stad.")


class RowOut(Schema):
    label: str
    cells: list[int | None] = Field(description="Per kolom: een aantal (null waar afgeschermd) of, bij measure=weeks, weken (null: geen melding).")
    total: int | None


class FigureOut(Schema):
    slug: str
    section: str
    title: str
    description: str
    row_heading: str
    measure: str = Field(description="count: aantallen (afgeschermd onder de drempel, met totalen); weeks: "
                                     "wachttijd in weken van een aanbod (niet afgeschermd, geen totalen).")
    columns: list[str]
    rows: list[RowOut]
    column_totals: list[int | None]
    total: int | None


class FiguresOut(Schema):
    period_start: str
    period_end: str
    wijk: str
    min_cell: int
    contents: list[FigureOut]


def _filters(params: FilterIn) -> Filters:
    form, filters = filters_from({"maanden": str(params.maanden), "wijk": params.wijk})
    if filters is None:
        raise ApiError(400, _("De filter is niet geldig."), {k: [str(m) for m in v] for k, v in form.errors.items()})
    return filters


def _figure(figure: Figure) -> dict[str, Any]:
    t = figure.table
    return {
        "slug": figure.slug, "section": figure.section, "title": figure.title, "description": figure.description,
        "row_heading": figure.row_heading, "measure": figure.measure, "columns": list(t.col_labels),
        "rows": [{"label": label, "cells": list(cells[:-1]), "total": cells[-1]} for label, cells in figure.rows],
        "column_totals": list(t.col_totals), "total": t.total,
    }


def _answer(filters: Filters, figures: list[Figure]) -> dict[str, Any]:
    return {
        "period_start": filters.period.start.replace(day=1).isoformat(), "period_end": filters.period.end.isoformat(),
        "wijk": filters.wijk, "min_cell": min_cell(), "contents": [_figure(f) for f in figures],
    }


def _read(request: HttpRequest, params: FilterIn, slug: str = "") -> dict[str, Any]:
    filters = _filters(params)
    try:
        figures = insight_read(actor=request.user, context=access_context(request), filters=filters, slug=slug)
    except NotFound:
        raise ApiError(404, _("Niet gevonden.")) from None
    return _answer(filters, figures)


@router.get("/insight/figures", response={200: FiguresOut, **errors(400, 401, 404, 422)}, url_name="api-insight-figures",
            summary="Alle inzichtcijfers die u mag zien (afgeschermd onder de drempel)")
def insight_figures(request: HttpRequest, params: Query[FilterIn]) -> Any:
    return _read(request, params)


@router.get("/insight/figures/{slug}", response={200: FiguresOut, **errors(400, 401, 404, 422)},
            url_name="api-insight-figure", summary="Eén inzichtcijfer (afgeschermd onder de drempel)")
def insight_figure(request: HttpRequest, slug: str, params: Query[FilterIn]) -> Any:
    return _read(request, params, slug=slug[:100])
