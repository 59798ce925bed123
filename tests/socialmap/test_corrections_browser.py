"""The "Klopt er iets niet?" form in a real phone-sized browser (360×740): reachable, fillable, sent, and
no serious or critical axe violations on the record page, the error page and the thanks page."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_map():
    from wegwijzer.socialmap.content import load

    load(if_empty=False, replace=True)


def test_correction_form_on_a_phone(browser, live_server, assert_accessible, real_map):
    from wegwijzer.socialmap.models import Correction

    context = browser.new_context(locale="nl-NL", viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/kaart/diakonessenhuis/")
        assert page.get_by_role("link", name="https://www.diakonessenhuis.nl/").count() == 1
        assert page.get_by_role("heading", name="Klopt er iets niet?").is_visible()
        assert page.locator("#ww-corr-homepage").is_hidden()
        assert_accessible(page)
        # no horizontal scrolling on a phone
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360

        page.get_by_label("Wat klopt er niet?").fill("kort")
        page.get_by_role("button", name="Melding versturen").click()
        page.wait_for_load_state()
        assert "minstens 10 tekens" in page.inner_text("main")
        assert Correction.objects.count() == 0
        assert_accessible(page)

        page.get_by_label("Telefoon, e-mail of website").check()
        page.get_by_label("Wat klopt er niet?").fill("Het algemene telefoonnummer ontbreekt op deze pagina.")
        page.get_by_role("button", name="Melding versturen").click()
        page.wait_for_url("**/kaart/diakonessenhuis/klopt-er-iets-niet/bedankt/")
        assert page.inner_text("h1") == "Bedankt voor uw melding"
        assert_accessible(page)
        correction = Correction.objects.get()
        assert (correction.record_slug, correction.topic) == ("diakonessenhuis", "contact")
    finally:
        context.close()
