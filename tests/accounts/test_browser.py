"""The login flow in a real browser: password, enrolment code, TOTP set-up with the QR code, the account page; axe-core clean."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from .helpers import PASSWORD, enrolment_code, make_professional, totp_code

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

    assert page.url.rstrip("/").endswith("/account")
    assert page.get_by_role("heading", name="Mijn account").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Uitloggen").click()
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
