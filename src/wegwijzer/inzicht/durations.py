"""Durations for the insight figures, as bands of days computed by the database (no rows into Python).

A duration is `end - start` as a DurationField expression (`ExpressionWrapper(F(end) - F(start))`, which Django
turns into interval arithmetic on PostgreSQL and its microsecond difference on SQLite), compared with
`timedelta` bounds in a CASE: one band code per row, which `figures._grouped` then counts per month of the
start event. Rows without an end get a band from their state instead ("nog niet", "vervallen", …).

Why these bands (docs/inzicht.md, "Durations"):
- regie: agreeing who leads is one of the first things a team does, so the bands are in weeks up to two months;
- referral to start: the same bands of weeks as the reported waiting times (0–4, 5–8, 9–12, 13+), so the time
  a referral took to start can be read next to the waiting time providers report;
- improvement agreements: made at a learning meeting and checked at later ones, so bands of months.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Case, CharField, DurationField, ExpressionWrapper, F, Q, Value, When
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Band:
    code: str
    below_days: int | None  # the band holds durations under this many days (and at least the previous band's)


REGIE_BANDS = (Band("lt-1w", 7), Band("1-2w", 14), Band("2-4w", 28), Band("4-8w", 56), Band("8w+", None))
# Whole weeks as in the waiting-time figure: 0–4 weeks is under 35 days, and so on.
REFERRAL_BANDS = (Band("0-4", 35), Band("5-8", 63), Band("9-12", 91), Band("13+", None))
IMPROVEMENT_BANDS = (Band("lt-1m", 31), Band("1-3m", 92), Band("3-6m", 183), Band("6m+", None))


def duration(end: str, start: str) -> ExpressionWrapper:
    """`end - start` as a duration (both fields of the same type: two datetimes or two dates)."""
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def band_case(name: str, bands: Sequence[Band], *, without_end: Sequence[tuple[Q, str]]) -> Case:
    """A CASE giving each row its band code: `without_end` first (condition, code) for rows whose duration
    annotation `name` may be null, then the bands in order over the duration."""
    whens: list[When] = [When(condition, then=Value(code)) for condition, code in without_end]
    for band in bands:
        if band.below_days is None:
            whens.append(When(**{f"{name}__isnull": False}, then=Value(band.code)))
        else:
            whens.append(When(**{f"{name}__lt": timedelta(days=band.below_days)}, then=Value(band.code)))
    return Case(*whens, default=Value("onbekend"), output_field=CharField())


def regie_labels() -> dict[str, str]:
    return {
        "lt-1w": _("binnen een week"), "1-2w": _("1 tot 2 weken"), "2-4w": _("2 tot 4 weken"),
        "4-8w": _("4 tot 8 weken"), "8w+": _("8 weken of langer"), "nog-niet": _("nog niet afgesproken"),
    }


def referral_labels() -> dict[str, str]:
    labels = {band.code: _("%(band)s weken") % {"band": band.code} for band in REFERRAL_BANDS}
    labels.update({"nog-niet": _("nog niet gestart"), "zonder-start": _("afgesloten zonder start")})
    return labels


def improvement_labels() -> dict[str, str]:
    return {
        "lt-1m": _("binnen een maand"), "1-3m": _("1 tot 3 maanden"), "3-6m": _("3 tot 6 maanden"),
        "6m+": _("6 maanden of langer"), "nog-niet": _("nog niet gedaan"), "vervallen": _("vervallen"),
    }


def codes(labels: dict[str, str]) -> list[str]:
    return list(labels)


def label_of(labels: dict[str, str]) -> Any:
    return lambda code: labels.get(code, _("onbekend"))
