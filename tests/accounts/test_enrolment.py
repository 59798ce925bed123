"""The first TOTP device needs a one-time enrolment code from an administrator; the password alone is not enough."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from wegwijzer.accounts.models import EnrolmentCode
from wegwijzer.accounts.services import (
    ENROLMENT_MAX_FAILURES,
    enrolment_code_check,
    enrolment_code_issue,
    otp_enrolment_confirm,
    token_hash,
)
from wegwijzer.audit.models import AccessLogEntry

from .helpers import PASSWORD, enrolment_code, make_professional, make_superuser, totp_code, verified_client

LOGIN = "/account/inloggen/"
SETUP = "/account/tweestapsverificatie/instellen/"
OVERVIEW = "/account/"


def _password_login(client, username):
    assert client.post(LOGIN, {"username": username, "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_password_alone_cannot_enrol_a_device(client):
    user = make_professional("zonder-code")
    _password_login(client, "zonder-code")
    page = client.get(SETUP)
    assert "otp-secret" not in page.content.decode() and "QR-code" not in page.content.decode()
    # Posting a TOTP code straight away (the old one-step form) confirms nothing.
    client.post(SETUP, {"code": "123456"})
    wrong = client.post(SETUP, {"enrolment_code": "AAAA-BBBB-CCCC-DDDD"})
    assert wrong.status_code == 400
    assert "Deze inschrijfcode klopt niet of is verlopen." in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get(OVERVIEW).status_code == 302
    assert AccessLogEntry.objects.filter(user_id=user.pk, action="otp_failed", detail="enrolment_code").exists()


@pytest.mark.django_db
def test_only_the_hash_is_stored_and_a_new_code_replaces_the_old():
    user = make_professional("hash-hanna")
    first_row, first = enrolment_code_issue(user=user)
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", first)
    assert first_row.code_hash == token_hash(first.replace("-", "")) and first not in str(first_row.__dict__)
    assert (first_row.expires_at - first_row.created_at) == timedelta(days=7)
    _second_row, second = enrolment_code_issue(user=user)
    assert enrolment_code_check(user=user, raw=first)[0] in {"wrong", "expired"}
    # Typed in lower case with spaces works too.
    assert enrolment_code_check(user=user, raw=second.lower().replace("-", " "))[0] == "ok"
    assert AccessLogEntry.objects.filter(action="otp_setup", object_id=str(user.pk),
                                         detail="enrolment=issued;devices_removed=0").count() == 2


@pytest.mark.django_db
def test_expired_code_is_refused(client):
    user = make_professional("laat-lars")
    code = enrolment_code(user)
    EnrolmentCode.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
    _password_login(client, "laat-lars")
    response = client.post(SETUP, {"enrolment_code": code})
    assert response.status_code == 400
    assert "klopt niet of is verlopen" in response.content.decode()


@pytest.mark.django_db
def test_wrong_codes_use_up_the_code(client):
    user = make_professional("gok-greta")
    code = enrolment_code(user)
    _password_login(client, "gok-greta")
    for _ in range(ENROLMENT_MAX_FAILURES - 1):
        assert client.post(SETUP, {"enrolment_code": "AAAA-BBBB-CCCC-DDDD"}).status_code == 400
    last = client.post(SETUP, {"enrolment_code": "AAAA-BBBB-CCCC-DDDD"})
    assert "Te veel onjuiste inschrijfcodes" in last.content.decode()
    # Even the right code no longer works: the administrator must issue a new one.
    assert client.post(SETUP, {"enrolment_code": code}).status_code == 400
    assert not TOTPDevice.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_code_is_single_use_and_consumed_when_the_device_is_confirmed(client):
    user = make_professional("een-keer")
    code = enrolment_code(user)
    _password_login(client, "een-keer")
    assert client.post(SETUP, {"enrolment_code": code}).status_code == 302
    assert EnrolmentCode.objects.get(user=user).used_at is None  # checking alone does not use it up
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(SETUP, {"code": totp_code(device), "next": OVERVIEW})
    assert done.status_code == 200 and f'href="{OVERVIEW}"' in done.content.decode()  # with the backup codes
    assert EnrolmentCode.objects.get(user=user).used_at is not None
    # After a reset (devices deleted without a new code) the old code does not come back to life.
    TOTPDevice.objects.filter(user=user).delete()
    assert enrolment_code_check(user=user, raw=code) == ("expired", None)
    assert AccessLogEntry.objects.filter(user_id=user.pk, action="otp_setup", detail="enrolment=used").count() == 1


@pytest.mark.django_db
def test_a_secret_shown_before_the_code_was_checked_never_becomes_the_second_factor(client):
    user = make_professional("oud-geheim")
    stale = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)  # e.g. from the old page
    code = enrolment_code(user)
    _password_login(client, "oud-geheim")
    client.post(SETUP, {"enrolment_code": code})
    assert not TOTPDevice.objects.filter(pk=stale.pk).exists()
    assert TOTPDevice.objects.filter(user=user, confirmed=False).count() == 1


@pytest.mark.django_db
def test_link_with_the_code_is_stripped_from_the_url_and_works_after_login(client):
    user = make_professional("link-lies")
    code = enrolment_code(user)
    response = client.get(f"{SETUP}?code={code}&next=/account/")
    assert response.status_code == 302
    assert code not in response["Location"] and response["Location"] == f"{SETUP}?next=%2Faccount%2F"
    login_redirect = client.get(response["Location"])
    assert code not in login_redirect["Location"]
    _password_login(client, "link-lies")
    checked = client.get(SETUP)
    assert checked.status_code == 302  # the code from the link was checked: on to the QR code
    page = client.get(checked["Location"])
    assert 'id="otp-secret"' in page.content.decode()
    assert code not in page.content.decode()


@pytest.mark.django_db
def test_issue_refuses_a_user_with_a_device_unless_reset():
    user = make_professional("met-app")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    with pytest.raises(ValidationError) as exc:
        enrolment_code_issue(user=user)
    assert "heeft al een authenticator-app" in str(exc.value)
    _row, raw = enrolment_code_issue(user=user, reset_devices=True)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert enrolment_code_check(user=user, raw=raw)[0] == "ok"
    with pytest.raises(ValidationError):
        enrolment_code_issue(user=user, days=0)


@pytest.mark.django_db
def test_admin_device_reset_shows_a_new_code_once(client):
    admin = make_superuser()
    verified_client(client, admin)
    user = make_professional("telefoon-kwijt")
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = client.post(f"/beheer/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    raw = re.search(r'<code class="enrolment-code">([^<]+)</code>', response.content.decode()).group(1)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert enrolment_code_check(user=user, raw=raw)[0] == "ok"
    assert AccessLogEntry.objects.filter(action="otp_setup", user_id=admin.pk,
                                         detail="enrolment=issued;devices_removed=1").exists()


@pytest.mark.django_db
def test_admin_user_action_issues_codes_and_skips_users_with_an_app(client):
    admin = make_superuser()
    verified_client(client, admin)  # the admin now has a device: skipped
    new = make_professional("nieuw-in-beheer")
    response = client.post("/beheer/accounts/user/", {
        "action": "issue_enrolment_codes", "_selected_action": [new.pk, admin.pk],
    })
    html = response.content.decode()
    raw = re.search(r'<code class="enrolment-code">([^<]+)</code>', html).group(1)
    assert enrolment_code_check(user=new, raw=raw)[0] == "ok"
    assert "beheerder" in html.split("Reset die eerst")[1]


@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_use_the_code_once():
    user = make_professional("race-enrol")
    for _round in range(3):
        EnrolmentCode.objects.all().delete()
        TOTPDevice.objects.filter(user=user).delete()
        row, raw = enrolment_code_issue(user=user)
        assert enrolment_code_check(user=user, raw=raw)[0] == "ok"
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        code = totp_code(device)
        barrier = threading.Barrier(4)
        outcomes: list[str] = []

        def confirm(code: str = code, pk: int = row.pk, barrier=barrier, outcomes=outcomes) -> None:
            try:
                barrier.wait(timeout=10)
                outcomes.append(otp_enrolment_confirm(user=user, enrolment_id=pk, token=code)[0])
            except Exception as exc:  # noqa: BLE001 - SQLite in-memory test DB: lock conflicts fail at once
                outcomes.append(type(exc).__name__)
            finally:
                connection.close()

        threads = [threading.Thread(target=confirm) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        if connection.vendor == "postgresql":
            assert sorted(outcomes) == ["expired", "expired", "expired", "ok"], outcomes
        else:
            assert outcomes.count("ok") <= 1 and set(outcomes) <= {"ok", "expired", "OperationalError"}, outcomes
        assert EnrolmentCode.objects.filter(used_at__isnull=False).count() == outcomes.count("ok")
        assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == outcomes.count("ok")
