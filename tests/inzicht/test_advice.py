"""The advice figures (issue 14: first contacts, laws, warnings, Babythuiszorg and with whom, advice pointing
to a waiting list) and the summary they read: counts equal what `service.advise` says for the same
situations, small cells are hidden, a refresh twice gives the same rows, an old content version is replayed
with its own release, old data without a release is "onbekende inhoudsversie", and the API and CSV of a new
figure. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.helpers import make_policy_staff, verified_client
from wegwijzer.core.vocabulary import vocabulary
from wegwijzer.inzicht import summary
from wegwijzer.inzicht.advice import advice_route_figures, advice_wait_figures
from wegwijzer.inzicht.figures import Figure, Filters, Scope, insight_figures, last_months
from wegwijzer.inzicht.models import AdviceSummary, SummaryRefresh
from wegwijzer.routeguide import service
from wegwijzer.routeguide.models import AdviceTally, ContentRelease
from wegwijzer.socialmap.models import Service, WaitTime

from .conftest import month_ago

pytestmark = pytest.mark.django_db

P01 = {"phase": "zwangerschap", "weeks_since_birth": None, "reporter": "verloskundige", "wijk": "overvecht",
       "concerns": ["jong-ouderschap", "geen-netwerk"], "buurtteam_involved": False, "urgent": False,
       "child_protection_order": False, "ambulant_sufficient": True, "related_to_baby_care": True}
V18 = {"phase": "jonge-kind", "reporter": "buurtteam-jeugd-gezin", "wijk": "overvecht",
       "concerns": ["praktische-kindzorg", "lvb-ouder"], "buurtteam_involved": True}  # Babythuiszorg
V19 = {"phase": "jonge-kind", "reporter": "jgz", "wijk": "overvecht", "concerns": ["huilbaby"],
       "buurtteam_involved": True}
NEW = ("route-eerste-contact", "route-wetten", "route-waarschuwingen", "route-babythuiszorg",
       "route-babythuiszorg-met", "wachttijd-advies-wachtlijst")
FILTER = {"maanden": "6", "wijk": "overvecht"}


@pytest.fixture(autouse=True)
def _fresh_rulesets():
    summary.reset_rulesets()
    yield
    summary.reset_rulesets()


def advised(situation: dict, n: int, day: dt.date | None = None) -> None:
    """`n` real advice of the route guide (each tallies its row), dated `day`."""
    before = set(AdviceTally.objects.values_list("pk", flat=True))
    for _ in range(n):
        service.advise(dict(situation))
    if day is not None:
        AdviceTally.objects.exclude(pk__in=before).update(date=day)


def expected(situations: list[tuple[dict, int]]) -> dict[str, Counter]:
    """The counts per kind and code, worked out from the advice itself (not from the summary's code path)."""
    out: dict[str, Counter] = {k: Counter() for k in ("eerste", "wet", "waarschuwing", "btz", "met")}
    for situation, n in situations:
        advice = service.advise(dict(situation), tally=False)
        out["eerste"][advice["involve"][0] if advice["involve"] else ""] += n
        for law in set(advice["laws"]):
            out["wet"][law] += n
        for warning in set(advice["warnings"]):
            out["waarschuwing"][warning] += n
        with_btz = "babythuiszorg" in advice["interventions"]
        out["btz"]["ja" if with_btz else "nee"] += n
        for role in set(advice["involve"]) if with_btz else ():
            out["met"][role] += n
    return out


def column(figure: Figure) -> dict[str, int | None]:
    return {label: cells[0] for label, cells in figure.rows}


def by_slug(figures: list[Figure]) -> dict[str, Figure]:
    return {f.slug: f for f in figures}


def labelled(counts: Counter, kind: str) -> dict[str, int]:
    voc = vocabulary()
    return {voc.label(kind, code): n for code, n in counts.items() if n}


def test_counts_per_code_are_those_of_the_advice(settings):
    settings.INSIGHT_MIN_CELL = 0  # no suppression: every count is compared
    situations = [(P01, 7), (V18, 6), (V19, 5)]
    for situation, n in situations:
        advised(situation, n)
    advised({**P01, "wijk": "west"}, 3)  # another wijk: not in Overvecht's figures
    want = expected(situations)
    assert want["btz"]["ja"] == 6 and want["met"]  # the crafted data does exercise Babythuiszorg

    run = summary.insight_summary_refresh(full=True)
    assert run.tally_rows == 21 and run.engine_runs == 4 and run.unknown == 0
    figures = by_slug(advice_route_figures(Filters(last_months(6), "overvecht")))
    assert column(figures["route-eerste-contact"]) == labelled(want["eerste"], "roles")
    assert column(figures["route-wetten"]) == labelled(want["wet"], "laws")
    assert column(figures["route-waarschuwingen"]) == labelled(want["waarschuwing"], "warnings")
    assert column(figures["route-babythuiszorg-met"]) == labelled(want["met"], "roles")
    this_month = dict(figures["route-babythuiszorg"].rows)[timezone.localdate().strftime("%Y-%m")]
    assert this_month == (want["btz"]["ja"], want["btz"]["nee"], 18)
    # most frequent first
    counts = [n for n in column(figures["route-wetten"]).values()]
    assert counts == sorted(counts, reverse=True)
    city = by_slug(advice_route_figures(Filters(last_months(6))))
    assert city["route-babythuiszorg"].table.total == 21


def test_small_cells_are_hidden_in_the_new_figures(settings):
    settings.INSIGHT_MIN_CELL = 5
    advised(P01, 9)
    advised(V18, 2)  # under five: Babythuiszorg's cells must not show
    summary.insight_summary_refresh(full=True)
    figures = by_slug(advice_route_figures(Filters(last_months(6), "overvecht"))
                      + advice_wait_figures(Filters(last_months(6), "overvecht")))
    for slug in NEW:
        values = figures[slug].table.values()
        assert all(v >= 5 for v in values), (slug, values)
    btz = dict(figures["route-babythuiszorg"].rows)[timezone.localdate().strftime("%Y-%m")]
    assert btz[0] is None  # the 2 with Babythuiszorg
    assert btz[1] is None  # and its complement: 9 = 11 - 2 would give it away
    assert all(v is None for _label, cells in figures["route-babythuiszorg-met"].rows for v in cells)  # 2 each


def test_a_refresh_twice_gives_the_same_rows():
    advised(P01, 6)
    advised(V18, 5, day=month_ago(3))
    AdviceTally.objects.create(date=month_ago(1), phase="zwangerschap", reporter="jgz", wijk="overvecht",
                               concerns=["armoede"], content_version="ouddata")

    def rows():
        return sorted(AdviceSummary.objects.values_list("month", "wijk", "route", "content_version", "kind", "code",
                                                        "count"))

    summary.insight_summary_refresh(full=True)
    first = rows()
    summary.insight_summary_refresh(full=True)
    assert rows() == first
    summary.insight_summary_refresh()  # from the month of the previous run: the older months stay as they were
    assert rows() == first
    assert SummaryRefresh.objects.filter(finished_at__isnull=False).count() == 3


def test_an_old_content_version_is_replayed_with_its_own_release(content_copy, settings):
    settings.INSIGHT_MIN_CELL = 0
    get_user_model().objects.create_user(username="redacteur1", password="x-Geheim-123456")
    load = ("content", "load", "--replace", "--user", "redacteur1", "--reason")
    call_command(*load, "Voor de wijziging", stdout=io.StringIO(), stderr=io.StringIO())
    advised(V18, 6)
    old_version = AdviceTally.objects.values_list("content_version", flat=True).distinct().get()
    # one rule differs: Babythuiszorg no longer for practical childcare alone
    rules = content_copy / "routeguide" / "rules" / "interventies.yaml"
    text = rules.read_text(encoding="utf-8")
    changed = text.replace("concerns_any: [praktische-kindzorg, zorgen-opvoedvaardigheden]",
                           "concerns_any: [zorgen-opvoedvaardigheden]", 1)
    assert changed != text
    rules.write_text(changed, encoding="utf-8")
    service.reset_cache()
    call_command(*load, "Babythuiszorg alleen bij zorgen over opvoedvaardigheden", stdout=io.StringIO(),
                 stderr=io.StringIO())
    assert ContentRelease.objects.count() == 2
    advised(V18, 5)
    new_version = AdviceTally.objects.exclude(content_version=old_version).values_list(
        "content_version", flat=True).distinct().get()
    assert new_version != old_version

    run = summary.insight_summary_refresh(full=True)
    assert run.unknown == 0 and run.engine_runs == 2
    btz = dict(AdviceSummary.objects.filter(kind="babythuiszorg", code="ja").values_list("content_version", "count"))
    assert btz == {old_version: 6}  # the old advice kept Babythuiszorg, the new rule dropped it
    nee = dict(AdviceSummary.objects.filter(kind="babythuiszorg", code="nee").values_list("content_version", "count"))
    assert nee == {new_version: 5}
    assert service.advise_replay(dict(V18), content_version=old_version)["interventions"].count("babythuiszorg") == 1


def test_a_version_without_a_release_is_counted_as_unknown_never_an_error(client, settings):
    settings.INSIGHT_MIN_CELL = 0
    advised(P01, 5)
    AdviceTally.objects.bulk_create([AdviceTally(phase="zwangerschap", reporter="jgz", wijk="overvecht",
                                                 concerns=["armoede"], content_version="ouddata") for _ in range(4)])
    run = summary.insight_summary_refresh(full=True)
    assert run.unknown == 4
    figures = by_slug(advice_route_figures(Filters(last_months(6), "overvecht")))
    assert column(figures["route-eerste-contact"])["onbekende inhoudsversie"] == 4
    assert figures["route-eerste-contact"].table.total == 9
    verified_client(client, make_policy_staff("beleid-oud"))
    assert client.get(reverse("inzicht:overview"), FILTER).status_code == 200


def test_waiting_list_counts_offers_with_a_current_waiting_time(settings):
    settings.INSIGHT_MIN_CELL = 0
    offer, _ = Service.objects.get_or_create(slug="babythuiszorg", defaults={"name": "Babythuiszorg"})
    WaitTime.objects.create(service=offer, weeks=6, measured_on=timezone.localdate().replace(day=1), source="test")
    advised(V18, 6)  # Babythuiszorg advised this month, which has a current figure
    advised(V18, 5, day=month_ago(2))  # before the figure was measured: no waiting list then
    advised(V19, 7)  # no Babythuiszorg (and no other offer with a figure)
    summary.insight_summary_refresh(full=True)
    (figure,) = advice_wait_figures(Filters(last_months(6), "overvecht"))
    rows = dict(figure.rows)
    assert rows[timezone.localdate().strftime("%Y-%m")] == (6, 7, 13)
    assert rows[month_ago(2).strftime("%Y-%m")] == (0, 5, 5)


def test_the_overview_queues_a_refresh_once_and_shows_when(client, settings):
    settings.INSIGHT_MIN_CELL = 0
    advised(P01, 6)
    verified_client(client, make_policy_staff("beleid-2"))
    html = client.get(reverse("inzicht:overview"), FILTER).content.decode()  # immediate task backend in tests
    assert "Bijgewerkt op" in html and 'id="c-route-eerste-contact"' in html
    assert AdviceSummary.objects.filter(kind="advies").get().count == 6
    asked = SummaryRefresh.objects.count()
    client.get(reverse("inzicht:overview"), FILTER)
    assert SummaryRefresh.objects.count() == asked  # fresh: nothing queued again
    settings.INSIGHT_REFRESH_SECONDS = 0
    client.get(reverse("inzicht:overview"), FILTER)
    assert SummaryRefresh.objects.count() > asked


def test_api_and_csv_of_a_new_figure(client, settings):
    settings.INSIGHT_MIN_CELL = 5
    for months_ago in (0, 1, 2):  # every month of the period counted: no zeros to hide around
        advised(P01, 8, day=month_ago(months_ago))
        advised(V18, 6, day=month_ago(months_ago))
    summary.insight_summary_refresh(full=True)
    verified_client(client, make_policy_staff("beleid-3"))
    three = {"maanden": "3", "wijk": "overvecht"}
    data = client.get("/api/v1/insight/figures/route-babythuiszorg", three).json()
    (figure,) = data["contents"]
    assert [r["cells"] for r in figure["rows"]] == [[6, 8]] * 3
    assert figure["total"] == 42
    response = client.get(reverse("inzicht:figure-csv", args=["route-eerste-contact"]), three)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Eerste contact" and rows[-1] == ["Totaal", "42", "42"]
    assert all(int(v) >= 5 for row in rows[1:] for v in row[1:] if v.isdigit())


def test_the_new_figures_are_in_every_output_the_privacy_walk_checks():
    slugs = [f.slug for f in insight_figures(filters=Filters(last_months(6), "overvecht"), scope=Scope())]
    assert set(NEW) <= set(slugs)  # tests/inzicht/test_views.py walks every slug's page, CSV and API


def test_the_command_refreshes_and_says_what_it_did():
    advised(P01, 5)
    out = io.StringIO()
    call_command("insight", "refresh", "--all", stdout=out)
    assert "5 adviezen in 1 groepen" in out.getvalue()
    assert AdviceSummary.objects.filter(kind="advies").get().count == 5
