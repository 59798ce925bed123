"""Insight figures: counts from aggregate queries (one GROUP BY each, no rows loaded), suppressed before use.

Only code fields of the anonymous tally are grouped on (date, wijk, phase); no free text can reach a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncMonth

from wegwijzer.routeguide.models import AdviceTally

from .suppression import SuppressedTable, suppress


@dataclass(frozen=True)
class Period:
    """Whole months from `start` (first day) up to and including the month of `end`."""

    start: date
    end: date

    def months(self) -> list[date]:
        out, current = [], self.start.replace(day=1)
        while current <= self.end:
            out.append(current)
            current = current.replace(year=current.year + (current.month == 12), month=current.month % 12 + 1)
        return out

    def end_exclusive(self) -> date:
        last = self.months()[-1] if self.months() else self.start.replace(day=1)
        return last.replace(year=last.year + (last.month == 12), month=last.month % 12 + 1)


def min_cell() -> int:
    return int(settings.INSIGHT_MIN_CELL)


def advised_per_month_and_phase(*, period: Period, wijk: str = "") -> SuppressedTable:
    """Advised situations per month (rows) and phase (columns), within the period and optionally one wijk."""
    rows = AdviceTally.objects.filter(date__gte=period.start.replace(day=1), date__lt=period.end_exclusive())
    if wijk:
        rows = rows.filter(wijk=wijk)
    grouped = (
        rows.annotate(month=TruncMonth("date")).values("month", "phase").annotate(n=Count("id")).order_by()
    )
    counts: dict[tuple[date, str], int] = {}
    phases: set[str] = set()
    for item in grouped:  # one row per (month, phase) group, not per tally row
        month = item["month"]
        month = month.date() if hasattr(month, "date") else month
        counts[(month, item["phase"])] = item["n"]
        phases.add(item["phase"])
    months = period.months()
    columns = sorted(phases)
    body = [[counts.get((m, p), 0) for p in columns] for m in months] if columns else [[0] for _ in months]
    return suppress(
        body,
        min_cell(),
        row_labels=[m.strftime("%Y-%m") for m in months],
        col_labels=columns or [""],
    )
