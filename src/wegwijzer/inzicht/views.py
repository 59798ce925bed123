"""The insight pages (two-factor; policy role, or a network chair for their own network's learning figures):
the overview with a chart and its table per figure, a CSV per figure and a print view. Thin: the figures are
`reads.insight_read`'s, which answers NotFound (our 404) for everyone else."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from wegwijzer.accounts.auth import otp_required
from wegwijzer.audit.context import access_context

from .charts import chart_svg
from .figures import Figure, section_labels
from .forms import filters_from, wijk_choices
from .reads import NotFound, insight_read, may_see_insight

SUPPRESSED = "x"  # the mark of a hidden cell, as in CBS tables


def _sections(figures: list[Figure], *, charts: bool = True) -> list[dict[str, Any]]:
    labels = section_labels()
    out: list[dict[str, Any]] = []
    for figure in figures:
        if not out or out[-1]["code"] != figure.section:
            out.append({"code": figure.section, "label": labels[figure.section], "figures": []})
        out[-1]["figures"].append({"figure": figure, "svg": chart_svg(figure) if charts else ""})
    return out


def _page(request: HttpRequest, template: str) -> HttpResponse:
    if not may_see_insight(request.user):
        raise Http404(_("Niet gevonden."))
    form, filters = filters_from(request.GET)
    if filters is None:
        return render(request, template, {"form": form, "sections": []}, status=400)
    figures = insight_read(actor=request.user, context=access_context(request), filters=filters)
    return render(request, template, {
        "form": form, "filters": filters, "sections": _sections(figures), "query": request.GET.urlencode(),
        "suppressed": SUPPRESSED, "wijk_label": dict(wijk_choices()).get(filters.wijk, filters.wijk),
    })


@otp_required
@require_http_methods(["GET", "HEAD"])
def overview(request: HttpRequest) -> HttpResponse:
    return _page(request, "inzicht/overview.html")


@otp_required
@require_http_methods(["GET", "HEAD"])
def print_view(request: HttpRequest) -> HttpResponse:
    return _page(request, "inzicht/print.html")


def _csv_cell(value: Any) -> str:
    text = SUPPRESSED if value is None else str(value)
    # A label starting like a formula must not run in a spreadsheet.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def figure_csv_text(figure: Figure) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    if not figure.counts:  # waiting times in weeks: no totals, an empty cell is "no figure reported"
        writer.writerow([_csv_cell(v) for v in (figure.row_heading, *figure.table.col_labels)])
        for label, cells in figure.rows:
            writer.writerow([_csv_cell(label), *("" if v is None else str(v) for v in cells[:-1])])
        return out.getvalue()
    writer.writerow([_csv_cell(v) for v in (figure.row_heading, *figure.table.col_labels, _("Totaal"))])
    for label, cells in figure.rows:
        writer.writerow([_csv_cell(label), *(_csv_cell(v) for v in cells)])
    writer.writerow([_("Totaal"), *(_csv_cell(v) for v in figure.totals)])
    return out.getvalue()


@otp_required
@require_http_methods(["GET", "HEAD"])
def figure_csv(request: HttpRequest, slug: str) -> HttpResponse:
    if not may_see_insight(request.user):
        raise Http404(_("Niet gevonden."))
    form, filters = filters_from(request.GET)
    if filters is None:
        errors = "; ".join(f"{name}: {' '.join(str(m) for m in msgs)}" for name, msgs in form.errors.items())
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    try:
        (figure,) = insight_read(
            actor=request.user, context=access_context(request), filters=filters, slug=slug, export=True
        )
    except NotFound:
        raise Http404(_("Niet gevonden.")) from None
    response = HttpResponse("\ufeff" + figure_csv_text(figure), content_type="text/csv; charset=utf-8")
    suffix = f"-{filters.wijk}" if filters.wijk else ""
    response["Content-Disposition"] = (
        f'attachment; filename="inzicht-{figure.slug}-{filters.period.start:%Y-%m}-{filters.period.end:%Y-%m}'
        f'{suffix}.csv"'
    )
    return response
