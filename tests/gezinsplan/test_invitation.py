"""Inviting a colleague who is not registered yet (issue 12 item 2): a one-time, expiring link by e-mail (token
stored hashed), the colleague sets a password and enrols the authenticator app through the accounts set-up,
and is then a member of the case. Bad input: a Dutch error beside the field, nothing stored."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.helpers import PASSWORD, totp_code, verified_client
from wegwijzer.accounts.models import User
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.gezinsplan import services
from wegwijzer.gezinsplan.models import ColleagueInvitation, Membership
from wegwijzer.socialmap.models import Organization

from .factories import membership

pytestmark = pytest.mark.django_db
SETUP = "/account/tweestapsverificatie/instellen/"


@pytest.fixture
def org(db):
    return Organization.objects.get_or_create(slug="kraamzorg-test", defaults={"name": "Kraamzorg Test"})[0]


def invite_url(team):
    return reverse("gezinsplan:team-invite", kwargs={"gezinsplan_id": team.gezinsplan.pk})


def _invite(client, team, org, django_capture_on_commit_callbacks, **extra):
    data = {"name": "Kim de Vries", "email": "kim@example.org", "organization_slug": org.slug, "role": "kraamzorg", **extra}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(invite_url(team), data)


def _link(message) -> str:
    found = re.search(r"https?://\S+/uitnodiging/(\S+)/", message.body)
    assert found, message.body
    return f"/uitnodiging/{found.group(1)}/"


def _field_error(html: str, field_id: str, message: str) -> bool:
    start = html.find(f'id="{field_id}_error"')
    return start != -1 and message in html[start : start + 400]


def test_a_member_invites_by_mail_the_token_is_hashed_and_logged(client, team, org, django_capture_on_commit_callbacks):
    verified_client(client, team.member)
    response = _invite(client, team, org, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    invitation = ColleagueInvitation.objects.get()
    assert (invitation.name, invitation.email, invitation.role, invitation.created_by) == (
        "Kim de Vries", "kim@example.org", "kraamzorg", team.member
    )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["kim@example.org"]
    link = _link(mail.outbox[0])
    token = link.strip("/").split("/")[-1]
    assert invitation.token_hash == services.invitation_token_hash(token) and token not in invitation.token_hash
    assert team.gezinsplan.label not in mail.outbox[0].body  # nothing about the family in the mail
    assert abs(invitation.expires_at - (timezone.now() + dt.timedelta(hours=72))) < dt.timedelta(minutes=1)
    assert AccessLogEntry.objects.filter(object_type="uitnodiging", action="create", user_id=team.member.pk).exists()
    page = client.get(invite_url(team)).content.decode()
    assert "Kim de Vries (kim@example.org)" in page  # listed as pending


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"name": ""}, "id_name", "Dit veld is verplicht."),
        ({"email": "geen-adres"}, "id_email", "geldig e-mailadres"),
        ({"organization_slug": ""}, "id_organization_slug", "Dit veld is verplicht."),
        ({"role": "onzin"}, "id_role", "Selecteer een geldige keuze"),
        ({"email": "__TAKEN__"}, "id_email", "Er is al een account met dit e-mailadres."),
    ],
)
def test_bad_invitations_are_dutch_errors_beside_the_field_and_nothing_is_sent(
    client, team, org, django_capture_on_commit_callbacks, extra, field, message
):
    User.objects.filter(pk=team.colleague.pk).update(email="bestaat@example.org")
    extra = {k: ("bestaat@example.org" if v == "__TAKEN__" else v) for k, v in extra.items()}
    verified_client(client, team.member)
    response = _invite(client, team, org, django_capture_on_commit_callbacks, **extra)
    assert response.status_code == 400
    assert _field_error(response.content.decode(), field, message)
    assert not ColleagueInvitation.objects.exists()
    assert mail.outbox == []


def test_outsiders_cannot_invite(client, team, org, django_capture_on_commit_callbacks):
    verified_client(client, team.other)
    assert client.get(invite_url(team)).status_code == 404
    assert _invite(client, team, org, django_capture_on_commit_callbacks).status_code == 404
    assert not ColleagueInvitation.objects.exists()


def test_the_link_sets_a_password_enrols_the_app_and_makes_a_member(client, team, org, django_capture_on_commit_callbacks):
    verified_client(client, team.member)
    _invite(client, team, org, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    assert "Welkom, Kim de Vries" in page.content.decode()
    assert team.gezinsplan.label not in page.content.decode()  # not a member yet: nothing of the family
    response = client.post(link, {"username": "kim", "password": PASSWORD, "password_again": PASSWORD})
    assert response.status_code == 302
    case_url = reverse("gezinsplan:detail", kwargs={"gezinsplan_id": team.gezinsplan.pk})
    assert response["Location"].startswith(SETUP) and "next=" in response["Location"]
    kim = User.objects.get(username="kim")
    assert (kim.role, kim.organization_slug, kim.email, kim.get_full_name()) == (
        "kraamzorg", org.slug, "kim@example.org", "Kim de Vries"
    )
    assert membership(team.gezinsplan, kim).added_by == team.member
    invitation = ColleagueInvitation.objects.get()
    assert invitation.used_at is not None and invitation.user == kim
    # The password alone reaches no case data: the second factor comes first.
    assert client.get(case_url).status_code == 302
    # The set-up wizard took the enrolment code from the session: straight to the QR code.
    checked = client.get(response["Location"])
    assert checked.status_code == 302
    assert 'id="otp-secret"' in client.get(checked["Location"]).content.decode()
    device = TOTPDevice.objects.get(user=kim, confirmed=False)
    done = client.post(SETUP, {"code": totp_code(device), "next": case_url})
    assert done.status_code == 200 and f'href="{case_url}"' in done.content.decode()
    assert client.get(case_url).status_code == 200
    assert AccessLogEntry.objects.filter(object_type="uitnodiging", detail="gebruikt", user_id=kim.pk).exists()
    # Once only.
    client.logout()
    assert client.get(link).status_code == 404
    assert client.post(link, {"username": "kim2", "password": PASSWORD, "password_again": PASSWORD}).status_code == 404
    assert not User.objects.filter(username="kim2").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"username": "kim", "password": PASSWORD, "password_again": PASSWORD + "x"}, "id_password_again", "niet gelijk"),
        ({"username": "kim", "password": "kort", "password_again": "kort"}, "id_password", "te kort"),
        ({"username": "__TAKEN__", "password": PASSWORD, "password_again": PASSWORD}, "id_username", "bestaat al"),
        ({"username": "kim met spatie", "password": PASSWORD, "password_again": PASSWORD}, "id_username", "gebruikersnaam"),
    ],
)
def test_a_bad_password_or_username_keeps_the_link_usable_and_stores_nothing(
    client, team, org, django_capture_on_commit_callbacks, data, field, message
):
    verified_client(client, team.member)
    _invite(client, team, org, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    client.logout()
    data = {k: (team.colleague.username if v == "__TAKEN__" else v) for k, v in data.items()}
    users, members = User.objects.count(), Membership.objects.count()
    response = client.post(link, data)
    assert response.status_code == 400
    assert _field_error(response.content.decode(), field, message), response.content.decode()
    assert (User.objects.count(), Membership.objects.count()) == (users, members)
    assert ColleagueInvitation.objects.get().used_at is None
    assert client.get(link).status_code == 200


def test_an_expired_or_unknown_link_or_a_departed_inviter_is_refused(client, team, org, django_capture_on_commit_callbacks):
    verified_client(client, team.member)
    _invite(client, team, org, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    client.logout()
    assert client.get("/uitnodiging/onbekend-token/").status_code == 404
    ColleagueInvitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    expired = client.get(link)
    assert expired.status_code == 404 and "Uitnodiging niet geldig" in expired.content.decode()
    ColleagueInvitation.objects.update(expires_at=timezone.now() + dt.timedelta(hours=1))
    services.member_remove(
        actor=team.member, gezinsplan=team.gezinsplan, membership=membership(team.gezinsplan, team.member)
    )
    response = client.post(link, {"username": "kim", "password": PASSWORD, "password_again": PASSWORD})
    assert response.status_code == 404
    assert not User.objects.filter(username="kim").exists()
