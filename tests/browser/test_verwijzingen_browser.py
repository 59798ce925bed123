"""Referrals in a real browser (issue 12, item 3): a member creates a referral to a social-map service and
moves it aangevraagd → op de wachtlijst → geaccepteerd → gestart, then sees it in the timeline; at 1280 and
360 px wide, axe-core on every page (0 serious/critical)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.helpers import browser_log_in, confirmed_device, make_professional
from wegwijzer.gezinsplan import services
from wegwijzer.gezinsplan.models import Verwijzing
from wegwijzer.socialmap.models import Role, Service, WaitTime

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case():
    worker = make_professional("bt-anna", role="buurtteam-jeugd-gezin", organization_slug="buurtteam")
    gezinsplan = services.gezinsplan_create(actor=worker, label="Gezin Lijster", phase="zwangerschap", wijk="overvecht")
    services.consent_record(
        actor=worker, gezinsplan=gezinsplan, what="Gegevens voor de verwijzing", with_whom="Testaanbod",
        given_on=timezone.localdate(),
    )
    service = Service.objects.create(slug="testaanbod-browser", name="Testaanbod Opvoedsteun")
    service.roles.add(Role.objects.get_or_create(slug="aanvullende-jeugdhulp", defaults={"name": "Aanvullende jeugdhulp"})[0])
    WaitTime.objects.create(service=service, weeks=5, measured_on=timezone.localdate(), source="test")
    return worker, gezinsplan


@pytest.mark.parametrize("width", [1280, 360])
def test_refer_and_follow_the_statuses_into_the_timeline(browser, live_server, case, assert_accessible, width):
    worker, gezinsplan = case
    context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 900 if width > 400 else 740})
    page = context.new_page()
    device = confirmed_device(worker)
    page.goto(live_server.url + "/account/inloggen/")
    browser_log_in(page, worker, device)
    base = f"{live_server.url}/gezinsplan/{gezinsplan.pk}"
    page.goto(base + "/")
    page.get_by_role("link", name="Verwijzingen", exact=True).first.click()
    expect(page.get_by_role("heading", name="Verwijzingen", exact=True)).to_be_visible()
    assert_accessible(page)

    # Search the social map by name, choose the service; the monitor is the buurtteam member by default.
    page.get_by_label("Zoek op de sociale kaart op naam").fill("opvoedsteun")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_label("Naar welk aanbod of welke organisatie?").select_option("service:testaanbod-browser")
    monitor = page.get_by_label("Wie houdt toezicht op de inzet?")
    assert "bt-anna" in monitor.evaluate("el => el.options[el.selectedIndex].text")
    page.get_by_label("Gegevens voor de verwijzing — Testaanbod").check()
    page.get_by_role("button", name="Verwijzing vastleggen").click()
    expect(page.get_by_text("De verwijzing is vastgelegd.")).to_be_visible()
    card = page.locator(".ww-card", has_text="Testaanbod Opvoedsteun")
    expect(card.get_by_text("ongeveer 5 weken")).to_be_visible()
    assert_accessible(page)

    for label in ("Op de wachtlijst", "Geaccepteerd", "Gestart"):
        page.locator(".ww-card", has_text="Testaanbod Opvoedsteun").get_by_label("Nieuwe status").select_option(label=label)
        page.get_by_role("button", name="Status wijzigen").click()
        expect(page.get_by_text(f"is nu: {label}.")).to_be_visible()
    card = page.locator(".ww-card", has_text="Testaanbod Opvoedsteun")
    expect(card.get_by_text("Gestart").first).to_be_visible()
    expect(card.get_by_text("wachttijd toen ongeveer 5 weken")).to_be_visible()
    # Refusing needs a reason: the error stands beside the field.
    card.get_by_label("Nieuwe status").select_option(label="Afgewezen")
    page.get_by_role("button", name="Status wijzigen").click()
    expect(page.get_by_text("Geef de reden van de afwijzing.")).to_be_visible()
    assert_accessible(page)
    assert Verwijzing.objects.get(gezinsplan=gezinsplan).status == "gestart"

    page.goto(base + "/tijdlijn/")
    items = page.locator(".ww-timeline__item--verwijzing")
    texts = [t.split(" ", 4)[-1] for t in items.all_inner_texts()]
    for status in ("Aangevraagd", "Op de wachtlijst", "Geaccepteerd", "Gestart"):
        assert any(t.endswith(f"Verwijzing naar Testaanbod Opvoedsteun: {status}") for t in texts), texts
    expect(items.first).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
