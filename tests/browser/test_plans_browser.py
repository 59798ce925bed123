"""The gezinsplan in a real browser, from a route advice to a warm handover, with axe-core on the main pages.

Two professionals of different organisations run the plan together: the midwife starts it from the route
advice, adds the JGZ nurse, records consent, fills the five steps, plans an MDO, exports, and hands over to the
nurse. After the handover the midwife cannot open the plan any more; the nurse can, and a third professional
cannot tell the case exists.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.helpers import browser_log_in, confirmed_device, make_professional
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.gezinsplan.models import Consent, Gezinsplan, Meeting, PlanSection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADVICE = (
    "/route/advies/?phase=zwangerschap&reporter=verloskundige&wijk=overvecht"
    "&concerns=jong-ouderschap&concerns=geen-netwerk"
)
STEPS = {
    1: ("Jonge ouders willen hulp bij de voorbereiding op de bevalling.", "Vraag komt van de ouders zelf."),
    2: ("Geen stoornissen; wel weinig netwerk.", "Besproken met de verloskundige."),
    3: ("Steun bij opvoeden en een vast aanspreekpunt.", "Lichte hulp past bij de vraag."),
    4: ("Oma helpt twee dagen per week.", "Netwerk eerst, dan aanvullend."),
    5: (
        "Buurtteam start gezinsondersteuning; JGZ doet een huisbezoek.",
        "KOOS is betrokken bij de afweging.",
    ),
}


def nav(page, name: str) -> None:
    page.get_by_role("navigation", name="Onderdelen van het gezinsplan").get_by_role(
        "link", name=name
    ).click()


def test_from_route_advice_to_warm_handover(page, browser, live_server, assert_accessible):
    midwife = make_professional("vk-anna", role="verloskundige", organization_slug="verloskundigen-overvecht")
    nurse = make_professional("jgz-bram", role="jgz", organization_slug="jgz-utrecht")
    outsider = make_professional("ha-cees", role="huisarts", organization_slug="huisartsen-zuid")
    midwife_device = confirmed_device(midwife)
    nurse_device = confirmed_device(nurse)

    # The route advice offers to start a plan; that asks for login + second factor first.
    page.goto(live_server.url + ADVICE)
    page.get_by_role("link", name="Start een gezinsplan").click()
    browser_log_in(page, midwife, midwife_device)
    assert "/gezinsplan/nieuw/" in page.url and "concerns=geen-netwerk" in page.url
    expect(page.get_by_role("heading", name="Start een gezinsplan")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Label voor dit gezin").fill("Gezin Vlinder")
    page.get_by_role("button", name="Gezinsplan aanmaken").click()

    gezinsplan = Gezinsplan.objects.get(label="Gezin Vlinder")
    assert gezinsplan.phase == "zwangerschap" and gezinsplan.wijk == "overvecht"
    assert gezinsplan.advice_snapshot["situation"]["reporter"] == "verloskundige"
    expect(page.get_by_role("heading", name="Gezinsplan Gezin Vlinder")).to_be_visible()
    assert_accessible(page)

    # Add the JGZ nurse (another organisation); an unknown username first shows an error next to the field.
    nav(page, "Team")
    page.get_by_label("Gebruikersnaam").fill("bestaat-niet")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.get_by_text("Er is geen professional met deze gebruikersnaam.")).to_be_visible()
    assert_accessible(page)
    # Found by organisation, case-insensitively; no consent names JGZ yet, so a warning comes first.
    page.get_by_label("Zoek een collega op naam, organisatie of rol").fill("JGZ-Utrecht")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_text("1 collega gevonden.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=f"{nurse.username} toevoegen").click()
    expect(page.get_by_text("Er is geen toestemming van de ouders vastgelegd")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Ik voeg deze professional toch toe").check()
    page.get_by_role("button", name="Toevoegen", exact=True).click()
    expect(page.get_by_role("cell", name="jgz-utrecht")).to_be_visible()
    assert_accessible(page)

    # Consent of the parents.
    nav(page, "Toestemming")
    page.get_by_label("Wat mag gedeeld worden?").fill("Verloop van de zwangerschap en het plan")
    page.get_by_label("Met wie?").fill("JGZ en huisarts")
    page.get_by_label("Gegeven op").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Toestemming vastleggen").click()
    expect(page.get_by_text("De toestemming is vastgelegd.")).to_be_visible()
    assert_accessible(page)
    assert Consent.objects.filter(gezinsplan=gezinsplan).count() == 1

    # The five steps, with their considerations.
    for number, (content, considerations) in STEPS.items():
        nav(page, PlanSection(step=number).title)
        page.get_by_label("Wat is er vastgesteld?").fill(content)
        page.get_by_label("Afwegingen").fill(considerations)
        page.get_by_role("button", name="Stap opslaan").click()
        expect(page.get_by_text(content).first).to_be_visible()
        if number == 1:
            assert_accessible(page)
    assert list(PlanSection.objects.filter(gezinsplan=gezinsplan).values_list("version", flat=True)) == [1] * 5

    # An MDO with the family, with a decision; download the invitation.
    nav(page, "MDO's")
    day = timezone.localdate() + dt.timedelta(days=7)
    page.get_by_label("Datum").fill(day.isoformat())
    page.get_by_label("Begintijd").fill("14:30")
    page.get_by_label("Locatie (niet verplicht)").fill("Buurtteam Overvecht")
    page.get_by_label(f"{nurse.username} (").check()
    page.get_by_label("Het gezin neemt deel").check()
    page.get_by_label("Besluiten (niet verplicht)").fill("JGZ doet een prenataal huisbezoek")
    assert_accessible(page)
    page.get_by_role("button", name="MDO plannen").click()
    expect(page.get_by_role("heading", name="MDO op")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Agenda-uitnodiging downloaden (.ics)").click()
    assert "BEGIN:VCALENDAR" in Path(download.value.path()).read_text(encoding="utf-8")
    page.get_by_role("button", name="Afspraak maken").click()
    expect(page.get_by_text("Het besluit is een afspraak geworden.")).to_be_visible()
    assert Meeting.objects.get(gezinsplan=gezinsplan).decisions.get().agreement is not None

    nav(page, "Afspraken")
    expect(page.get_by_role("cell", name="JGZ doet een prenataal huisbezoek (uit MDO")).to_be_visible()
    assert_accessible(page)

    # Exports: FHIR download and the printable plan for the family.
    with page.expect_download() as download:
        nav(page, "Exporteren (FHIR)")
    bundle = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert {e["resource"]["resourceType"] for e in bundle["entry"]} >= {"CarePlan", "CareTeam", "Consent"}
    nav(page, "Afdrukken voor het gezin")
    expect(page.get_by_role("heading", name="Gezinsplan Gezin Vlinder")).to_be_visible()
    expect(page.get_by_text(STEPS[4][0])).to_be_visible()
    assert_accessible(page)
    page.go_back()

    nav(page, "Tijdlijn")
    assert_accessible(page)
    nav(page, "Logboek")
    expect(page.get_by_role("cell", name="geëxporteerd").first).to_be_visible()
    assert_accessible(page)

    # Warm handover to the nurse: the midwife's access ends.
    nav(page, "Warme overdracht")
    page.get_by_label("Opvolger uit het team").select_option(
        label=f"{nurse.username} (Jeugdgezondheidszorg (JGZ))"
    )
    page.get_by_label("Overdrachtsnotitie").fill("Ouders weten dat Bram het aanspreekpunt wordt.")
    page.get_by_label("Het gezin is geïnformeerd over de overdracht").check()
    assert_accessible(page)
    page.get_by_role("button", name="Overdracht vastleggen").click()
    assert page.url.rstrip("/").endswith("/gezinsplan")
    expect(page.get_by_text("U bent geen lid meer van dit team")).to_be_visible()
    assert_accessible(page)
    response = page.goto(f"{live_server.url}/gezinsplan/{gezinsplan.pk}/")
    assert response.status == 404

    # The nurse carries on; a third professional cannot tell the case exists.
    context = browser.new_context(locale="nl-NL")
    nurse_page = context.new_page()
    nurse_page.goto(f"{live_server.url}/gezinsplan/")
    browser_log_in(nurse_page, nurse, nurse_device)
    nurse_page.get_by_role("link", name="Gezin Vlinder").click()
    expect(nurse_page.get_by_role("heading", name="Gezinsplan Gezin Vlinder")).to_be_visible()
    context.close()
    outsider_context = browser.new_context(locale="nl-NL")
    other = outsider_context.new_page()
    other.goto(f"{live_server.url}/gezinsplan/{gezinsplan.pk}/")
    browser_log_in(other, outsider, confirmed_device(outsider))
    assert "Gezin Vlinder" not in other.content()
    assert other.goto(f"{live_server.url}/gezinsplan/").ok
    assert "Gezin Vlinder" not in other.content()
    outsider_context.close()

    # Every look at the case is in its log, including the outsider's refused attempt.
    log = AccessLogEntry.objects.filter(gezinsplan_id=str(gezinsplan.pk))
    assert log.filter(username=nurse.username, action="read").exists()
    assert log.filter(username=midwife.username, action="export").count() >= 2
    assert log.filter(username=outsider.username, outcome="denied").exists()


def test_edit_conflict_in_the_browser_shows_both_versions(page, browser, live_server, assert_accessible):
    from wegwijzer.gezinsplan import services

    anna = make_professional("bt-anna", role="buurtteam-jeugd-gezin", organization_slug="buurtteam-overvecht")
    bram = make_professional("jgz-bram2", role="jgz", organization_slug="jgz-utrecht")
    gezinsplan = services.gezinsplan_create(actor=anna, label="Gezin Reiger", phase="kraamperiode", wijk="zuid")
    services.member_add(actor=anna, gezinsplan=gezinsplan, username=bram.username)
    step_url = f"{live_server.url}/gezinsplan/{gezinsplan.pk}/stap/1/"

    page.goto(step_url)
    browser_log_in(page, anna, confirmed_device(anna))
    expect(page.get_by_role("heading", name=PlanSection(step=1).title)).to_be_visible()
    page.get_by_label("Wat is er vastgesteld?").fill("Tekst van Anna")

    # Meanwhile Bram saves the same step.
    context = browser.new_context(locale="nl-NL")
    other = context.new_page()
    other.goto(step_url)
    browser_log_in(other, bram, confirmed_device(bram))
    other.get_by_label("Wat is er vastgesteld?").fill("Tekst van Bram")
    other.get_by_role("button", name="Stap opslaan").click()
    expect(other.get_by_text("is opgeslagen")).to_be_visible()
    context.close()

    page.get_by_role("button", name="Stap opslaan").click()
    expect(page.get_by_role("heading", name="Iemand anders heeft deze stap intussen opgeslagen")).to_be_visible()
    expect(page.get_by_role("heading", name="Uw versie (nog niet opgeslagen)")).to_be_visible()
    expect(
        page.get_by_role("region", name="Opgeslagen versie 1 van jgz-bram2").get_by_text("Tekst van Bram")
    ).to_be_visible()
    assert page.get_by_label("Wat is er vastgesteld?").input_value() == "Tekst van Anna"
    assert_accessible(page)
    page.get_by_label("Wat is er vastgesteld?").fill("Tekst van Anna en Bram")
    page.get_by_role("button", name="Stap opslaan").click()
    expect(page.get_by_text("is opgeslagen")).to_be_visible()
    section = PlanSection.objects.get(gezinsplan=gezinsplan, step=1)
    assert (section.content, section.version) == ("Tekst van Anna en Bram", 2)

    # A form error is shown next to its field, and the page stays accessible.
    page.get_by_role("navigation", name="Onderdelen van het gezinsplan").get_by_role(
        "link", name="Afspraken"
    ).click()
    page.get_by_role("button", name="Afspraak toevoegen").click()
    expect(page.get_by_text("Dit veld is verplicht.")).to_be_visible()
    assert page.get_by_label("Wat is afgesproken?").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
