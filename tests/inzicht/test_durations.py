"""Durations as bands of days, counted by the database: crafted timestamps on each side of every band edge give
exact counts per band (both databases), a network chair sees only their network's agreements, and small
cells are suppressed like everywhere else."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from leren.factories import Net
from wegwijzer.gezinsplan.models import Gezinsplan, Regie, Verwijzing, VerwijzingStatus
from wegwijzer.inzicht.figures import Filters, Scope, learning_figures, plan_figures
from wegwijzer.inzicht.selectors import Period
from wegwijzer.leren.models import Improvement

pytestmark = pytest.mark.django_db

PERIOD = Period(date(2026, 1, 1), date(2026, 3, 31))


def _at(day: date, hour: int = 10) -> datetime:
    """That day and hour in Utrecht, as UTC: adding a timedelta then adds elapsed time, also across the change
    to summer time (an aware Amsterdam datetime plus 31 days would be an hour short in elapsed time)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone()).astimezone(UTC)


def _columns(figure) -> dict[str, int | None]:
    """Column label -> column total."""
    return dict(zip(figure.table.col_labels, figure.table.col_totals, strict=True))


def _row(figure, label: str) -> dict[str, int | None]:
    cells = dict(figure.rows)[label]
    return dict(zip(figure.table.col_labels, cells[:-1], strict=True))


def _figure(figures, slug: str):
    (figure,) = [f for f in figures if f.slug == slug]
    return figure


@pytest.fixture
def exact(settings):
    settings.INSIGHT_MIN_CELL = 0  # no suppression: the band counts themselves are under test


def _plan(opened: datetime, agreed_after: timedelta | None, wijk: str = "overvecht") -> Gezinsplan:
    plan = Gezinsplan.objects.create(label="Gezin", wijk=wijk, created_at=opened)
    Regie.objects.create(gezinsplan=plan, agreed_at=None if agreed_after is None else opened + agreed_after)
    return plan


def test_time_to_agreed_regie_in_bands_of_weeks(exact):
    opened = _at(date(2026, 1, 15))
    day, minute = timedelta(days=1), timedelta(minutes=1)
    for after in (timedelta(0), 7 * day - minute, 7 * day, 14 * day - minute, 14 * day, 28 * day - minute,
                  28 * day, 56 * day - minute, 56 * day, 200 * day, None, None):
        _plan(opened, after)
    _plan(_at(date(2026, 2, 2)), 3 * day)  # another month
    _plan(_at(date(2025, 12, 20)), 3 * day)  # before the period
    figure = _figure(plan_figures(Filters(PERIOD)), "gezinsplan-regie-duur")
    assert _row(figure, "2026-01") == {
        "binnen een week": 2, "1 tot 2 weken": 2, "2 tot 4 weken": 2, "4 tot 8 weken": 2, "8 weken of langer": 2,
        "nog niet afgesproken": 2,
    }
    assert _row(figure, "2026-02")["binnen een week"] == 1
    assert figure.table.total == 13


def test_time_to_agreed_regie_follows_the_wijk_filter(exact):
    _plan(_at(date(2026, 1, 15)), timedelta(days=2))
    _plan(_at(date(2026, 1, 15)), timedelta(days=2), wijk="west")
    figure = _figure(plan_figures(Filters(PERIOD, "west")), "gezinsplan-regie-duur")
    assert figure.table.total == 1


def _referral(asked: datetime, plan: Gezinsplan, *statuses: tuple[str, int]) -> Verwijzing:
    """A referral asked at `asked` with its status history as (status, days after the day it was asked)."""
    current = statuses[-1][0] if statuses else Verwijzing.Status.AANGEVRAAGD
    ref = Verwijzing.objects.create(gezinsplan=plan, target_kind="service", target_slug="x", target_name="X",
                                    status=current, created_at=asked)
    day = timezone.localtime(asked).date()
    VerwijzingStatus.objects.create(verwijzing=ref, status=Verwijzing.Status.AANGEVRAAGD, on=day)
    for status, days in statuses:
        VerwijzingStatus.objects.create(verwijzing=ref, status=status, on=day + timedelta(days=days))
    return ref


def test_referral_to_start_in_the_weeks_of_the_waiting_times(exact):
    plan = _plan(_at(date(2026, 1, 5)), None)
    asked = _at(date(2026, 2, 3), hour=0)  # midnight in Utrecht, the day before in UTC: Dutch days count
    S = Verwijzing.Status
    for days in (0, 34, 35, 62, 63, 90, 91, 150):
        _referral(asked, plan, (S.GESTART, days))
    _referral(asked, plan, (S.GESTART, 10), (S.AFGEROND, 80))  # started, then finished: counts from the start
    _referral(asked, plan, (S.WACHTLIJST, 5), (S.GESTART, 40), (S.WACHTLIJST, 45), (S.GESTART, 100))  # first
    _referral(asked, plan)  # still asked
    _referral(asked, plan, (S.WACHTLIJST, 20))  # waiting
    _referral(asked, plan, (S.AFGEWEZEN, 3))  # refused: never started
    figure = _figure(plan_figures(Filters(PERIOD)), "gezinsplan-verwijzing-start")
    assert _row(figure, "2026-02") == {
        "0-4 weken": 3, "5-8 weken": 3, "9-12 weken": 2, "13+ weken": 2,
        "nog niet gestart": 2, "afgesloten zonder start": 1,
    }
    assert _columns(figure)["0-4 weken"] == 3


def _improvement(net: Net, made: datetime, status: str, done_after: timedelta | None = None) -> None:
    Improvement.objects.create(network=net.network, due_date=made.date() + timedelta(days=30), status=status,
                               created_at=made, done_at=None if done_after is None else made + done_after)


def test_how_long_improvement_agreements_take(exact):
    net = Net()
    made = _at(date(2026, 3, 2))
    S, day = Improvement.Status, timedelta(days=1)
    for after in (2 * day, 31 * day - timedelta(seconds=1), 31 * day, 92 * day, 183 * day):
        _improvement(net, made, S.DONE, after)
    _improvement(net, made, S.OPEN)
    _improvement(net, made, S.BUSY)
    _improvement(net, made, S.LAPSED)
    figure = _figure(learning_figures(Filters(PERIOD), Scope()), "leren-afspraak-duur")
    assert _row(figure, "2026-03") == {
        "binnen een maand": 2, "1 tot 3 maanden": 1, "3 tot 6 maanden": 1, "6 maanden of langer": 1,
        "nog niet gedaan": 2, "vervallen": 1,
    }


def test_a_network_chair_sees_only_their_networks_agreements(exact):
    mine, other = Net(), Net()
    made = _at(date(2026, 3, 2))
    _improvement(mine, made, Improvement.Status.DONE, timedelta(days=3))
    for _ in range(4):
        _improvement(other, made, Improvement.Status.DONE, timedelta(days=3))
    scope = Scope(networks=frozenset({str(mine.network.pk)}))
    figure = _figure(learning_figures(Filters(PERIOD), scope), "leren-afspraak-duur")
    assert figure.table.total == 1
    everything = _figure(learning_figures(Filters(PERIOD), Scope()), "leren-afspraak-duur")
    assert everything.table.total == 5


def test_small_duration_cells_are_suppressed():
    opened = _at(date(2026, 1, 15))
    for _ in range(6):
        _plan(opened, timedelta(days=1))
    for _ in range(2):
        _plan(opened, timedelta(days=10))
    figure = _figure(plan_figures(Filters(PERIOD)), "gezinsplan-regie-duur")
    published = figure.table.values()
    assert published and all(v >= 5 for v in published)
    assert _row(figure, "2026-01")["1 tot 2 weken"] is None


def test_search_figure_counts_and_suppression(settings):
    from wegwijzer.inzicht.figures import search_figures
    from wegwijzer.socialmap import search_stats

    search_stats.search_stats_discard()
    for i in range(7):
        search_stats.search_seen(query="kraamzorg nacht", visitor=f"session:a{i}", results=0)
    for i in range(5):
        search_stats.search_seen(query="kraamzorg nacht", visitor=f"session:b{i}", results=4)
    for i in range(6):
        search_stats.search_seen(query="huilbaby", visitor=f"session:c{i}", results=0)
    today = timezone.localdate()
    filters = Filters(Period(today.replace(day=1), today))
    settings.INSIGHT_MIN_CELL = 0
    zero, words = search_figures(filters)
    assert _row(zero, "kraamzorg nacht") == {"niets gevonden": 7, "wel iets gevonden": 5}
    assert _row(zero, "huilbaby") == {"niets gevonden": 6, "wel iets gevonden": 0}
    assert dict((label, cells[0]) for label, cells in words.rows) == {"kraamzorg": 12, "nacht": 12, "huilbaby": 6}
    settings.INSIGHT_MIN_CELL = 5
    zero, _words = search_figures(filters)
    assert _row(zero, "huilbaby")["wel iets gevonden"] is None  # zero: hidden
    assert all(v >= 5 for v in zero.table.values())
