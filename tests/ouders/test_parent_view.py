"""The parents' view: invitation, code login, what they see, revocation, lockout, access log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.helpers import verified_client
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.ouders import services
from wegwijzer.ouders.models import ParentAccess, ParentLoginCode

from .conftest import SECRET, invite_token, mailed_code, parent_logged_in

pytestmark = pytest.mark.django_db


def test_the_whole_flow_shows_the_plan_in_plain_dutch(pteam, django_capture_on_commit_callbacks):
    client, access = parent_logged_in(pteam, django_capture_on_commit_callbacks)
    response = client.get(reverse("ouders:plan"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Huisbezoek plannen" in page  # the agreement
    assert "Verloop van de zwangerschap" in page  # the consent
    assert "Buurtteam Overvecht" in page  # the next meeting's location
    assert "Het volgende overleg" in page
    assert SECRET not in page and "Inhoud stap 1" not in page
    row = AccessLogEntry.objects.filter(action="read", username=f"ouder:{access.pk}").get()
    assert row.gezinsplan_id == str(pteam.gezinsplan.pk) and row.user_id is None


def test_token_and_code_are_stored_hashed(pteam, django_capture_on_commit_callbacks):
    parent_logged_in(pteam, django_capture_on_commit_callbacks)
    token = invite_token(mail.outbox[0].body)
    code = mailed_code(mail.outbox[1].body)
    access = ParentAccess.objects.get()
    assert token not in access.invite_token_hash
    assert all(code != c.code_hash and code not in c.code_hash for c in ParentLoginCode.objects.all())


def test_the_link_works_once(pteam, django_capture_on_commit_callbacks):
    parent_logged_in(pteam, django_capture_on_commit_callbacks)
    token = invite_token(mail.outbox[0].body)
    url = reverse("ouders:invite", kwargs={"token": token})
    for method in ("get", "post"):
        response = getattr(Client(), method)(url)
        assert response.status_code == 410
        assert "Deze link werkt niet" in response.content.decode()


@pytest.mark.parametrize("token", ["vervalst", "x" * 300, "%00", "../../etc"])
def test_forged_links_get_a_clear_page(pteam, token):
    response = Client().get(f"/ouders/uitnodiging/{token}/")
    assert response.status_code in (404, 410)
    if response.status_code == 410:
        assert "Deze link werkt niet" in response.content.decode()


def test_an_expired_link_is_refused(pteam, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        access, token = services.parent_access_grant(
            actor=pteam.member, context=None, gezinsplan=pteam.gezinsplan, parent_name="Sanne", email="o@example.org"
        )
    ParentAccess.objects.filter(pk=access.pk).update(invite_expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = Client().post(reverse("ouders:invite", kwargs={"token": token}))
    assert response.status_code == 410
    assert not ParentLoginCode.objects.exists()


def test_a_returning_parent_logs_in_with_a_new_code(pteam, django_capture_on_commit_callbacks):
    parent_logged_in(pteam, django_capture_on_commit_callbacks)
    client = Client()
    assert client.get(reverse("ouders:plan"))["Location"] == reverse("ouders:login")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ouders:login"), {"email": "OUDER@example.org"})
    assert response.status_code == 302
    code = mailed_code(mail.outbox[-1].body)
    client.post(reverse("ouders:code"), {"code": code})
    assert client.get(reverse("ouders:plan")).status_code == 200


def test_an_unknown_address_gets_the_same_answer_and_no_mail(pteam):
    client = Client()
    response = client.post(reverse("ouders:login"), {"email": "onbekend@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("ouders:code")
    assert mail.outbox == []
    response = client.post(reverse("ouders:code"), {"code": "123456"})
    assert response.status_code == 400
    assert "Deze code klopt niet" in response.content.decode()


def test_wrong_codes_lock_the_view(pteam, django_capture_on_commit_callbacks, settings):
    settings.PARENT_CODE_ATTEMPTS = 3
    parent_logged_in(pteam, django_capture_on_commit_callbacks)
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ouders:login"), {"email": "ouder@example.org"})
    right = mailed_code(mail.outbox[-1].body)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(3):
        assert client.post(reverse("ouders:code"), {"code": wrong}).status_code == 400
    response = client.post(reverse("ouders:code"), {"code": right})
    assert response.status_code == 400
    assert "te vaak" in response.content.decode()
    access = ParentAccess.objects.get()
    assert access.locked_until and access.locked_until > timezone.now()
    assert AccessLogEntry.objects.filter(action="login_failed", username=f"ouder:{access.pk}").count() == 4


def test_code_requests_are_rate_limited(pteam, django_capture_on_commit_callbacks, settings):
    settings.PARENT_CODES_PER_HOUR = 2
    parent_logged_in(pteam, django_capture_on_commit_callbacks)  # one code
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("ouders:login"), {"email": "ouder@example.org"}).status_code == 302
        response = client.post(reverse("ouders:login"), {"email": "ouder@example.org"})
    assert response.status_code == 429
    assert "te vaak" in response.content.decode()
    assert ParentLoginCode.objects.count() == 2


def test_an_expired_code_is_refused(pteam, django_capture_on_commit_callbacks):
    parent_logged_in(pteam, django_capture_on_commit_callbacks)
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ouders:login"), {"email": "ouder@example.org"})
    ParentLoginCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.post(reverse("ouders:code"), {"code": mailed_code(mail.outbox[-1].body)})
    assert response.status_code == 400


def test_revoking_is_effective_at_once(pteam, django_capture_on_commit_callbacks):
    client, access = parent_logged_in(pteam, django_capture_on_commit_callbacks)
    assert client.get(reverse("ouders:plan")).status_code == 200
    lead = verified_client(Client(), pteam.member)
    response = lead.post(
        reverse("ouders:revoke", kwargs={"gezinsplan_id": pteam.gezinsplan.pk, "access_id": access.pk})
    )
    assert response.status_code == 302
    assert client.get(reverse("ouders:plan"))["Location"] == reverse("ouders:login")
    # and no new code either
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("ouders:login"), {"email": "ouder@example.org"})
    assert len(mail.outbox) == 2
    assert AccessLogEntry.objects.filter(action="delete", object_type="ouderinzage", user_id=pteam.member.pk).exists()


def test_only_the_regie_lead_invites_and_revokes(pteam, django_capture_on_commit_callbacks):
    colleague = verified_client(Client(), pteam.colleague)
    url = reverse("ouders:manage", kwargs={"gezinsplan_id": pteam.gezinsplan.pk})
    assert colleague.get(url).status_code == 200
    response = colleague.post(url, {"parent_name": "Sanne", "email": "o@example.org"})
    assert response.status_code == 403
    assert "Alleen de regiehouder" in response.content.decode()
    assert not ParentAccess.objects.exists()
    _client, access = parent_logged_in(pteam, django_capture_on_commit_callbacks)
    colleague.post(reverse("ouders:revoke", kwargs={"gezinsplan_id": pteam.gezinsplan.pk, "access_id": access.pk}))
    assert ParentAccess.objects.get().revoked_at is None


def test_the_lead_gets_clear_errors_and_loses_nothing(pteam):
    lead = verified_client(Client(), pteam.member)
    url = reverse("ouders:manage", kwargs={"gezinsplan_id": pteam.gezinsplan.pk})
    response = lead.post(url, {"parent_name": "Sanne", "email": "geen-adres"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Vul een geldig e-mailadres in." in page and 'value="Sanne"' in page
    response = lead.post(url, {"parent_name": "", "email": "o@example.org"})
    assert "Vul de naam van de ouder in." in response.content.decode()
    assert not ParentAccess.objects.exists()


def test_the_lead_page_sends_the_invitation(pteam, django_capture_on_commit_callbacks):
    lead = verified_client(Client(), pteam.member)
    url = reverse("ouders:manage", kwargs={"gezinsplan_id": pteam.gezinsplan.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = lead.post(url, {"parent_name": "Sanne", "email": "o@example.org"})
    assert response.status_code == 302
    assert mail.outbox[0].to == ["o@example.org"] and "/ouders/uitnodiging/" in mail.outbox[0].body
    assert pteam.gezinsplan.label not in mail.outbox[0].body
    assert AccessLogEntry.objects.filter(action="create", object_type="ouderinzage", user_id=pteam.member.pk).exists()


@pytest.mark.parametrize("who", ["former", "other", "admin", "policy", "editor"])
def test_outsiders_get_404_on_the_team_side(pteam, who, django_capture_on_commit_callbacks):
    _client, access = parent_logged_in(pteam, django_capture_on_commit_callbacks)
    client = verified_client(Client(), getattr(pteam, who))
    kw = {"gezinsplan_id": pteam.gezinsplan.pk}
    assert client.get(reverse("ouders:manage", kwargs=kw)).status_code == 404
    assert client.post(reverse("ouders:manage", kwargs=kw), {"parent_name": "X", "email": "x@example.org"}).status_code == 404
    assert client.post(reverse("ouders:revoke", kwargs={**kw, "access_id": access.pk})).status_code == 404
    assert ParentAccess.objects.count() == 1 and ParentAccess.objects.get().revoked_at is None


def test_logout_ends_the_parent_session(pteam, django_capture_on_commit_callbacks):
    client, access = parent_logged_in(pteam, django_capture_on_commit_callbacks)
    assert client.post(reverse("ouders:logout")).status_code == 302
    assert client.get(reverse("ouders:plan"))["Location"] == reverse("ouders:login")
    assert AccessLogEntry.objects.filter(action="logout", username=f"ouder:{access.pk}").exists()
