"""Authorization matrix of the gezinsplan web pages, generated from the "gezinsplan" URL list.

Every route of wegwijzer.gezinsplan.urls × {member, former member, other professional, administrator, policy staff,
content editor, logged in without second factor, anonymous}. A route added later is picked up automatically;
its path parameters must be one of PARAMS (the test fails otherwise, so nothing escapes the matrix).
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, reverse

from accounts.helpers import verified_client
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.gezinsplan import urls as plan_urls
from wegwijzer.gezinsplan.models import Agreement, Consent, Meeting, Membership, PlanSection, VerwijzingStatus

from .factories import membership

pytestmark = pytest.mark.django_db

CASELESS = {"my-gezinsplannen", "new"}
POST_ONLY = {"team-remove", "agreement-update", "consent-withdraw", "verwijzing-status", "step-share"}
OUTSIDERS = ("former", "other", "admin", "policy", "editor")


def params(team) -> dict:
    return {
        "gezinsplan_id": team.gezinsplan.pk,
        "step": 1,
        "membership_id": membership(team.gezinsplan, team.colleague).pk,
        "agreement_id": team.agreement.pk,
        "consent_id": team.consent.pk,
        "meeting_id": team.meeting.pk,
        "verwijzing_id": team.verwijzing.pk,
    }


def routes() -> list[URLPattern]:
    return [p for p in plan_urls.urlpatterns if isinstance(p, URLPattern)]


def route_url(pattern: URLPattern, values: dict) -> str:
    names = list(pattern.pattern.converters)
    missing = [n for n in names if n not in values]
    assert not missing, f"route {pattern.name} has parameters the matrix cannot fill: {missing}"
    return reverse(f"gezinsplan:{pattern.name}", kwargs={n: values[n] for n in names})


def user_for(team, who):
    return {
        "member": team.member,
        "former": team.former,
        "other": team.other,
        "admin": team.admin,
        "policy": team.policy,
        "editor": team.editor,
    }[who]


def test_every_route_is_in_the_matrix():
    names = {p.name for p in routes()}
    assert names >= CASELESS
    assert len(names) == len(routes()), "every route needs a unique name"
    for p in routes():
        if p.name not in CASELESS:
            assert "gezinsplan_id" in p.pattern.converters, p.name


@pytest.mark.parametrize("who", ["member", *OUTSIDERS])
def test_get_matrix(client, team, who):
    verified_client(client, user_for(team, who))
    values = params(team)
    for pattern in routes():
        address = route_url(pattern, values)
        response = client.get(address)
        if pattern.name in CASELESS:
            expected = {403} if pattern.name == "new" and who in ("admin", "policy", "editor") else {200}
        elif who == "member":
            expected = {405} if pattern.name in POST_ONLY else {200}
        else:
            expected = {404}
        assert response.status_code in expected, (who, pattern.name, response.status_code)
        if who != "member":
            assert team.gezinsplan.label.encode() not in response.content, (who, pattern.name)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_post_matrix_outsiders_get_404_and_change_nothing(client, team, who):
    verified_client(client, user_for(team, who))
    values = params(team)
    counts = lambda: (  # noqa: E731
        Membership.objects.count(),
        Agreement.objects.count(),
        Consent.objects.filter(withdrawn_on__isnull=False).count(),
        Meeting.objects.count(),
        PlanSection.objects.filter(version__gt=0).count(),
        team.gezinsplan.handovers.count(),
        VerwijzingStatus.objects.count(),
    )
    before = counts()
    data = {
        "content": "x",
        "considerations": "",
        "version": 0,
        "username": team.other.username,
        "what": "x",
        "with_whom": "x",
        "given_on": "2026-01-01",
        "lead": "member",
        "note": "x",
        "confirm": "on",
        "date": "2026-12-01",
        "time": "10:00",
        "duration_minutes": 60,
        "recipient_role": "jgz",
        "recipient_email": "a@example.org",
        "message": "x",
        "successor_username": team.other.username,
        "target": f"service:{team.service.slug}",
        "status": "geaccepteerd",
        f"v-{team.verwijzing.pk}-status": "geaccepteerd",
    }
    for pattern in routes():
        if pattern.name in CASELESS:
            continue
        response = client.post(route_url(pattern, values), data)
        assert response.status_code == 404, (who, pattern.name, response.status_code)
    assert counts() == before
    team.gezinsplan.refresh_from_db()
    assert team.gezinsplan.is_open
    denied = AccessLogEntry.objects.filter(
        gezinsplan_id=str(team.gezinsplan.pk), outcome="denied", username=user_for(team, who).username
    )
    assert denied.exists()


def test_anonymous_and_unverified_are_sent_to_log_in(client, team):
    values = params(team)
    login = reverse("accounts:login")
    for pattern in routes():
        address = route_url(pattern, values)
        for method in ("get", "post"):
            response = getattr(client, method)(address)
            assert response.status_code == 302, (pattern.name, method)
            assert response["Location"].startswith(login), (pattern.name, method)
    client.force_login(team.member)  # password, no second factor
    for pattern in routes():
        address = route_url(pattern, values)
        for method in ("get", "post"):
            response = getattr(client, method)(address)
            assert response.status_code == 302, (pattern.name, method)
            assert "tweestapsverificatie" in response["Location"], (pattern.name, method)


def test_unknown_case_and_malformed_ids_are_404(client, team):
    import uuid

    verified_client(client, team.member)
    values = params(team)
    for pattern in routes():
        if pattern.name in CASELESS:
            continue
        unknown = dict(values, gezinsplan_id=uuid.uuid4())
        assert client.get(route_url(pattern, unknown)).status_code == 404, pattern.name
    assert client.get("/gezinsplan/niet-een-uuid/").status_code == 404
    assert (
        client.get(
            reverse("gezinsplan:meeting", kwargs={"gezinsplan_id": team.gezinsplan.pk, "meeting_id": uuid.uuid4()})
        ).status_code
        == 404
    )
