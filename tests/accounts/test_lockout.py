"""Lockout per username AND per client address (django-axes with accounts.lockout's handler)."""

from __future__ import annotations

import pytest

from wegwijzer.audit.models import AccessLogEntry

from .helpers import PASSWORD, make_professional

pytestmark = pytest.mark.django_db

LOGIN = "/account/inloggen/"
ATTACKER = "192.0.2.66"
HOSPITAL = "198.51.100.10"
ELSEWHERE = "203.0.113.5"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8


def _login(client, username, password, address):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_one_address_guessing_many_usernames_is_locked_after_the_address_limit(client, settings):
    for i in range(10):
        make_professional(f"doel-{i}")
    statuses = [_login(client, f"doel-{i}", "fout-fout-fout", ATTACKER).status_code for i in range(8)]
    # Each username has one failure only: without the per-address count none of these would lock.
    assert statuses == [400] * 7 + [429]
    locked = _login(client, "doel-9", PASSWORD, ATTACKER)
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Inloggen vanaf dit netwerk is tijdelijk geblokkeerd" in html
    assert "_auth_user_id" not in client.session
    entry = AccessLogEntry.objects.filter(action="login_failed", outcome="denied").latest("occurred_at")
    assert entry.detail == "locked=address" and entry.client_address == ATTACKER
    # Another address is not affected, not even for the usernames that were guessed.
    assert _login(client, "doel-0", PASSWORD, ELSEWHERE).status_code == 302


def test_an_address_shared_by_many_people_is_allowed_more_failures_than_one_account(client, settings):
    for i in range(7):
        make_professional(f"collega-{i}")
    # Seven colleagues behind one hospital address each mistype once: more than one account's limit (5) ...
    for i in range(7):
        assert _login(client, f"collega-{i}", "typfout-typfout", HOSPITAL).status_code == 400
    # ... but below the address limit: everyone can still log in.
    assert _login(client, "collega-0", PASSWORD, HOSPITAL).status_code == 302


def test_username_lockout_still_counts_across_addresses(client, settings):
    make_professional("mira")
    addresses = [f"192.0.2.{n}" for n in range(1, 6)]
    statuses = [_login(client, "mira", "fout-fout-fout", a).status_code for a in addresses]
    assert statuses == [400] * 4 + [429]
    locked = _login(client, "mira", PASSWORD, ELSEWHERE)
    assert locked.status_code == 429
    assert "Uw account is tijdelijk geblokkeerd" in locked.content.decode()


def test_own_successful_login_does_not_reset_the_address_count(client, settings):
    make_professional("eigen")
    for i in range(8):
        make_professional(f"ander-{i}")
    for i in range(7):
        _login(client, f"ander-{i}", "fout-fout-fout", ATTACKER)
    # Logging in with an account of one's own clears that account's failures, not the guesses at others.
    assert _login(client, "eigen", PASSWORD, ATTACKER).status_code == 302
    client.logout()
    assert _login(client, "ander-7", "fout-fout-fout", ATTACKER).status_code == 429


def test_lockout_settings_lock_per_username_and_address():
    from django.conf import settings as live

    assert live.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert live.AXES_HANDLER == "wegwijzer.accounts.lockout.UsernameAndAddressHandler"
