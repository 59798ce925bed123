"""The advice page and the wizard's concerns step in a real browser (Debian chromium, axe-core): at 1280 and
on a phone (360×740) the first contact is on the first screen, the "why" disclosures open, the copy-link
button copies and announces it (with JavaScript), and the page still works without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

# (reporter, situation query, the reporter's own role label that must not be the first contact)
REPORTERS = [
    ("jgz", "phase=kraamperiode&weeks_since_birth=2&reporter=jgz&concerns=huilbaby&concerns=stress-ouder",
     "Jeugdgezondheidszorg (JGZ)"),
    ("gynaecoloog", "phase=zwangerschap&reporter=gynaecoloog&concerns=geen-netwerk&concerns=ggz-ouder",
     "Ziekenhuis"),
    ("buurtteam-jeugd-gezin",
     "phase=jonge-kind&weeks_since_birth=30&reporter=buurtteam-jeugd-gezin&concerns=opvoedproblemen&concerns=armoede",
     "Buurtteam Jeugd en Gezin"),
]


def _context(browser, viewport, *, javascript: bool = True, clipboard: bool = False):
    context = browser.new_context(locale="nl-NL", viewport=viewport, java_script_enabled=javascript)
    if clipboard:
        context.grant_permissions(["clipboard-read", "clipboard-write"])
    return context


def _first_contact_on_first_screen(page, height: int) -> str:
    first = page.locator(".ww-involve-first")
    box = first.locator(".ww-line").bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, box
    return first.locator(".ww-line").inner_text()


@pytest.mark.parametrize(("reporter", "query", "own_label"), REPORTERS, ids=[r[0] for r in REPORTERS])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_advice_starts_with_someone_else_on_the_first_screen(
    browser, live_server, assert_accessible, reporter, query, own_label, viewport
):
    context = _context(browser, viewport)
    page = context.new_page()
    page.goto(f"{live_server.url}/route/advies/?{query}")
    line = _first_contact_on_first_screen(page, viewport["height"])
    assert "Neem eerst contact op met" in line
    assert own_label not in line, line
    # the reason in plain words right beside the first contact, not only a rule id
    why = page.locator(".ww-involve-first .ww-why-text").first.inner_text()
    assert len(why.split()) > 5 and not why.startswith("R-")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(page)
    context.close()


def test_disclosure_and_copy_link_with_javascript(browser, live_server, assert_accessible):
    context = _context(browser, DESKTOP, clipboard=True)
    page = context.new_page()
    query = REPORTERS[0][1]
    page.goto(f"{live_server.url}/route/advies/?{query}")
    details = page.locator(".ww-involve-first details.ww-why-details").first
    expect(details.locator("ul")).to_be_hidden()
    details.locator("summary").click()
    expect(details.locator("ul")).to_be_visible()
    assert details.get_attribute("open") is not None
    assert "Wegwijzer" in details.inner_text() and "R-" in details.inner_text()

    # At most three warnings prominently; the rest under "Overige aandachtspunten".
    assert page.locator(".ww-warnings .utrecht-alert__content > ul > li").count() == 3
    assert page.locator(".ww-warnings-other > ul > li").count() >= 1
    copy = page.locator(".ww-copy-link")
    expect(copy).to_be_visible()
    expect(page.locator(".ww-print")).to_be_visible()
    copy.click()
    page.wait_for_function("() => document.querySelector('.ww-copy-status').textContent.length > 0")
    assert page.locator(".ww-copy-status").inner_text() == "De link is gekopieerd."
    assert page.locator(".ww-copy-status").get_attribute("aria-live") == "polite"
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith(f"{live_server.url}/route/advies/?phase=kraamperiode")
    # the copied link reproduces the same advice
    page.goto(copied)
    assert "Neem eerst contact op met" in page.locator(".ww-involve-first").inner_text()
    assert_accessible(page)
    context.close()


def test_advice_without_javascript(browser, live_server):
    # page.evaluate never returns in a JavaScript-disabled context: locators only.
    context = _context(browser, PHONE, javascript=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/route/advies/?{REPORTERS[1][1]}")
    line = _first_contact_on_first_screen(page, PHONE["height"])
    assert "Ziekenhuis" not in line
    # the JavaScript-only buttons stay hidden; the plain link and the family-plan start remain
    expect(page.locator(".ww-copy-link")).to_be_hidden()
    expect(page.locator(".ww-print")).to_be_hidden()
    assert "/route/advies/?phase=zwangerschap" in (page.locator("a.ww-advice-link").get_attribute("href") or "")
    start = page.locator("a.ww-start-plan").get_attribute("href") or ""
    assert start.startswith("/gezinsplan/nieuw/?phase=zwangerschap") and "reporter=gynaecoloog" in start
    # native disclosure
    details = page.locator(".ww-involve-first details.ww-why-details").first
    details.locator("summary").click()
    expect(details.locator("ul")).to_be_visible()
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_concerns_step_shows_the_phase_concerns_in_groups_on_a_phone(browser, live_server, assert_accessible, javascript):
    context = _context(browser, PHONE, javascript=javascript)
    page = context.new_page()
    page.goto(f"{live_server.url}/route/stap/zorgen/?phase=zwangerschap&reporter=verloskundige")
    assert page.locator('input[name="concerns"][value="geen-netwerk"]').count() == 1
    for code in ("huilbaby", "borstvoeding", "kinderwens-vragen"):  # no born child yet / not during a pregnancy
        assert page.locator(f'input[name="concerns"][value="{code}"]').count() == 0
    legends = page.locator("fieldset legend").all_inner_texts()
    assert "Veiligheid" in legends and len(legends) >= 3

    page.goto(f"{live_server.url}/route/stap/zorgen/?phase=kraamperiode&reporter=jgz")
    assert page.locator('input[name="concerns"][value="huilbaby"]').count() == 1
    # a concern chosen outside the phase (e.g. a revision-1 link) is still there, checked
    page.goto(f"{live_server.url}/route/stap/zorgen/?phase=zwangerschap&reporter=verloskundige&concerns=huilbaby")
    assert page.locator('input[name="concerns"][value="huilbaby"]').is_checked()
    if javascript:
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        assert_accessible(page)
    context.close()
