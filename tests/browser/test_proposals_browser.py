"""A provider's edit proposal and the editor's review in a real browser at 1280 and 360 wide: a bad field is
refused in Dutch, a good proposal reaches the editor's diff, approval publishes it; no serious or critical axe
violations on either page."""

from __future__ import annotations

import pytest

from accounts.helpers import browser_log_in, confirmed_device, make_content_editor, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_map():
    from wegwijzer.socialmap.content import load

    load(if_empty=False, replace=True)


@pytest.mark.parametrize("width", [1280, 360])
def test_provider_proposes_and_an_editor_approves(browser, live_server, assert_accessible, real_map, width):
    from wegwijzer.socialmap.models import EditProposal, Organization

    provider = make_user("jgz-aanbieder", role="aanbieder", organization_slug="jgz-utrecht")
    editor = make_content_editor("redacteur")
    url = f"{live_server.url}/aanbieder/gegevens/organisatie/jgz-utrecht/"
    context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(url)
        browser_log_in(page, provider, confirmed_device(provider))
        page.wait_for_url("**/aanbieder/gegevens/organisatie/jgz-utrecht/")
        assert_accessible(page)
        page.get_by_label("E-mail").fill("geen-adres")
        page.get_by_role("button", name="Voorstel indienen bij de redactie").click()
        page.wait_for_load_state()
        assert "Vul een geldig e-mailadres in" in page.inner_text("main")
        assert EditProposal.objects.count() == 0
        assert_accessible(page)
        page.get_by_label("E-mail").fill("info@jgz.example.org")
        page.get_by_role("button", name="Voorstel indienen bij de redactie").click()
        page.wait_for_url("**/aanbieder/gegevens/?ingediend=*")
        assert "Wacht op de redactie" in page.inner_text("main")
        assert_accessible(page)
        proposal = EditProposal.objects.get()
    finally:
        context.close()

    context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/kaart/redactie/voorstellen/{proposal.pk}/")
        browser_log_in(page, editor, confirmed_device(editor))
        page.wait_for_url(f"**/kaart/redactie/voorstellen/{proposal.pk}/")
        assert "info@jgz.example.org" in page.inner_text("main")
        assert_accessible(page)
        page.get_by_role("button", name="Goedkeuren en publiceren").click()
        page.wait_for_load_state()
        assert "Goedgekeurd en gepubliceerd" in page.inner_text("main")
        assert_accessible(page)
        assert Organization.objects.get(slug="jgz-utrecht").email == "info@jgz.example.org"
    finally:
        context.close()
