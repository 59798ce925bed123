"""The browser login: password with lockout, TOTP setup and verification, logout, idle expiry."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from wegwijzer.audit.models import AccessLogEntry

from .helpers import PASSWORD, enrolment_code, make_professional, totp_code, verified_client

pytestmark = pytest.mark.django_db

LOGIN = "/account/inloggen/"
SETUP = "/account/tweestapsverificatie/instellen/"
VERIFY = "/account/tweestapsverificatie/"
OVERVIEW = "/account/"


def _login(client, username, password=PASSWORD, next_url="", **extra):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data, **extra)


def _wait_out_throttle(device):
    """django_otp throttles after a wrong code (1 s, 2 s, 4 s, ...): pretend that time has passed."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )


def test_urls_are_named_as_agreed():
    assert reverse("accounts:login") == LOGIN
    assert reverse("accounts:otp-setup") == SETUP
    assert reverse("accounts:otp-verify") == VERIFY
    assert reverse("accounts:logout") == "/account/uitloggen/"


def test_login_page_has_labelled_fields(client):
    response = client.get(LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label class="utrecht-form-label" for="id_username">Gebruikersnaam</label>' in html
    assert '<label class="utrecht-form-label" for="id_password">Wachtwoord</label>' in html
    assert 'extends' not in html and '<main id="main"' in html


def test_first_login_sets_up_totp_then_reaches_the_page(client):
    user = make_professional("eva", role="verloskundige")
    response = _login(client, "eva", next_url=OVERVIEW)
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)

    # Step 1: the password alone shows no QR code; the enrolment code from the administrator comes first.
    first = client.get(response["Location"])
    assert first.status_code == 200
    assert "Inschrijfcode" in first.content.decode() and "otp-secret" not in first.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    checked = client.post(SETUP, {"enrolment_code": enrolment_code(user), "next": OVERVIEW})
    assert checked.status_code == 302

    page = client.get(checked["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'<img src="data:image/svg\+xml[^"]+" alt="QR-code', html)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret_on_page = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    from base64 import b32encode

    assert secret_on_page == b32encode(device.bin_key).decode()
    # The same pending device is shown again on reload (the user may still be scanning).
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=user).count() == 1

    # Password alone does not open case pages.
    assert client.get(OVERVIEW).status_code == 302

    wrong = client.post(SETUP, {"code": "000000" if totp_code(device) != "000000" else "111111", "next": OVERVIEW})
    assert wrong.status_code == 400
    assert "Deze code klopt niet" in wrong.content.decode()
    _wait_out_throttle(device)

    done = client.post(SETUP, {"code": totp_code(device), "next": OVERVIEW})
    # Set up: the ten backup codes are shown once (not cached), with the way on to the page asked for.
    assert done.status_code == 200 and "no-store" in done["Cache-Control"]
    codes = re.findall(r'<code class="utrecht-code backup-code">([a-z2-7]{4} [a-z2-7]{4})</code>', done.content.decode())
    assert len(codes) == 10 == StaticToken.objects.filter(device__user=user).count()
    assert f'href="{OVERVIEW}"' in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    overview = client.get(OVERVIEW)
    assert overview.status_code == 200
    assert "Verloskundige" in overview.content.decode()
    actions = list(AccessLogEntry.objects.filter(user_id=user.pk).values_list("action", "detail"))
    assert ("login", "factor=password") in actions
    assert ("otp_setup", "enrolment=used") in actions
    assert ("login", "factor=totp") in actions
    assert ("otp_failed", "setup") in actions
    assert ("otp_setup", "backup=issued;count=10") in actions


def test_setup_is_refused_once_a_device_is_confirmed(client):
    user = make_professional("bob")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    _login(client, "bob")
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    # Posting a code for a new device does not replace the second factor either.
    client.post(SETUP, {"code": "123456"})
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_later_login_verifies_code(client):
    user = make_professional("carla")
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = _login(client, "carla", next_url=OVERVIEW)
    assert response["Location"].startswith(VERIFY)
    bad = client.post(VERIFY, {"code": "12ab56", "next": OVERVIEW})
    assert bad.status_code == 400
    assert "alleen uit cijfers" in bad.content.decode()
    assert 'aria-invalid="true"' in bad.content.decode()
    good = client.post(VERIFY, {"code": totp_code(device), "next": OVERVIEW})
    assert good.status_code == 302 and good["Location"] == OVERVIEW
    assert client.get(OVERVIEW).status_code == 200


def test_verify_throttles_after_wrong_codes(client):
    user = make_professional("dirk")
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    _login(client, "dirk")
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    client.post(VERIFY, {"code": wrong})
    # django_otp throttles exponentially after a failure: even the right code waits.
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 400
    assert "Te veel onjuiste codes" in response.content.decode()


def test_wrong_password_shows_error_and_is_logged(client):
    make_professional("fleur")
    response = _login(client, "fleur", password="verkeerd-wachtwoord", REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 400
    assert "De gebruikersnaam of het wachtwoord klopt niet." in response.content.decode()
    entry = AccessLogEntry.objects.get(action="login_failed")
    assert entry.username == "fleur"
    assert entry.user_id is None
    assert entry.outcome == "failure"
    assert entry.client_address == "192.0.2.7"


def test_lockout_after_failure_limit_even_with_right_password(client, settings):
    make_professional("gijs")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "gijs", password="fout-fout-fout").status_code == 400
    locked = _login(client, "gijs", password="fout-fout-fout")
    assert locked.status_code == 429
    assert "tijdelijk geblokkeerd" in locked.content.decode()
    # The right password no longer helps during the cool-off.
    again = _login(client, "gijs")
    assert again.status_code == 429
    assert "tijdelijk geblokkeerd" in again.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessLogEntry.objects.filter(action="login_failed", outcome="denied", username="gijs").exists()


def test_lockout_is_per_account(client, settings):
    make_professional("henk")
    make_professional("ine")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "henk", password="fout-fout-fout")
    assert _login(client, "ine").status_code == 302


def test_successful_login_resets_failures(client, settings):
    make_professional("jan")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "jan", password="fout-fout-fout")
    assert _login(client, "jan").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "jan", password="fout-fout-fout")
    assert _login(client, "jan").status_code == 302


def test_admin_has_no_password_form_of_its_own(client):
    """The admin sends everyone to the one login with lockout and two-factor; posting a password there does nothing."""
    make_professional("kees")
    response = client.post("/beheer/login/", {"username": "kees", "password": "fout-fout-fout"})
    assert response.status_code == 302
    assert response["Location"].startswith("/account/inloggen/?next=")
    assert not client.session.get("_auth_user_id")


def test_staff_with_password_only_cannot_open_the_admin(client):
    from accounts.helpers import make_superuser

    admin = make_superuser("root")
    client.force_login(admin)  # password step only, no second factor
    response = client.get("/beheer/", follow=True)
    final_path = response.redirect_chain[-1][0]
    assert final_path.startswith("/account/"), response.redirect_chain
    assert response.wsgi_request.path.startswith("/account/")


def test_inactive_user_cannot_log_in(client):
    make_professional("lot", is_active=False)
    assert _login(client, "lot").status_code == 400


def test_next_must_stay_on_this_site(client):
    user = make_professional("mo")
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = _login(client, "mo", next_url="https://evil.example/")
    assert "evil" not in response["Location"]
    done = client.post(VERIFY, {"code": totp_code(device), "next": "https://evil.example/"})
    assert done.status_code == 302
    assert not done["Location"].startswith("https://evil")


def test_logout_is_post_only_and_ends_the_session(client):
    user = make_professional("noor")
    verified_client(client, user)
    assert client.get("/account/uitloggen/").status_code == 405
    assert client.get(OVERVIEW).status_code == 200
    response = client.post("/account/uitloggen/")
    assert response.status_code == 302
    assert client.get(OVERVIEW).status_code == 302
    assert AccessLogEntry.objects.filter(action="logout", user_id=user.pk).exists()


def test_idle_session_expires_and_requires_login_again(client, settings):
    user = make_professional("olga")
    verified_client(client, user)
    assert client.get(OVERVIEW).status_code == 200
    # Every request renews the idle window...
    key = client.session.session_key
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    # ... and once it has passed without a request, the session is gone.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(OVERVIEW)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_session_settings_expire_idle_sessions(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 60 * 60


def test_csrf_is_required_on_login(client):
    from django.test import Client

    make_professional("piet")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(LOGIN, {"username": "piet", "password": PASSWORD})
    assert response.status_code == 403


def test_password_rules_are_strong(settings):
    names = [v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert {"MinimumLengthValidator", "CommonPasswordValidator", "NumericPasswordValidator",
            "UserAttributeSimilarityValidator"} <= set(names)
