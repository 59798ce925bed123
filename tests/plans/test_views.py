"""Gezinsplan web pages: every page renders for a verified member, forms' error paths, escaping, handover."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.helpers import make_professional, verified_client
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.plans import services
from wegwijzer.plans.models import Agreement, Casus, Consent, Meeting, Membership, PlanSection

from .factories import membership

pytestmark = pytest.mark.django_db

ADVICE_QUERY = (
    "phase=zwangerschap&reporter=verloskundige&wijk=overvecht&concerns=jong-ouderschap&concerns=geen-netwerk"
)


def url(name, team=None, **kwargs):
    if team is not None:
        kwargs["case_id"] = team.casus.pk
    return reverse(f"plans:{name}", kwargs=kwargs)


@pytest.fixture
def member_client(client, team):
    return verified_client(client, team.member)


def page_urls(team):
    c = team.casus
    decision = team.meeting.decisions.first()
    assert decision is not None
    return [
        reverse("plans:my-cases"),
        url("detail", team),
        *[url("step", team, step=n) for n in range(1, 6)],
        url("team", team),
        url("regie", team),
        url("agreements", team),
        url("consent", team),
        url("meetings", team),
        url("meeting", team, meeting_id=team.meeting.pk),
        url("handover", team),
        url("feedback", team),
        url("timeline", team),
        url("audit", team),
        url("print", team),
        url("close", team),
        f"{reverse('plans:new')}",
        f"{reverse('plans:new')}?{ADVICE_QUERY}",
    ] + [str(c.pk)[:0]] * 0


def test_every_page_renders_for_a_verified_member(member_client, team):
    for address in page_urls(team):
        response = member_client.get(address)
        assert response.status_code == 200, address
        body = response.content.decode()
        assert "<main" in body and 'lang="nl"' in body, address
