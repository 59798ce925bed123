"""Admin: users with role and organisation; API tokens issued (raw shown once) and revoked; 2FA required."""

from __future__ import annotations

import re

import pytest

from wegwijzer.accounts.models import ApiToken
from wegwijzer.accounts.services import api_token_issue, token_hash

from .helpers import make_professional, make_superuser, verified_client

pytestmark = pytest.mark.django_db

TOKENS = "/beheer/accounts/apitoken/"
USERS = "/beheer/accounts/user/"


@pytest.fixture
def admin_verified(client):
    admin = make_superuser()
    verified_client(client, admin)
    return admin


def test_issue_token_in_admin_shows_raw_token_once(client, admin_verified):
    user = make_professional("integratie")
    response = client.post(f"{TOKENS}add/", {"user": user.pk, "name": "HIS-koppeling", "days": "30"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = re.search(r'<code id="raw-token">([^<]+)</code>', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=user)
    assert token.token_hash == token_hash(raw)
    assert token.created_by == admin_verified and token.name == "HIS-koppeling"
    assert (token.expires_at - token.created_at).days == 30
    # Afterwards only the prefix is ever shown.
    listing = client.get(TOKENS).content.decode()
    assert token.prefix in listing and raw not in listing
    detail = client.get(f"{TOKENS}{token.pk}/change/").content.decode()
    assert raw not in detail and token.token_hash not in detail


def test_revoke_tokens_with_admin_action(client, admin_verified):
    user = make_professional("klant")
    token, _raw = api_token_issue(user=user)
    response = client.post(TOKENS, {"action": "revoke_tokens", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == admin_verified


def test_tokens_cannot_be_edited_or_deleted(client, admin_verified):
    token, _raw = api_token_issue(user=make_professional("vast"))
    assert client.post(f"{TOKENS}{token.pk}/change/", {"name": "anders"}).status_code == 403
    assert client.post(f"{TOKENS}{token.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ApiToken.objects.get(pk=token.pk).name == token.name


def test_user_admin_has_role_and_organization(client, admin_verified):
    user = make_professional("wijkzuster", role="jgz")
    page = client.get(f"{USERS}{user.pk}/change/").content.decode()
    assert 'name="role"' in page and 'name="organization_slug"' in page
    assert '<option value="jgz" selected>' in page
    listing = client.get(f"{USERS}?role=jgz").content.decode()
    assert "wijkzuster" in listing


def test_user_admin_refuses_unknown_organization(client, admin_verified):
    user = make_professional("org-test", role="jgz")
    data = {
        "username": user.username, "role": "jgz", "organization_slug": "bestaat-niet",
        "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00",
        "api_tokens-TOTAL_FORMS": "0", "api_tokens-INITIAL_FORMS": "0",
    }
    response = client.post(f"{USERS}{user.pk}/change/", data)
    assert response.status_code == 200
    assert "Onbekende organisatie" in response.content.decode()


def test_admin_without_second_factor_cannot_manage_users_or_tokens(client):
    client.force_login(make_superuser("half"))
    for url in (TOKENS, USERS, f"{TOKENS}add/"):
        assert client.get(url).status_code in (302, 403)


def test_add_user_in_admin_with_role_and_organization(client, admin_verified):
    from wegwijzer.accounts.models import User
    from wegwijzer.socialmap.models import Organization

    Organization.objects.create(slug="kraamzorg-utrecht", name="Kraamzorg Utrecht")
    response = client.post(f"{USERS}add/", {
        "username": "nieuw", "role": "kraamzorg", "organization_slug": "kraamzorg-utrecht",
        "usable_password": "true", "password1": "Lange-zin-als-wachtwoord-77", "password2": "Lange-zin-als-wachtwoord-77",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="nieuw")
    assert (user.role, user.organization_slug) == ("kraamzorg", "kraamzorg-utrecht")
    bad = client.post(f"{USERS}add/", {
        "username": "nieuw2", "role": "tandarts", "organization_slug": "",
        "usable_password": "true", "password1": "Lange-zin-als-wachtwoord-77", "password2": "Lange-zin-als-wachtwoord-77",
    })
    assert bad.status_code == 200 and not User.objects.filter(username="nieuw2").exists()


def test_totp_devices_can_be_reset_but_their_secret_is_never_shown(client, admin_verified):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_professional("telefoon-kwijt")
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    base = "/beheer/otp_totp/totpdevice/"
    listing = client.get(base)
    assert listing.status_code == 200
    detail = client.get(f"{base}{device.pk}/change/")
    assert detail.status_code == 200
    assert device.key not in detail.content.decode()
    assert client.get(f"{base}{device.pk}/config/").status_code == 403
    assert client.get(f"{base}{device.pk}/qrcode/").status_code == 403
    assert client.get(f"{base}add/").status_code == 403
    # Deleting is the reset: the answer is the page with the user's new enrolment code (test_enrolment.py).
    reset = client.post(f"{base}{device.pk}/delete/", {"post": "yes"})
    assert reset.status_code == 200 and "Inschrijfcode uitgegeven" in reset.content.decode()
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
