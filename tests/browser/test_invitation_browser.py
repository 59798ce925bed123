"""Inviting a colleague who is not registered yet, in a real browser (issue 12, item 2): a member invites from
the team page, the colleague opens the mailed link, chooses a username and password (a mismatch is an error
beside the field), sets up the authenticator app and lands on the case as a member; at 1280 and 360 px,
axe-core on every page (0 serious/critical)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.helpers import PASSWORD, browser_log_in, confirmed_device, make_professional, totp_code
from wegwijzer.gezinsplan import services
from wegwijzer.gezinsplan.models import Membership
from wegwijzer.socialmap.models import Organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case():
    worker = make_professional("bt-ruud", role="buurtteam-jeugd-gezin", organization_slug="buurtteam")
    gezinsplan = services.gezinsplan_create(actor=worker, label="Gezin Mees", phase="zwangerschap", wijk="overvecht")
    Organization.objects.get_or_create(slug="kraamzorg-browser", defaults={"name": "Kraamzorg Browsertest"})
    return worker, gezinsplan


@pytest.mark.parametrize("width", [1280, 360])
def test_invite_a_colleague_who_enrols_and_joins_the_case(browser, live_server, case, assert_accessible, width):
    worker, gezinsplan = case
    base = live_server.url
    viewport = {"width": width, "height": 800 if width > 400 else 740}
    inviter_context = browser.new_context(locale="nl-NL", viewport=viewport)
    inviter = inviter_context.new_page()
    inviter.goto(base + "/account/inloggen/")
    browser_log_in(inviter, worker, confirmed_device(worker))
    inviter.goto(f"{base}/gezinsplan/{gezinsplan.pk}/team/")
    inviter.get_by_role("link", name="Collega nog niet geregistreerd? Nodig uit per e-mail").click()
    expect(inviter.get_by_role("heading", name="Collega uitnodigen")).to_be_visible()
    assert_accessible(inviter)
    inviter.get_by_label("Naam van de collega").fill("Noor Bakker")
    inviter.get_by_label("E-mailadres van de collega").fill("geen-adres")
    inviter.get_by_label("Organisatie").select_option(label="Kraamzorg Browsertest")
    inviter.get_by_label("Rol in dit team").select_option("kraamzorg")
    inviter.get_by_role("button", name="Uitnodiging versturen").click()
    expect(inviter.get_by_text("Voer een geldig e-mailadres in.")).to_be_visible()
    assert_accessible(inviter)
    inviter.get_by_label("E-mailadres van de collega").fill("noor@example.org")
    inviter.get_by_role("button", name="Uitnodiging versturen").click()
    expect(inviter.get_by_text("De uitnodiging is verstuurd naar noor@example.org.")).to_be_visible()
    inviter_context.close()

    link = re.search(r"http\S+/uitnodiging/\S+/", mail.outbox[-1].body).group(0)
    link = base + link[link.index("/uitnodiging/") :]  # the mailed SITE_URL is not the test server's
    context = browser.new_context(locale="nl-NL", viewport=viewport)
    page = context.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", name="Account aanmaken")).to_be_visible()
    expect(page.get_by_text("Welkom, Noor Bakker.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Kies een gebruikersnaam").fill("noor")
    page.get_by_label("Kies een wachtwoord").fill(PASSWORD)
    page.get_by_label("Herhaal het wachtwoord").fill(PASSWORD + "!")
    page.get_by_role("button", name="Account aanmaken").click()
    expect(page.get_by_text("De twee wachtwoorden zijn niet gelijk.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Kies een wachtwoord").fill(PASSWORD)
    page.get_by_label("Herhaal het wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Account aanmaken").click()

    # The enrolment code came along: straight to the QR code of the authenticator app.
    expect(page).to_have_url(re.compile("/tweestapsverificatie/instellen/"))
    expect(page.get_by_role("img", name="QR-code")).to_be_visible()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user__username="noor", confirmed=False)
    page.get_by_label("Code uit uw authenticator-app").fill(totp_code(device))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", name="Tweestapsverificatie is ingesteld")).to_be_visible()
    page.get_by_role("link", name="Ik heb de codes bewaard: verder").click()
    expect(page.get_by_role("heading", name="Gezinsplan Gezin Mees")).to_be_visible()
    assert_accessible(page)
    assert Membership.objects.current().filter(gezinsplan=gezinsplan, user__username="noor").exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
