"""The parents' view in a real browser (issue 12, item 5): the regie lead invites a parent, the link and the
mailed code (locmem outbox) open the plain-Dutch view; axe-core 0 serious/critical at 1280 and 360×740."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.helpers import browser_log_in, confirmed_device, make_professional
from wegwijzer.gezinsplan import services
from wegwijzer.gezinsplan.models import Membership, Regie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case():
    nurse = make_professional("buurtteam-anna", role="buurtteam-jeugd-gezin", organization_slug="buurtteam")
    gezinsplan = services.gezinsplan_create(actor=nurse, label="Gezin Merel", phase="zwangerschap", wijk="overvecht")
    lead = Membership.objects.get(gezinsplan=gezinsplan, user=nurse)
    services.regie_set(
        actor=nurse,
        gezinsplan=gezinsplan,
        lead="member",
        lead_member=lead,
        expected_version=Regie.objects.get(gezinsplan=gezinsplan).version,
    )
    services.agreement_create(actor=nurse, gezinsplan=gezinsplan, what="Huisbezoek plannen", owner=lead)
    services.plan_section_update(
        actor=nurse, gezinsplan=gezinsplan, step=1, content="", considerations="Interne afweging", expected_version=0
    )
    services.plan_section_update(
        actor=nurse,
        gezinsplan=gezinsplan,
        step=2,
        content="Slaaptekort bij moeder",
        considerations="Met de ouders besproken",
        expected_version=0,
    )
    return nurse, gezinsplan


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 360, "height": 740}])
def test_invite_a_parent_who_logs_in_with_a_code(browser, live_server, case, assert_accessible, viewport):
    nurse, gezinsplan = case
    base = live_server.url
    lead_context = browser.new_context(locale="nl-NL", viewport=viewport)
    lead = lead_context.new_page()
    device = confirmed_device(nurse)
    lead.goto(base + "/account/inloggen/")
    browser_log_in(lead, nurse, device)
    # Share step 2 with the parents from its page; step 1 stays the team's.
    lead.goto(f"{base}/gezinsplan/{gezinsplan.pk}/stap/2/")
    lead.get_by_label("Deze stap delen met de ouders").check()
    lead.get_by_role("button", name="Delen met ouders opslaan").click()
    expect(lead.get_by_text("De ouders zien deze stap in hun inzage")).to_be_visible()
    assert lead.get_by_label("Deze stap delen met de ouders").is_checked()
    assert_accessible(lead)
    lead.goto(f"{base}/gezinsplan/{gezinsplan.pk}/")
    lead.get_by_role("link", name="Inzage voor ouders").click()
    assert_accessible(lead)
    lead.get_by_label("Naam van de ouder").fill("Sanne")
    lead.get_by_label("E-mailadres van de ouder").fill("sanne@example.org")
    lead.get_by_role("button", name="Uitnodiging versturen").click()
    expect(lead.get_by_text("De uitnodiging is verstuurd.")).to_be_visible()
    assert_accessible(lead)
    link = re.search(r"http\S+/ouders/uitnodiging/\S+/", mail.outbox[-1].body).group(0)
    link = base + link[link.index("/ouders/") :]  # the mailed SITE_URL is not the test server's

    parent_context = browser.new_context(locale="nl-NL", viewport=viewport)
    parent = parent_context.new_page()
    parent.goto(link)
    assert_accessible(parent)
    parent.get_by_role("button", name="Stuur mij een code").click()
    assert_accessible(parent)
    code = re.search(r"Uw code is: (\d{6})", mail.outbox[-1].body).group(1)
    parent.get_by_label("Code").fill(code)
    parent.get_by_role("button", name="Inloggen").click()
    expect(parent.get_by_role("heading", name="Uw gezinsplan", exact=True)).to_be_visible()
    expect(parent.get_by_text("Huisbezoek plannen")).to_be_visible()
    assert parent.get_by_text("Interne afweging").count() == 0
    expect(parent.get_by_role("heading", name="Wat het team met u deelt")).to_be_visible()
    expect(parent.get_by_text("Slaaptekort bij moeder")).to_be_visible()
    expect(parent.get_by_text("Met de ouders besproken")).to_be_visible()
    # the parents-only menu: their plan and log out, nothing of the professionals' menu
    menu = parent.get_by_role("navigation", name="Menu voor ouders")
    assert menu.get_by_role("link").all_inner_texts() == ["Uw gezinsplan"]
    assert parent.get_by_role("link", name="Mijn gezinsplannen").count() == 0
    expect(parent.get_by_role("button", name="Uitloggen")).to_be_visible()
    assert parent.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(parent)

    # The lead revokes; the parent's next request is refused.
    lead.get_by_role("button", name="Inzage van Sanne intrekken").click()
    expect(lead.get_by_text("De inzage is ingetrokken.")).to_be_visible()
    parent.reload()
    assert "/ouders/inloggen/" in parent.url
    assert_accessible(parent)
    lead_context.close()
    parent_context.close()
