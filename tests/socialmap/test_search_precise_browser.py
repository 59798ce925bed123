"""The search page on a phone (360×740): the first result is on the first screen, the filters sit behind a
disclosure that opens with the keyboard and without JavaScript, and axe finds nothing serious."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_map(settings):
    from django.conf import settings as django_settings

    from wegwijzer.socialmap.content import load

    settings.CONTENT_DIR = django_settings.BASE_DIR / "content"
    load(if_empty=False, replace=True)


@pytest.mark.parametrize("javascript", [True, False])
def test_first_result_above_the_fold_on_a_phone(browser, live_server, assert_accessible, real_map, javascript):
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 360, "height": 740}, java_script_enabled=javascript
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/kaart/zoeken/?q=huilbaby")
        first = page.locator(".ww-result").first
        box = first.bounding_box()
        assert box is not None
        # The whole title of the first result is on the first screen (it started ~1,350 px down before).
        title = first.locator(".ww-result__title").bounding_box()
        assert title is not None and title["y"] + title["height"] <= 740, title
        filters = page.locator("#ww-f-wijk")
        assert filters.is_hidden()
        summary = page.locator("summary.ww-filters-disclosure__summary")
        summary.focus()
        page.keyboard.press("Enter")
        assert filters.is_visible()
        if javascript:  # axe and page.evaluate need the page's JavaScript (without it evaluate never returns)
            assert_accessible(page)
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


def test_did_you_mean_runs_the_corrected_search(browser, live_server, assert_accessible, real_map):
    context = browser.new_context(locale="nl-NL", viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/kaart/zoeken/?q=kraamzrog")
        link = page.get_by_role("link", name="kraamzorg", exact=True)
        assert page.locator(".ww-suggestion").inner_text().startswith("Bedoelde u:")
        assert_accessible(page)
        link.click()
        page.wait_for_load_state()
        assert "q=kraamzorg" in page.url
        assert page.locator(".ww-result__title").first.inner_text() == "Kraamzorg"
        assert page.locator(".ww-suggestion").count() == 0
    finally:
        context.close()
