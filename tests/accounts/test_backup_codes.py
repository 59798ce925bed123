"""Backup codes (django-otp static device): log in without the phone, one use per code, regenerate after login."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from wegwijzer.accounts.services import BACKUP_CODE_COUNT, backup_codes_issue, otp_token_verify
from wegwijzer.audit.models import AccessLogEntry

from .helpers import PASSWORD, confirmed_device, make_professional, make_superuser, totp_code, verified_client

pytestmark = pytest.mark.django_db

LOGIN = "/account/inloggen/"
VERIFY = "/account/tweestapsverificatie/"
CODES = "/account/tweestapsverificatie/reservecodes/"
OVERVIEW = "/account/"
CODE_RE = r'<code class="utrecht-code backup-code">([a-z2-7]{4} [a-z2-7]{4})</code>'


def _password(client, username, next_url=OVERVIEW):
    response = client.post(LOGIN, {"username": username, "password": PASSWORD, "next": next_url})
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    return response


def _user_with_codes(username):
    user = make_professional(username)
    confirmed_device(user)
    return user, backup_codes_issue(user=user, issued_by=user)


def test_a_backup_code_logs_in_once_and_is_gone(client):
    user, codes = _user_with_codes("zonder-telefoon")
    _password(client, "zonder-telefoon")
    page = client.get(f"{VERIFY}?next={OVERVIEW}")
    assert "Gebruik een reservecode" in page.content.decode()
    backup_form = client.post(VERIFY, {"wizard_goto_step": "backup", "next": OVERVIEW})
    assert backup_form.status_code == 200
    assert '<label class="utrecht-form-label" for="id_code">Reservecode</label>' in backup_form.content.decode()
    # Typed in capitals without the space, as people copy from paper.
    done = client.post(VERIFY, {"code": codes[0].replace(" ", "").upper(), "next": OVERVIEW})
    assert done.status_code == 302 and done["Location"] == OVERVIEW
    assert client.get(OVERVIEW).status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == BACKUP_CODE_COUNT - 1
    assert AccessLogEntry.objects.filter(user_id=user.pk, action="login",
                                         detail=f"factor=backup;remaining={BACKUP_CODE_COUNT - 1}").exists()

    client.post("/account/uitloggen/")
    _password(client, "zonder-telefoon")
    client.post(VERIFY, {"wizard_goto_step": "backup"})
    again = client.post(VERIFY, {"code": codes[0]})
    assert again.status_code == 400
    assert "Deze reservecode klopt niet of is al gebruikt." in again.content.decode()
    assert client.get(OVERVIEW).status_code == 302
    assert AccessLogEntry.objects.filter(user_id=user.pk, action="otp_failed", detail="backup").exists()


def test_a_backup_code_is_no_authenticator_code_and_the_reverse():
    user, codes = _user_with_codes("twee-soorten")
    device = TOTPDevice.objects.get(user=user)
    assert otp_token_verify(user=user, token=codes[0], kind="totp")[0] == "wrong"
    assert otp_token_verify(user=user, token=totp_code(device), kind="backup")[0] == "wrong"
    assert StaticToken.objects.filter(device__user=user).count() == BACKUP_CODE_COUNT


def test_without_backup_codes_the_code_page_offers_none(client):
    TOTPDevice.objects.create(user=make_professional("ook-app"), name="app", confirmed=True)
    _password(client, "ook-app")
    assert "Gebruik een reservecode" not in client.get(VERIFY).content.decode()


def test_the_password_alone_opens_no_session_when_an_app_is_set_up(client):
    # django-two-factor-auth only asks for a code for a device named "default"; ours are named otherwise.
    user = make_professional("andere-naam")
    TOTPDevice.objects.create(user=user, name="telefoon van het werk", confirmed=True)
    _password(client, "andere-naam")
    assert "_auth_user_id" not in client.session
    assert client.get(OVERVIEW).status_code == 302
    assert client.post(VERIFY, {"login-current_step": "auth", "code": "123456"}).status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_password_only_session_continues_at_the_code_page(client):
    user = make_professional("half-ingelogd")
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)  # password step passed, no second factor
    redirect = client.get(OVERVIEW)
    assert redirect["Location"].startswith(VERIFY)
    assert client.get(redirect["Location"]).status_code == 200
    done = client.post(VERIFY, {"code": totp_code(device), "next": OVERVIEW})
    assert done.status_code == 302 and done["Location"] == OVERVIEW
    assert client.get(OVERVIEW).status_code == 200


def test_the_code_page_without_a_password_goes_to_the_login(client):
    response = client.get(VERIFY)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    response = client.post(VERIFY, {"code": "123456"})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_regenerating_shows_new_codes_once_and_the_old_ones_stop_working(client):
    user, old = _user_with_codes("nieuwe-codes")
    verified_client(client, user)
    page = client.get(CODES)
    html = page.content.decode()
    assert page.status_code == 200
    assert f"U hebt nog {BACKUP_CODE_COUNT} ongebruikte reservecodes." in html
    assert not re.findall(CODE_RE, html) and old[0] not in html  # the codes are never listed again
    made = client.post(CODES)
    new = re.findall(CODE_RE, made.content.decode())
    assert made.status_code == 200 and "no-store" in made["Cache-Control"]
    assert len(new) == BACKUP_CODE_COUNT and not set(new) & set(old)
    assert otp_token_verify(user=user, token=old[1], kind="backup")[0] == "wrong"
    # django-otp backs off after that wrong code (1 s, 2 s, ...): pretend the wait has passed.
    StaticDevice.objects.filter(user=user).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    assert otp_token_verify(user=user, token=new[1], kind="backup")[0] == "ok"
    assert StaticDevice.objects.filter(user=user).count() == 1
    assert AccessLogEntry.objects.filter(user_id=user.pk, action="otp_setup",
                                         detail=f"backup=issued;count={BACKUP_CODE_COUNT}").count() == 2


def test_regenerating_needs_a_verified_session(client):
    user, _codes = _user_with_codes("niet-geverifieerd")
    client.force_login(user)
    assert client.post(CODES).status_code == 302
    assert client.get(CODES).status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == BACKUP_CODE_COUNT
    client.logout()
    anonymous = client.get(CODES)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(LOGIN)


def test_admin_reset_removes_the_backup_codes_and_never_shows_them(client):
    admin = make_superuser()
    verified_client(client, admin)
    user, codes = _user_with_codes("telefoon-en-codes-kwijt")
    assert client.get("/beheer/otp_static/staticdevice/").status_code == 404
    user_page = client.get(f"/beheer/accounts/user/{user.pk}/change/").content.decode()
    assert codes[0] not in user_page and codes[0].replace(" ", "") not in user_page
    device = TOTPDevice.objects.get(user=user)
    assert client.post(f"/beheer/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}).status_code == 200
    assert not StaticDevice.objects.filter(user=user).exists()
