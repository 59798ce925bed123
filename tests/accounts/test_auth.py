"""otp_required and API_AUTH: the gates in front of every case view and API endpoint (the API's through
the real `/api/v1/me` and `/api/v1/gezinsplannen`, which carry `auth=API_AUTH`)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.http import JsonResponse
from django.test import RequestFactory
from django.utils import timezone

from wegwijzer.accounts.auth import api_user, otp_required
from wegwijzer.accounts.models import ApiToken
from wegwijzer.accounts.services import api_token_issue, api_token_revoke

from .helpers import bearer, make_professional, verified_client

pytestmark = pytest.mark.django_db


def _json(response):
    return json.loads(response.content)


@otp_required
def _web_view(request):
    return JsonResponse({"user": request.user.username})


ME = "/api/v1/me"


def _with_session(request, client):
    """Attach the test client's session + the middleware's user to a RequestFactory request."""
    from django.contrib.auth.middleware import AuthenticationMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware
    from django_otp.middleware import OTPMiddleware

    request.COOKIES.update({k: v.value for k, v in client.cookies.items()})
    SessionMiddleware(lambda r: None).process_request(request)
    AuthenticationMiddleware(lambda r: None).process_request(request)
    OTPMiddleware(lambda r: r)(request)
    return request


def test_otp_required_sends_anonymous_to_login_with_next(rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/gezinsplan/abc/?tab=team")
    request.user = AnonymousUser()
    response = _web_view(request)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/inloggen/?next=")
    assert response["Location"].endswith("next=/gezinsplan/abc/%3Ftab%3Dteam")


def test_otp_required_sends_password_only_user_to_setup_then_verify(rf, client):
    user = make_professional("piet")
    client.force_login(user)
    request = _with_session(rf.get("/gezinsplan/"), client)
    response = _web_view(request)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/tweestapsverificatie/instellen/?next=")

    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = _web_view(_with_session(rf.get("/gezinsplan/"), client))
    assert response["Location"].startswith("/account/tweestapsverificatie/?next=")


def test_otp_required_lets_verified_user_in(rf, client):
    user = make_professional("marie")
    verified_client(client, user)
    response = _web_view(_with_session(rf.get("/gezinsplan/"), client))
    assert response.status_code == 200


def test_api_valid_token(client):
    user = make_professional("api-user")
    response = client.get(ME, **bearer(user))
    assert response.status_code == 200
    assert (_json(response)["username"], _json(response)["auth"]) == ("api-user", "token")


def _assert_401(response):
    assert response.status_code == 401
    assert _json(response) == {"detail": "Niet ingelogd of token ongeldig."}
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 5000, "Token abc"],
)
def test_api_missing_or_garbage_token_is_401(client, header):
    make_professional("someone")
    meta = {} if header is None else {"HTTP_AUTHORIZATION": header}
    _assert_401(client.get("/api/v1/gezinsplannen", **meta))


def test_api_expired_token_is_401(client):
    user = make_professional("exp")
    token, raw = api_token_issue(user=user)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    _assert_401(client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}"))


def test_api_revoked_token_is_401(client):
    user = make_professional("rev")
    token, raw = api_token_issue(user=user)
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    api_token_revoke(token=token, revoked_by=None)
    _assert_401(client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}"))


def test_api_inactive_user_token_is_401(client):
    user = make_professional("gone")
    _token, raw = api_token_issue(user=user)
    user.is_active = False
    user.save()
    _assert_401(client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}"))


def test_api_user_records_last_use_at_most_once_a_minute(rf):
    user = make_professional("lu")
    token, raw = api_token_issue(user=user)
    assert token.last_used_at is None
    assert api_user(rf.get("/", HTTP_AUTHORIZATION=f"Bearer {raw}")) == user
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    api_user(rf.get("/", HTTP_AUTHORIZATION=f"Bearer {raw}"))
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    api_user(rf.get("/", HTTP_AUTHORIZATION=f"Bearer {raw}"))
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=2)


def test_only_hash_of_token_is_stored():
    user = make_professional("hash")
    token, raw = api_token_issue(user=user)
    assert raw not in token.token_hash
    assert token.prefix == raw[:8]
    assert len(token.token_hash) == 64


def test_api_accepts_verified_session_and_enforces_csrf_on_unsafe_methods():
    from django.test import Client

    from wegwijzer.gezinsplan.models import Gezinsplan

    client = Client(enforce_csrf_checks=True)
    verified_client(client, make_professional("browser"))
    response = client.get(ME)
    assert response.status_code == 200
    assert _json(response)["auth"] == "session"
    # POST without a CSRF token from a cookie session: refused with a JSON 403, nothing stored.
    response = client.post("/api/v1/gezinsplannen", data={"label": "Gezin"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in _json(response)["detail"]
    assert not Gezinsplan.objects.exists()


def test_api_refuses_session_without_second_factor(client):
    user = make_professional("halfway")
    client.force_login(user)
    _assert_401(client.get(ME))
    _assert_401(client.get("/api/v1/gezinsplannen"))
