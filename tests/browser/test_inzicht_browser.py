"""Inzicht's Done-when in a real browser, with axe-core (0 serious/critical) at 1280 and 360 px wide: a policy
officer (two-factor) opens the insight section, filters on Overvecht and the last six months, sees every chart
with its table, downloads a CSV with no cell under five; a professional gets 404."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.helpers import assert_page_fits, browser_session, make_policy_staff, make_professional
from wegwijzer.gezinsplan.models import Gezinsplan
from wegwijzer.inzicht.figures import Filters, Scope, insight_figures, last_months
from wegwijzer.inzicht.summary import insight_summary_refresh
from wegwijzer.routeguide.models import AdviceTally
from wegwijzer.routeguide.service import ruleset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _month_ago(n: int) -> dt.date:
    today = timezone.localdate().replace(day=10)
    year, month = today.year, today.month - n
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, 10)


def _tally(day: dt.date, phase: str, wijk: str, n: int) -> None:
    AdviceTally.objects.bulk_create([
        AdviceTally(date=day, phase=phase, reporter="jgz", wijk=wijk, concerns=["armoede"],
                     content_version=ruleset().content_version)
        for _ in range(n)
    ])


def _data() -> None:
    _tally(_month_ago(0), "zwangerschap", "overvecht", 12)
    _tally(_month_ago(0), "kraamperiode", "overvecht", 3)  # under five: hidden
    _tally(_month_ago(2), "zwangerschap", "overvecht", 8)
    _tally(_month_ago(9), "zwangerschap", "overvecht", 40)  # before the six months
    _tally(_month_ago(0), "zwangerschap", "west", 30)  # another wijk
    for i in range(7):
        Gezinsplan.objects.create(label=f"Gezin {i}", wijk="overvecht", phase="zwangerschap")
    insight_summary_refresh(full=True)  # the advice figures read the summary; the page would only queue this



@pytest.mark.parametrize("width", [1280, 360])
def test_done_when_flow(browser, live_server, assert_accessible, width, tmp_path: Path):
    _data()
    policy = make_policy_staff("beleid-b")
    figures = insight_figures(filters=Filters(last_months(6), "overvecht"), scope=Scope())

    context, page = browser_session(browser, live_server, policy, "/inzicht/", width, accept_downloads=True)
    try:
        expect(page.get_by_role("heading", name="Inzicht: waar de zorg stokt", level=1)).to_be_visible()
        assert_page_fits(page, assert_accessible, width)
        page.get_by_label("Periode", exact=True).select_option("6")
        page.get_by_label("Wijk", exact=True).select_option(label="Overvecht")
        page.get_by_role("button", name="Tonen").click()
        page.wait_for_url("**/inzicht/?maanden=6&wijk=overvecht")
        assert_page_fits(page, assert_accessible, width)

        for figure in figures:  # each figure: its heading, its table (with caption), a chart or the reason why not
            section = page.locator(f"section[aria-labelledby='f-{figure.slug}']")
            expect(section.get_by_role("heading", name=figure.title, level=3)).to_be_visible()
            table = section.get_by_role("table", name=figure.title)
            assert table.count() == 1
            assert table.locator("tbody tr").count() == len(figure.rows)
            if any(v for _label, cells in figure.rows for v in cells[:-1]):
                chart = section.get_by_role("img", name=f"Grafiek: {figure.title}. De cijfers staan in de tabel.")
                assert chart.locator("svg").count() == 1
            else:
                expect(section.get_by_text("Geen grafiek")).to_be_visible()
        first = page.locator("section[aria-labelledby='f-route-eerste-contact']")  # re-derived by the engine
        expect(first.get_by_role("rowheader", name="Verloskundige (eerstelijn)")).to_be_visible()
        month_phase = page.locator("section[aria-labelledby='f-route-maand-fase']")
        cells = [c.strip() for c in month_phase.locator("tbody td, tfoot td").all_inner_texts()]
        assert "12" in cells and "x" in cells and "3" not in cells and "40" not in cells and "30" not in cells

        with page.expect_download() as download:
            page.get_by_role("link", name="Download als CSV: Geadviseerde situaties per maand en fase").click()
        assert download.value.suggested_filename.startswith("inzicht-route-maand-fase-")
        assert download.value.suggested_filename.endswith("-overvecht.csv")
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig")), delimiter=";"))
        assert rows[0][0] == "Maand" and rows[-1][0] == "Totaal" and len(rows) == 6 + 2
        numbers = [int(v) for row in rows[1:] for v in row[1:] if v.isdigit()]
        assert 12 in numbers and all(n >= 5 for n in numbers), numbers
        assert any(v == "x" for row in rows[1:] for v in row[1:])

        page.get_by_role("link", name="Afdrukversie").click()
        expect(page.get_by_role("heading", name="Inzicht: waar de zorg stokt", level=1)).to_be_visible()
        assert page.get_by_role("table").count() == len(figures)
        assert_page_fits(page, assert_accessible, width)
    finally:
        context.close()

    # A professional cannot tell the section exists.
    professional = make_professional("prof-b", role="huisarts")
    context, page = browser_session(browser, live_server, professional, "/gezinsplan/", width, accept_downloads=True)
    try:
        for path in ("/inzicht/?maanden=6&wijk=overvecht", "/inzicht/afdrukken/", "/inzicht/route-maand-fase.csv"):
            assert page.goto(live_server.url + path).status == 404, path
    finally:
        context.close()
