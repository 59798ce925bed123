"""The social map in a real browser: home search → results → detail, by mouse and keyboard only, with
live (htmx) filtering and without JavaScript; axe-core finds no serious or critical violations."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 80
QUERY = "kraamzorg extra uren"
DETAIL_PATH = "/kaart/verlengde-kraamzorg/"


@pytest.fixture
def loaded_social_map():
    """The real Utrecht content, through the real loader (the same path `make run` takes)."""
    from wegwijzer.socialmap.content import load

    load(if_empty=False, replace=True)


def focused(page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement; return {tag: e.tagName.toLowerCase(), id: e.id,"
        " href: e.getAttribute('href'), text: (e.innerText || '').trim()}; }"
    )


def tab_to(page, selector: str) -> None:
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"could not reach {selector} with Tab; focus is on {focused(page)}")


def test_search_results_detail(page, live_server, assert_accessible, loaded_social_map):
    page.goto(f"{live_server.url}/")
    assert page.get_attribute("html", "lang") == "nl"
    assert_accessible(page)

    page.get_by_label("Zoek een organisatie, team of aanbod").fill(QUERY)
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_url(re.compile(r"/kaart/zoeken/\?q=kraamzorg"))
    assert re.search(r"\d+ (resultaat|resultaten) voor „kraamzorg extra uren”", page.inner_text("#ww-count"))
    assert_accessible(page)

    page.locator("#ww-results").get_by_role("link", name="Extra uren (verlengde) kraamzorg").click()
    page.wait_for_url(f"**{DETAIL_PATH}")
    assert page.inner_text("h1") == "Extra uren (verlengde) kraamzorg"
    assert "Zorgverzekeringswet" in page.inner_text("main")
    assert page.locator(".ww-unknown").count() >= 1  # unknown facts are shown as unknown
    assert_accessible(page)


def test_keyboard_only(page, live_server, loaded_social_map):
    page.goto(f"{live_server.url}/")
    # The first Tab lands on the skip link; Enter moves to the main content.
    page.keyboard.press("Tab")
    assert focused(page)["href"] == "#main"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"

    tab_to(page, "#ww-home-q")
    page.keyboard.type(QUERY)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/kaart/zoeken/\?q="))

    tab_to(page, f'#ww-results a[href="{DETAIL_PATH}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{DETAIL_PATH}")
    assert page.inner_text("h1") == "Extra uren (verlengde) kraamzorg"


def test_live_filtering_updates_results_count_and_url(page, live_server, assert_accessible, loaded_social_map):
    page.goto(f"{live_server.url}/kaart/zoeken/?q=kraamzorg")
    before = page.inner_text("#ww-count")
    page.locator("summary.ww-filters-disclosure__summary").click()  # the filters sit behind a disclosure
    page.get_by_label("Soort").select_option("rol")
    page.wait_for_function("(b) => document.querySelector('#ww-count').innerText !== b", arg=before)
    page.wait_for_url(re.compile(r"soort=rol"))
    assert page.get_attribute("#ww-count", "aria-live") == "polite"
    results = page.locator("#ww-results .ww-result")
    assert results.count() >= 1
    for badge in page.locator("#ww-results .ww-kind").all_inner_texts():
        assert badge == "Rol"
    assert page.locator("#ww-results h1").count() == 0  # a fragment was swapped in, not a whole page
    assert_accessible(page)


def test_filters_work_without_javascript(browser, live_server, loaded_social_map):
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/kaart/zoeken/")
        page.locator("summary.ww-filters-disclosure__summary").click()  # opens natively, without JavaScript
        page.get_by_label("Wijk").select_option("overvecht")
        page.get_by_label("Soort").select_option("team")
        page.get_by_role("button", name="Filters toepassen").click()
        page.wait_for_url(re.compile(r"wijk=overvecht"))
        text = page.inner_text("#ww-results")
        assert "Overvecht" in text
        assert re.search(r"\d+ (resultaat|resultaten)", page.inner_text("#ww-count"))
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/kaart/zoeken/?q=kraamzorg", DETAIL_PATH, "/kaart/wijk/overvecht/"])
def test_phone_width_has_no_horizontal_scroll(browser, live_server, loaded_social_map, path):
    context = browser.new_context(locale="nl-NL", viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/kaart/wijk/overvecht/", "/kaart/wie-doet-wat/", "/kaart/geboortezorgnetwerk-overvecht/"])
def test_other_pages_accessible(page, live_server, assert_accessible, loaded_social_map, path):
    page.goto(f"{live_server.url}{path}")
    assert page.locator("h1").count() == 1
    assert_accessible(page)
