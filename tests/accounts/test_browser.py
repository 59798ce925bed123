"""The login flow in a real browser: password, enrolment code, TOTP set-up with the QR code, the account page; axe-core clean."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from wegwijzer.accounts.services import backup_codes_issue

from .helpers import PASSWORD, confirmed_device, enrolment_code, make_professional, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_setup_and_verify_in_the_browser(page, live_server, assert_accessible, settings):
    user = make_professional("browser-bea", role="kraamzorg")
    code = enrolment_code(user)
    page.goto(f"{live_server.url}/account/")
    assert "/account/inloggen/" in page.url
    assert_accessible(page)
    page.get_by_label("Gebruikersnaam").fill("browser-bea")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    assert "/tweestapsverificatie/instellen/" in page.url
    # First the one-time enrolment code from the administrator (a wrong one is an error next to the field).
    page.get_by_label("Inschrijfcode").fill("AAAA-BBBB-CCCC-DDDD")
    page.get_by_role("button", name="Verder").click()
    assert page.get_by_text("Deze inschrijfcode klopt niet of is verlopen.").is_visible()
    assert_accessible(page)
    page.get_by_label("Inschrijfcode").fill(code)
    page.get_by_role("button", name="Verder").click()
    qr = page.get_by_role("img", name="QR-code")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    # The QR code really renders under the Content-Security-Policy (img-src data:).
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", qr.element_handle())
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("Code uit uw authenticator-app").fill(totp_code(device))
    page.get_by_role("button", name="Bevestigen").click()

    # The ten backup codes, shown once; then on to the page that was asked for.
    assert page.get_by_role("heading", name="Tweestapsverificatie is ingesteld").is_visible()
    assert page.get_by_role("list", name="Reservecodes").get_by_role("listitem").count() == 10
    assert_accessible(page)
    page.get_by_role("link", name="Ik heb de codes bewaard: verder").click()
    assert page.url.rstrip("/").endswith("/account")
    assert page.get_by_role("heading", name="Mijn account").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Uitloggen").first.click()  # the page's own and the header's: either logs out
    page.goto(f"{live_server.url}/account/")
    assert "/account/inloggen/" in page.url

    # Second login: the code page, with an error shown next to the field for a wrong code.
    page.get_by_label("Gebruikersnaam").fill("browser-bea")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    assert page.url.split("?")[0].endswith("/account/tweestapsverificatie/")
    page.get_by_label("Code uit uw authenticator-app").fill("12ab56")
    page.get_by_role("button", name="Inloggen").click()
    assert page.get_by_text("De code bestaat alleen uit cijfers.").is_visible()
    assert_accessible(page)


def test_backup_code_login_on_a_phone_sized_screen(browser, live_server, assert_accessible):
    user = make_professional("telefoon-weg", role="jgz")
    confirmed_device(user)
    codes = backup_codes_issue(user=user, issued_by=user)
    context = browser.new_context(locale="nl-NL", viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/account/")
        page.get_by_label("Gebruikersnaam").fill("telefoon-weg")
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        assert page.url.split("?")[0].endswith("/account/tweestapsverificatie/")
        page.get_by_role("button", name="Telefoon kwijt? Gebruik een reservecode").click()
        assert page.get_by_role("heading", name="Reservecode invullen").is_visible()
        assert_accessible(page)
        # Nothing sticks out sideways on a small phone.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.get_by_label("Reservecode").fill(codes[0])
        page.get_by_role("button", name="Inloggen").click()
        assert page.get_by_role("heading", name="Mijn account").is_visible()
        page.get_by_role("link", name="nieuwe reservecodes maken").click()
        assert page.get_by_text("U hebt nog 9 ongebruikte reservecodes.").is_visible()
        page.get_by_role("button", name="Nieuwe reservecodes maken").click()
        assert page.get_by_role("list", name="Reservecodes").get_by_role("listitem").count() == 10
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert_accessible(page)
    finally:
        context.close()
