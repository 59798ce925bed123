"""Everyday basics in a real browser (issue 12, item 2): log out, the skip link, the phone layout, and the
plain-language timeline and access log; axe-core on each (0 serious/critical)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.helpers import browser_log_in, confirmed_device, make_professional
from wegwijzer.gezinsplan import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, user) -> None:
    device = confirmed_device(user)  # before the password: without one the login goes to enrolment
    page.goto(base + "/account/inloggen/")
    browser_log_in(page, user, device)


@pytest.fixture
def case():
    nurse = make_professional("jgz-els", role="jgz", organization_slug="jgz-utrecht")
    gezinsplan = services.gezinsplan_create(actor=nurse, label="Gezin Merel", phase="zwangerschap", wijk="overvecht")
    services.agreement_create(actor=nurse, gezinsplan=gezinsplan, what="Huisbezoek plannen")
    return nurse, gezinsplan


def test_log_out_from_a_case_page(page, live_server, case, assert_accessible):
    nurse, gezinsplan = case
    log_in(page, live_server.url, nurse)
    page.goto(f"{live_server.url}/gezinsplan/{gezinsplan.pk}/")
    expect(page.get_by_text("Ingelogd als jgz-els")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Uitloggen").click()
    assert page.get_by_role("button", name="Uitloggen").count() == 0
    page.goto(f"{live_server.url}/gezinsplan/{gezinsplan.pk}/")
    assert "/account/inloggen/" in page.url  # the session really ended


def test_skip_link_is_visible_when_focused(page, live_server, case):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    link = page.get_by_role("link", name="Naar de inhoud")
    assert link.evaluate("el => el === document.activeElement")
    colours = link.evaluate(
        "el => { const s = getComputedStyle(el); return [s.color, s.backgroundColor, el.getBoundingClientRect().left]; }"
    )
    assert colours[0] != colours[1]  # not white on white
    assert colours[2] >= 0  # on screen


def test_phone_shows_the_case_heading_on_the_first_screen(browser, live_server, case, assert_accessible):
    nurse, gezinsplan = case
    context = browser.new_context(locale="nl-NL", viewport={"width": 360, "height": 740})
    page = context.new_page()
    log_in(page, live_server.url, nurse)
    page.goto(f"{live_server.url}/gezinsplan/{gezinsplan.pk}/")
    heading = page.get_by_role("heading", name="Gezinsplan Gezin Merel")
    box = heading.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 740
    assert page.get_by_role("link", name="Mijn gezinsplannen").count() == 2  # menu and breadcrumb, not 3
    assert_accessible(page)
    context.close()


def test_timeline_and_log_in_plain_language(page, live_server, case, assert_accessible):
    nurse, gezinsplan = case
    log_in(page, live_server.url, nurse)
    page.goto(f"{live_server.url}/gezinsplan/{gezinsplan.pk}/tijdlijn/")
    expect(page.get_by_text("Afspraak gemaakt: Huisbezoek plannen")).to_be_visible()
    expect(page.get_by_text("komt in het team").first).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/gezinsplan/{gezinsplan.pk}/logboek/")
    expect(page.get_by_role("cell", name="een afspraak").first).to_be_visible()
    assert page.get_by_role("cell", name="agreement").count() == 0
    assert_accessible(page)
