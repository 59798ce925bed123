"""Figure queries on both databases: months of a DateField are bucketed in the database (DateMonth) exactly
like TruncMonth, across month and year boundaries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models.functions import TruncMonth

from wegwijzer.inzicht.figures import DateMonth, Filters, route_figures
from wegwijzer.inzicht.selectors import Period
from wegwijzer.routeguide.models import AdviceTally

pytestmark = pytest.mark.django_db


def _tally(day: date, n: int) -> None:
    AdviceTally.objects.bulk_create([
        AdviceTally(date=day, phase="zwangerschap", reporter="jgz", wijk="overvecht", concerns=["armoede"],
                    content_version="v1") for _ in range(n)
    ])


def test_date_month_matches_trunc_month_at_the_edges():
    for day, n in ((date(2025, 12, 31), 6), (date(2026, 1, 1), 7), (date(2026, 1, 31), 8), (date(2026, 2, 1), 9)):
        _tally(day, n)
    ours = dict(AdviceTally.objects.annotate(m=DateMonth("date")).values_list("id", "m"))
    django = dict(AdviceTally.objects.annotate(m=TruncMonth("date")).values_list("id", "m"))
    assert {k: v for k, v in ours.items()} == {k: v.strftime("%Y-%m") for k, v in django.items()}
    (per_month, *_rest) = route_figures(Filters(Period(date(2025, 12, 1), date(2026, 2, 28)), "overvecht"))
    assert per_month.table.row_labels == ("2025-12", "2026-01", "2026-02")
    assert [cells[-1] for _label, cells in per_month.rows] == [6, 15, 9]


def test_concern_counts_match_on_both_databases():
    day = date(2026, 1, 15)
    AdviceTally.objects.bulk_create([
        AdviceTally(date=day, phase="zwangerschap", reporter="jgz", wijk="overvecht", concerns=concerns,
                    content_version="v1")
        for concerns, n in ((["armoede"], 6), (["armoede", "huilbaby"], 7), (["huilbaby"], 5)) for _ in range(n)
    ])
    figures = route_figures(Filters(Period(date(2026, 1, 1), date(2026, 1, 31)), "overvecht"))
    (concern,) = [f for f in figures if f.slug == "route-maand-zorg"]
    assert sorted(v for v in concern.table.col_totals if v is not None) == [12, 13]  # huilbaby 12, armoede 13
    assert concern.table.total == 25  # mentions, not situations (18)


def test_a_chart_is_cached_on_what_it_shows_not_on_the_figure_object():
    """Two figure objects with the same numbers share one SVG; other numbers or another language do not."""
    from django.utils import translation

    from wegwijzer.inzicht import charts
    from wegwijzer.inzicht.figures import Figure
    from wegwijzer.inzicht.suppression import suppress

    def figure(n: int, slug: str) -> Figure:
        table = suppress([[n, 9], [8, 7]], 5, row_labels=["2026-01", "2026-02"], col_labels=["a", "b"])
        return Figure(slug, "route", slug, "", "Maand", table)

    charts._svg.cache_clear()
    first = charts.chart_svg(figure(6, "een"))
    assert first.startswith("<svg") and charts.chart_svg(figure(6, "twee")) == first
    assert charts._svg.cache_info().hits == 1
    assert charts.chart_svg(figure(12, "drie")) != first
    with translation.override("en"):
        assert charts.chart_svg(figure(6, "een")) != first  # the axis title is English
