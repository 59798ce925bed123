from __future__ import annotations

from datetime import date

import pytest

from wegwijzer.inzicht.selectors import Period, advised_per_month_and_phase
from wegwijzer.inzicht.suppression import with_margins
from wegwijzer.routeguide.models import AdviceTally

pytestmark = pytest.mark.django_db


def _tally(day: date, phase: str, wijk: str, n: int) -> None:
    AdviceTally.objects.bulk_create(
        [
            AdviceTally(date=day, phase=phase, reporter="jgz", wijk=wijk, content_version="v1")
            for _ in range(n)
        ]
    )


def test_counts_per_month_and_phase_with_wijk_filter_and_suppression() -> None:
    _tally(date(2026, 6, 3), "zwangerschap", "overvecht", 12)
    _tally(date(2026, 6, 20), "kraamtijd", "overvecht", 7)
    _tally(date(2026, 7, 1), "zwangerschap", "overvecht", 2)  # under 5: hidden
    _tally(date(2026, 7, 9), "kraamtijd", "overvecht", 9)
    _tally(date(2026, 6, 3), "zwangerschap", "west", 40)  # other wijk: filtered out
    _tally(date(2026, 9, 3), "zwangerschap", "overvecht", 40)  # outside the period
    table = advised_per_month_and_phase(period=Period(date(2026, 6, 1), date(2026, 7, 31)), wijk="overvecht")
    assert table.row_labels == ("2026-06", "2026-07")
    assert table.col_labels == ("kraamtijd", "zwangerschap")
    truth = with_margins([[7, 12], [9, 2]])  # what the filter must count: Overvecht, June and July only
    assert table.cells[1][1] is None
    for i, row in enumerate(table.cells):
        for j, value in enumerate(row):
            assert value is None or value == truth[i][j]
    assert all(v >= 5 for v in table.values())
    assert table.total == 30  # the margin totals stay published: hiding the four body cells is cheapest


def test_no_rows_in_period_gives_an_all_hidden_table() -> None:
    table = advised_per_month_and_phase(period=Period(date(2026, 1, 1), date(2026, 2, 28)))
    assert table.row_labels == ("2026-01", "2026-02")
    assert table.values() == []


def test_threshold_comes_from_the_setting(settings) -> None:
    settings.INSIGHT_MIN_CELL = 10
    _tally(date(2026, 6, 3), "zwangerschap", "overvecht", 12)
    _tally(date(2026, 6, 20), "kraamtijd", "overvecht", 7)
    table = advised_per_month_and_phase(period=Period(date(2026, 6, 1), date(2026, 6, 30)))
    assert all(v >= 10 for v in table.values())
    assert 7 not in table.values()
