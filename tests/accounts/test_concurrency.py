"""One-time codes are one-time under concurrency: sessions racing with the same TOTP code get one login.

Each thread has its own database connection (Django opens one per thread), so the verifications really
overlap in the database; the barrier releases them together.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from .helpers import PASSWORD, make_professional, totp_code

pytestmark = pytest.mark.django_db(transaction=True)

LOGIN = "/account/inloggen/"
SETUP = "/account/tweestapsverificatie/instellen/"
VERIFY = "/account/tweestapsverificatie/"
SESSIONS = 4
ROUNDS = 5


def _check(statuses: list[int]) -> None:
    if connection.vendor == "postgresql":
        # The others wait for the row lock, then find the code used.
        assert sorted(statuses) == [302] + [400] * (SESSIONS - 1)
    else:
        # The SQLite *test* database is in-memory with a shared cache, where a lock conflict fails at once
        # instead of waiting (the file database in production waits, timeout 20 s): such a request gets the
        # Dutch "try again" page (503), sometimes the would-be winner too. What must hold: never two logins.
        assert statuses.count(302) <= 1 and set(statuses) <= {302, 400, 503}


def _race(clients: list[Client], post: Callable[[Client], int]) -> list[int]:
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def run(client: Client) -> None:
        try:
            barrier.wait(timeout=10)
            statuses.append(post(client))
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return statuses


def _password_sessions(username: str) -> list[Client]:
    clients = []
    for _ in range(SESSIONS):
        # As in production, an exception outside the view (e.g. SQLite's in-memory "table is locked" while
        # the session is saved) is answered by the 500/503 handler; the status is what _check judges.
        client = Client(raise_request_exception=False)
        assert client.post(LOGIN, {"username": username, "password": PASSWORD}).status_code == 302
        clients.append(client)
    return clients


def test_one_totp_code_logs_in_one_session_only():
    user = make_professional("race-rik")
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    for _round in range(ROUNDS):
        clients = _password_sessions("race-rik")
        # Forget the previous round's use (and its throttle) so the current code is valid again.
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0,
                                                        throttling_failure_timestamp=None)
        code = totp_code(device)
        statuses = _race(clients, lambda c, code=code: c.post(VERIFY, {"code": code}).status_code)
        _check(statuses)
        for client in clients:
            client.logout()


def test_one_backup_code_logs_in_one_session_only():
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from wegwijzer.accounts.services import backup_codes_issue

    user = make_professional("race-reserve")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    codes = backup_codes_issue(user=user, issued_by=user)
    for round_ in range(ROUNDS):
        clients = _password_sessions("race-reserve")
        # The previous round's losers set off django-otp's back-off; forget it so this round's code is valid.
        StaticDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
        for client in clients:
            assert client.post(VERIFY, {"wizard_goto_step": "backup"}).status_code == 200
        statuses = _race(clients, lambda c, code=codes[round_]: c.post(VERIFY, {"code": code}).status_code)
        _check(statuses)
        # The winner used the code up; nobody else's attempt removed another one.
        remaining = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
        if 302 in statuses:
            assert codes[round_].replace(" ", "") not in remaining
        assert set(c.replace(" ", "") for c in codes[round_ + 1 :]) <= remaining
        for client in clients:
            client.logout()
