"""Leren's Done-when flow in a real browser, with axe-core (0 serious/critical) on every page, at 1280 and
360 px wide: the chair plans a meeting; a member brings in a case from a gezinsplan and is stopped until the
personal data are gone; the four steps are recorded; two improvement agreements, one done, one overdue and back
on the next agenda; the reflection groups it under the four main themes; a non-member gets 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.helpers import assert_page_fits, browser_session
from leren.factories import Net
from wegwijzer.gezinsplan import services as plan_services
from wegwijzer.leren.models import Discussion, Improvement
from wegwijzer.leren.vision import vision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



@pytest.mark.parametrize("width", [1280, 360])
def test_done_when_flow(browser, live_server, assert_accessible, width):
    net = Net()
    plan = plan_services.gezinsplan_create(actor=net.member, context=None, label="Gezin Zonnebloem")
    network_path = f"/leren/netwerk/{net.network.pk}/"

    # The chair plans the next meeting.
    context, page = browser_session(browser, live_server, net.chair, network_path, width)
    try:
        assert_page_fits(page, assert_accessible, width)
        page.get_by_label("Titel").fill("Tweede ronde")
        page.get_by_label("Begint om").fill((timezone.localtime() + dt.timedelta(days=21)).strftime("%Y-%m-%dT%H:%M"))
        page.get_by_role("button", name="Bijeenkomst plannen").click()
        expect(page.get_by_role("heading", name="Tweede ronde", level=1)).to_be_visible()
        assert_page_fits(page, assert_accessible, width)
    finally:
        context.close()
    later = net.network.meetings.get(title="Tweede ronde")

    # A member brings in a case from the gezinsplan, is stopped, removes the personal data, walks the steps.
    context, page = browser_session(browser, live_server, net.member, f"/leren/bijeenkomst/{net.meeting.pk}/", width)
    try:
        assert_page_fits(page, assert_accessible, width)
        page.get_by_label("Uit een gezinsplan (vult de beschrijving voor)").select_option(str(plan.pk))
        page.get_by_role("button", name="Overnemen").click()
        assert page.get_by_label("Casusbeschrijving").input_value().startswith("Gezin Zonnebloem")
        page.get_by_role("button", name="Casus inbrengen").click()
        alert = page.get_by_role("alert")
        assert "Er is niets opgeslagen" in alert.inner_text() and "Zonnebloem" in alert.inner_text()
        assert not Discussion.objects.exists()
        assert_page_fits(page, assert_accessible, width)
        page.get_by_label("Casusbeschrijving").fill("Een gezin met een eerste kind en weinig netwerk.")
        page.get_by_role("button", name="Casus inbrengen").click()
        expect(page.get_by_role("heading", name="Stap 1: de casus presenteren")).to_be_visible()
        assert_page_fits(page, assert_accessible, width)
        page.get_by_label("Presentatie en vragen").fill("Hoe hadden we eerder kunnen samenwerken?")
        page.get_by_role("button", name="Opslaan en verder").click()

        theme = vision().themes[0]
        expect(page.get_by_role("heading", name="Stap 2: toetsen aan de visie")).to_be_visible()
        assert_page_fits(page, assert_accessible, width)
        page.locator(f"#j-{theme.code}").select_option("kon-beter")
        page.get_by_role("button", name="Opslaan en verder").click()

        expect(page.get_by_role("heading", name="Stap 3: lessen")).to_be_visible()
        assert_page_fits(page, assert_accessible, width)
        page.get_by_label("Wat leren we hiervan?").fill("De JGZ eerder betrekken.")
        page.get_by_role("button", name="Opslaan en verder").click()

        expect(page.get_by_role("heading", name="Stap 4: verbeterafspraken")).to_be_visible()
        assert_page_fits(page, assert_accessible, width)
        for what, days in (("Samen huisbezoek plannen", 30), ("Overdrachtsformulier afspreken", -5)):
            page.get_by_label("Afspraak").fill(what)
            page.get_by_label("Eigenaar").select_option(net.member.username)
            page.get_by_label("Uiterlijk op").fill((timezone.localdate() + dt.timedelta(days=days)).isoformat())
            page.get_by_label("Hoofdthema").select_option(theme.main_theme)
            page.get_by_role("button", name="Afspraak toevoegen").click()
            expect(page.get_by_role("listitem").filter(has_text=what)).to_be_visible()
        assert Improvement.objects.count() == 2
        page.get_by_role("listitem").filter(has_text="Samen huisbezoek plannen").get_by_role(
            "button", name="Markeer als gedaan").click()
        assert Improvement.objects.get(what="Samen huisbezoek plannen").status == "gedaan"
        assert_page_fits(page, assert_accessible, width)

        # The overdue one is back on the next meeting's agenda.
        page.goto(f"{live_server.url}/leren/bijeenkomst/{later.pk}/")
        item = page.get_by_role("listitem").filter(has_text="Overdrachtsformulier afspreken")
        assert "te laat" in item.inner_text()
        assert page.get_by_text("Samen huisbezoek plannen").count() == 0
        assert_page_fits(page, assert_accessible, width)

        page.goto(f"{live_server.url}/leren/netwerk/{net.network.pk}/reflectie/")
        for main in vision().main_themes:
            expect(page.get_by_role("heading", name=main.label, level=2)).to_be_visible()
        assert page.get_by_text("kon beter: 1").count() == 1
        assert_page_fits(page, assert_accessible, width)
    finally:
        context.close()

    # A non-member cannot tell the network exists.
    context, page = browser_session(browser, live_server, net.outsider, "/gezinsplan/", width)
    try:
        for path in (network_path, f"/leren/bijeenkomst/{later.pk}/", f"{network_path}reflectie/"):
            assert page.goto(live_server.url + path).status == 404
    finally:
        context.close()
