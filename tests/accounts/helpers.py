"""Test helpers for every app that needs users: professionals, staff, a 2FA-verified browser, bearer headers.

Import from any test module (tests/ is on sys.path through tests/conftest.py):

    from accounts.helpers import make_professional, verified_client, bearer

    def test_case_list(client):
        alice = make_professional("alice", role="jgz", organization_slug="")
        verified_client(client, alice)           # logged in + second factor, like a real browser session
        client.get("/gezinsplan/")
        client.get("/api/v1/gezinsplannen", **bearer(alice))   # or headers=bearer_headers(alice)
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from wegwijzer.accounts.services import api_token_issue, enrolment_code_issue

PASSWORD = "Zeer-geheim-wachtwoord-42"


def make_user(username: str, *, role: str = "", organization_slug: str = "", password: str = PASSWORD, **extra):
    """A user straight in the database (no vocabulary/organisation validation: tests need no social map)."""
    User = get_user_model()
    user = User(username=username, role=role, organization_slug=organization_slug, **extra)
    user.set_password(password)
    user.save()
    return user


def make_professional(username: str, role: str = "jgz", organization_slug: str = "", **extra):
    """A professional: `role` is a vocabulary role code (jgz, verloskundige, huisarts, ...)."""
    return make_user(username, role=role, organization_slug=organization_slug, **extra)


def make_policy_staff(username: str = "beleid", **extra):
    return make_user(username, role="beleid", **extra)


def make_content_editor(username: str = "redacteur", **extra):
    return make_user(username, role="redacteur", **extra)


def make_superuser(username: str = "beheerder", **extra):
    return make_user(username, role="", is_staff=True, is_superuser=True, **extra)


def confirmed_device(user) -> TOTPDevice:
    """The user's confirmed TOTP device (created if missing)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def verified_client(client, user):
    """Log `user` in on the Django test client AND mark the session as two-factor verified.

    Does what django_otp.login does after a correct code: stores the device's persistent id in the session.
    Returns the client.
    """
    client.force_login(user)
    device = confirmed_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def bearer(user, *, days: int | None = None) -> dict[str, str]:
    """META kwargs with a freshly issued token: client.get(url, **bearer(user))."""
    _token, raw = api_token_issue(user=user, name="test", days=days)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def bearer_headers(user, *, days: int | None = None) -> dict[str, str]:
    """Headers with a freshly issued token: client.get(url, headers=bearer_headers(user))."""
    _token, raw = api_token_issue(user=user, name="test", days=days)
    return {"Authorization": f"Bearer {raw}"}


def totp_code(device: TOTPDevice, offset: int = 0) -> str:
    """The device's current six-digit code (offset in time steps), as an authenticator app shows it."""
    import time

    from django_otp.oath import TOTP

    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = time.time() + offset * device.step
    return f"{generator.token():0{device.digits}d}"


def enrolment_code(user, **kwargs) -> str:
    """A fresh one-time enrolment code for `user`, as `wegwijzer users enrolment` prints it."""
    _code, raw = enrolment_code_issue(user=user, **kwargs)
    return raw


def browser_log_in(page, user, device) -> None:
    """Through the real login and TOTP pages in a browser (the page must already be at the login form)."""
    assert "/account/inloggen/" in page.url
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    assert "/tweestapsverificatie/" in page.url
    page.get_by_label("Code uit uw authenticator-app").fill(totp_code(device))
    page.get_by_role("button", name="Inloggen").click()


def browser_session(browser, live_server, user, path: str, width: int = 1280, *, timeout: float = 30_000,
                    **context_options):
    """A new browser context `width` px wide, logged in as `user` (two factors) on `path`: (context, page).
    `timeout` (ms) for the page after the login, for pages that work a while (a draft's effect)."""
    context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 900}, **context_options)
    page = context.new_page()
    page.goto(live_server.url + path)
    browser_log_in(page, user, confirmed_device(user))
    page.wait_for_url(f"**{path}", timeout=timeout)
    return context, page


def assert_page_fits(page, assert_accessible, width: int) -> None:
    """axe-core finds nothing serious or critical, and nothing scrolls sideways at `width` px."""
    assert_accessible(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
