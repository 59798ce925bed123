"""The gezinsplan API on django-ninja: what the move must not change (query counts, HEAD, need-to-know before
the body, CSRF for sessions, the answer formats) and what the schemas now do."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.helpers import bearer, verified_client
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.gezinsplan import services
from wegwijzer.gezinsplan.models import Agreement, Gezinsplan

from .factories import Team, membership, professional

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _count(client, url, headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.content[:200])
    return len(queries)


def _grow(team):
    """More of everything the list answers show: members, a full regie, agreements, consents, meetings
    with decisions turned into agreements, feedback."""
    extra = [professional(f"extra{i}") for i in range(3)]
    for user in extra:
        services.member_add(actor=team.member, gezinsplan=team.gezinsplan, username=user.username)
    members = [membership(team.gezinsplan, u) for u in (team.member, team.colleague, *extra)]
    services.regie_set(
        actor=team.member,
        gezinsplan=team.gezinsplan,
        lead="member",
        expected_version=0,
        lead_member=members[0],
        support_member=members[1],
        records_member=members[2],
        monitors_member=members[3],
        informs_member=members[4],
    )
    for i in range(3):
        services.agreement_create(actor=team.member, gezinsplan=team.gezinsplan, what=f"Afspraak {i}", owner=members[i])
        services.consent_record(
            actor=team.member, gezinsplan=team.gezinsplan, what=f"T{i}", with_whom="JGZ", given_on=timezone.localdate()
        )
        meeting = services.meeting_plan(
            actor=team.member,
            gezinsplan=team.gezinsplan,
            starts_at=timezone.now() + dt.timedelta(days=i + 1),
            participants=members[:3],
            decisions=["a", "b", "c"],
        )
        decision = meeting.decisions.first()
        services.decisions_to_agreements(
            actor=team.member, meeting=meeting, items=[{"decision": decision.pk, "owner": members[1]}]
        )
        services.feedback_send(
            actor=team.member, gezinsplan=team.gezinsplan, recipient_role="jgz", recipient_email="a@example.org", message="x"
        )


def test_no_query_grows_with_the_rows_it_shows(client, read_paths):
    """N+1 guard: every read answers with as many queries for a big plan as for a small one."""
    team = Team()
    headers = bearer(team.member)
    case = f"{API}/gezinsplannen/{team.gezinsplan.pk}"
    _count(client, case, headers)  # the token's first use writes last_used_at
    small = {path: _count(client, case + path, headers) for path in read_paths(team)}
    small["/gezinsplannen"] = _count(client, f"{API}/gezinsplannen", headers)
    _grow(team)
    services.gezinsplan_create(actor=team.member, label="Gezin Twee", phase="zwangerschap", wijk="oost")
    big = {path: _count(client, case + path, headers) for path in read_paths(team)}
    big["/gezinsplannen"] = _count(client, f"{API}/gezinsplannen", headers)  # the read rows: one INSERT for all
    assert big == small


def test_head_answers_like_get_on_every_read_and_logs_no_read(client, read_paths):
    team = Team()
    headers = bearer(team.member)
    case = f"{API}/gezinsplannen/{team.gezinsplan.pk}"
    client.get(f"{API}/gezinsplannen", **headers)
    reads = AccessLogEntry.objects.filter(gezinsplan_id=str(team.gezinsplan.pk), action__in=("read", "export"))
    for path in [*read_paths(team), "LIST"]:
        url = f"{API}/gezinsplannen" if path == "LIST" else case + path
        before = reads.count()
        head = client.head(url, **headers)
        assert head.status_code == 200, url
        assert head.content == b""
        assert reads.count() == before, f"HEAD {url} logged a read"
        get = client.get(url, **headers)
        assert head["Content-Type"] == get["Content-Type"], url
        assert int(head["Content-Length"]) > 0, url
        assert reads.count() > before, f"GET {url} logged no read"


def test_head_by_a_non_member_is_404_and_logged_as_denied(client):
    team = Team()
    response = client.head(f"{API}/gezinsplannen/{team.gezinsplan.pk}/plan/1", **bearer(team.other))
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(
        gezinsplan_id=str(team.gezinsplan.pk), username=team.other.username, outcome="denied", action="read"
    ).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"what": 5, "due_date": "morgen", "onbekend": 1},  # would be a 400 for a member
        {"what": "x" * 5000},  # a 422 for a member
        [1, 2],  # not an object: a 400 for a member
    ],
)
def test_need_to_know_comes_before_the_body(client, body):
    """A non-member learns nothing from the body's validation (404 like an unknown id) and is logged."""
    team = Team()
    url = f"{API}/gezinsplannen/{team.gezinsplan.pk}/agreements"
    response = client.post(url, data=json.dumps(body), content_type="application/json", **bearer(team.other))
    assert response.status_code == 404 and response.json() == {"detail": "Niet gevonden."}
    entry = AccessLogEntry.objects.get(gezinsplan_id=str(team.gezinsplan.pk), username=team.other.username)
    assert (entry.outcome, entry.action) == ("denied", "update")
    assert client.post(url, data=json.dumps(body), content_type="application/json", **bearer(team.member)).status_code in (
        400,
        422,
    )


def test_session_callers_need_the_csrf_token_on_writes():
    team = Team()
    browser = verified_client(Client(enforce_csrf_checks=True), team.member)
    url = f"{API}/gezinsplannen/{team.gezinsplan.pk}/agreements"
    assert browser.get(url).status_code == 200  # safe methods need no token
    body = json.dumps({"what": "Bellen"})
    response = browser.post(url, data=body, content_type="application/json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert not Agreement.objects.filter(what="Bellen").exists()
    browser.get(f"/gezinsplan/{team.gezinsplan.pk}/")  # a page with forms sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post(url, data=body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content
    assert Agreement.objects.filter(what="Bellen").count() == 1


def test_a_bad_token_never_falls_back_to_the_session(client):
    team = Team()
    verified_client(client, team.member)
    response = client.get(f"{API}/gezinsplannen/{team.gezinsplan.pk}", HTTP_AUTHORIZATION="Bearer onzin")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"


def test_answers_keep_their_formats(client):
    """Timestamps as Python isoformat (offset +00:00, microseconds), ids as strings, dates as YYYY-MM-DD."""
    team = Team()
    headers = bearer(team.member)
    case = client.get(f"{API}/gezinsplannen/{team.gezinsplan.pk}", **headers).json()
    gezinsplan = Gezinsplan.objects.get(pk=team.gezinsplan.pk)
    assert case["id"] == str(gezinsplan.pk)
    assert case["created_at"] == gezinsplan.created_at.isoformat()
    assert case["contact"] == {"name": "", "phone": "", "email": ""}
    assert case["regie"]["version"] == 0 and case["regie"]["lead_member"] is None
    assert [m["username"] for m in case["members"]] == [
        m.user.username for m in gezinsplan.memberships.order_by("valid_from")
    ]
    agreement = client.get(f"{API}/gezinsplannen/{team.gezinsplan.pk}/agreements/{team.agreement.pk}", **headers).json()
    assert agreement["due_date"] == timezone.localdate().isoformat()
    assert agreement["owner"] == team.member.username and agreement["from_meeting"] is None
    meeting = client.get(f"{API}/gezinsplannen/{team.gezinsplan.pk}/meetings/{team.meeting.pk}", **headers).json()
    assert meeting["decisions"][0] == {
        "id": team.meeting.decisions.first().pk,
        "text": "JGZ doet een prenataal huisbezoek",
        "agreement": None,
    }
    assert meeting["starts_at"] == team.meeting.starts_at.isoformat()


def test_unknown_fields_are_named_with_what_is_allowed(client):
    team = Team()
    url = f"{API}/gezinsplannen/{team.gezinsplan.pk}/meetings/{team.meeting.pk}/agreements"
    decision = team.meeting.decisions.first().pk
    body = {"items": [{"decision": decision, "due-date": "2026-01-01"}]}
    response = client.post(url, data=json.dumps(body), content_type="application/json", **bearer(team.member))
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "items.due-date": ["Onbekend veld. Toegestaan: decision, owner, due_date."]
    }
    assert not Agreement.objects.filter(from_decision_id=decision).exists()


def test_all_errors_of_a_body_come_in_one_answer(client):
    team = Team()
    url = f"{API}/gezinsplannen/{team.gezinsplan.pk}/agreements"
    body = {"what": "", "owner": "niemand", "due_date": "0001-01-01", "bsn": "1"}
    response = client.post(url, data=json.dumps(body), content_type="application/json", **bearer(team.member))
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Ongeldige datum in: due_date.",
        "errors": {
            "what": ["Dit veld is verplicht."],
            "owner": ["'niemand' is geen huidig teamlid van dit gezinsplan."],
            "due_date": ["Kies een datum tussen 1900 en 2100."],
            "bsn": ["Onbekend veld. Toegestaan: what, owner, due_date."],
        },
    }
