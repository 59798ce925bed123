"""The parents' pages in English under /en/, and the parents-only menu (issue 12 items 2 and 5)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse as _reverse
from django.utils import translation

from wegwijzer.gezinsplan import services as plan_services
from wegwijzer.ouders import services

from .conftest import invite_token, parent_logged_in

pytestmark = pytest.mark.django_db

DUTCH_ONLY = ["Uw gezinsplan", "Het volgende overleg", "Wie doet wat", "Uw toestemming", "Uitloggen", "Menu voor ouders"]


def reverse(*args, **kwargs) -> str:
    with translation.override("nl"):
        return _reverse(*args, **kwargs)


def _header(html: str) -> str:
    return re.search(r"<header.*?</header>", html, re.S).group(0)


def _english_parent(team, capture) -> Client:
    with capture(execute=True):
        services.parent_access_grant(
            actor=team.member, context=None, gezinsplan=team.gezinsplan, parent_name="Sanne", email="s@example.org"
        )
    token = invite_token(mail.outbox[-1].body)
    client = Client()
    page = client.get("/en" + reverse("ouders:invite", kwargs={"token": token})).content.decode()
    assert "View your family plan" in page and "Send me a code" in page
    with capture(execute=True):
        response = client.post("/en" + reverse("ouders:invite", kwargs={"token": token}))
    assert response.status_code == 302 and response["Location"] == "/en" + reverse("ouders:code")
    body = mail.outbox[-1].body
    assert mail.outbox[-1].subject == "Your code for the family plan"
    code = re.search(r"Your code is: (\d{6})", body).group(1)
    response = client.post("/en" + reverse("ouders:code"), {"code": code})
    assert response.status_code == 302 and response["Location"] == "/en" + reverse("ouders:plan")
    return client


def test_the_parents_view_is_english_under_en(pteam, django_capture_on_commit_callbacks):
    plan_services.plan_section_share_set(actor=pteam.member, gezinsplan=pteam.gezinsplan, step=1, shared=True)
    client = _english_parent(pteam, django_capture_on_commit_callbacks)
    html = client.get("/en" + reverse("ouders:plan")).content.decode()
    assert '<html lang="en"' in html
    for text in ("Your family plan", "The next meeting", "Who does what", "What the team shares with you",
                 "Your consent", "Step 1:", "Log out", "Menu for parents", "Hello Sanne."):
        assert text in html, text
    assert [t for t in DUTCH_ONLY if t in html] == []
    assert "Inhoud stap 1" in html  # case content stays as written


def test_english_errors_and_the_login_page(pteam):
    client = Client()
    html = client.get("/en" + reverse("ouders:login")).content.decode()
    assert "Log in for parents" in html and "Your e-mail address" in html and "Send me a code" in html
    response = client.post("/en" + reverse("ouders:code"), {"code": "000000"})
    assert response.status_code == 400
    assert "This code is wrong or has expired." in response.content.decode()
    response = client.post("/en" + reverse("ouders:invite", kwargs={"token": "vervalst"}))
    assert response.status_code == 410 and "This link does not work." in response.content.decode()
    response = client.post("/en" + reverse("ouders:logout"), follow=True)
    assert "You have been logged out." in response.content.decode()


def test_english_invitation_mail_when_invited_from_an_en_page(pteam, django_capture_on_commit_callbacks):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.parent_access_grant(
            actor=pteam.member, context=None, gezinsplan=pteam.gezinsplan, parent_name="Sam", email="sam@example.org"
        )
    message = mail.outbox[-1]
    assert message.subject == "View your family plan" and message.body.startswith("Dear Sam,")
    assert "/en/ouders/uitnodiging/" in message.body


def test_a_logged_in_parent_sees_only_the_parents_menu(pteam, django_capture_on_commit_callbacks):
    client, _access = parent_logged_in(pteam, django_capture_on_commit_callbacks)
    for prefix in ("", "/en"):
        for name in ("plan", "login", "code"):
            header = _header(client.get(prefix + reverse(f"ouders:{name}")).content.decode())
            links = set(re.findall(r'href="([^"]+)"', header))
            actions = set(re.findall(r'action="([^"]+)"', header))
            assert links == {prefix + reverse("ouders:plan")}, (prefix, name, links)
            assert actions == {prefix + reverse("ouders:logout"), reverse("set_language")}, (prefix, name, actions)
            assert "Mijn gezinsplannen" not in header and "My family plans" not in header
            assert "Hoofdmenu" not in header and "Main menu" not in header


def test_before_login_the_menu_offers_only_the_parents_login(pteam):
    client = Client()
    html = client.get(reverse("ouders:login")).content.decode()
    header = _header(html)
    assert set(re.findall(r'href="([^"]+)"', header)) == {reverse("ouders:login")}
    assert set(re.findall(r'action="([^"]+)"', header)) == {reverse("set_language")}
    assert reverse("gezinsplan:my-gezinsplannen") not in html and "API-documentatie" not in html


def test_the_team_page_keeps_the_professional_menu(pteam):
    from accounts.helpers import verified_client

    client = verified_client(Client(), pteam.member)
    html = client.get(reverse("ouders:manage", kwargs={"gezinsplan_id": pteam.gezinsplan.pk})).content.decode()
    assert "Mijn gezinsplannen" in _header(html) and reverse("accounts:logout") in _header(html)
    english = client.get("/en" + reverse("ouders:manage", kwargs={"gezinsplan_id": pteam.gezinsplan.pk}))
    body = english.content.decode()
    assert "Parents&#x27; view" in body or "Parents' view" in body
    assert "Invite a parent" in body and "Send invitation" in body
