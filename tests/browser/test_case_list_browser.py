"""Mijn gezinsplannen in pages, in a real browser (issue 9): a professional in 30 open and 2 closed cases
pages forward and back and switches to the closed list, at 1280 and 360 px; axe-core on each (0
serious/critical), nothing scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.helpers import assert_page_fits, browser_session, make_professional
from wegwijzer.gezinsplan import services
from wegwijzer.gezinsplan.models import Gezinsplan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def busy():
    worker = make_professional("bt-sanne", role="buurtteam-jeugd-gezin", organization_slug="buurtteam")
    for i in range(32):
        services.gezinsplan_create(actor=worker, label=f"Gezin Lijst{i:02d}", phase="zwangerschap", wijk="overvecht")
    for case in Gezinsplan.objects.order_by("created_at")[:2]:
        services.gezinsplan_close(actor=worker, gezinsplan=case)
    return worker


@pytest.mark.parametrize("width", [1280, 360])
def test_page_through_the_open_cases_and_switch_to_the_closed_ones(browser, live_server, busy, assert_accessible, width):
    context, page = browser_session(browser, live_server, busy, "/gezinsplan/", width)
    cases = page.locator("ol.ww-case-list > li")
    expect(cases).to_have_count(25)
    expect(page.get_by_text("Gezinsplan 1–25 van 30.")).to_be_visible()
    expect(cases.first).to_contain_text("Gezin Lijst31")  # newest first
    assert_page_fits(page, assert_accessible, width)

    pages = page.get_by_role("navigation", name="Pagina's van de gezinsplannen")
    pages.get_by_role("link", name="Volgende").click()
    expect(page.get_by_text("Gezinsplan 26–30 van 30.")).to_be_visible()
    expect(cases).to_have_count(5)
    expect(cases.last).to_contain_text("Gezin Lijst02")
    assert page.locator("ol.ww-case-list").get_attribute("start") == "26"
    assert_page_fits(page, assert_accessible, width)
    page.get_by_role("navigation", name="Pagina's van de gezinsplannen").get_by_role("link", name="Pagina 1").click()
    expect(page.get_by_text("Gezinsplan 1–25 van 30.")).to_be_visible()

    page.get_by_role("navigation", name="Open of gesloten gezinsplannen").get_by_role("link", name="Gesloten (2)").click()
    expect(page.get_by_role("heading", name="Gesloten gezinsplannen")).to_be_visible()
    expect(cases).to_have_count(2)
    expect(cases.first).to_contain_text("gesloten")
    assert_page_fits(page, assert_accessible, width)
    page.get_by_role("link", name="Open (30)").click()
    expect(page.get_by_role("heading", name="Open gezinsplannen")).to_be_visible()

    page.goto(live_server.url + "/gezinsplan/?pagina=7")
    expect(page.get_by_text("Pagina 7 bestaat niet; er zijn 2 pagina’s. We tonen de laatste.")).to_be_visible()
    expect(cases).to_have_count(5)
    assert_page_fits(page, assert_accessible, width)
    context.close()
