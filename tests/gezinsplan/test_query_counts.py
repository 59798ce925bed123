"""Query counts of the gezinsplan reads (issue 9, item 3): pinned, and the same with more data.

Each page and endpoint is measured on the small `Team` case and again after `grow()` added members, a regie
naming five members, meetings with decisions turned into agreements, steps, consents and feedback: a count
that grows with the data is an N+1. The case list is measured with 2 and with 50 cases. The pinned numbers
are what one request costs today; a change that adds a query per row fails here, one that adds a constant
query must update the pin on purpose. Every count includes the access-log write (one INSERT per request).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.helpers import bearer, verified_client
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.gezinsplan import policy, selectors, services
from wegwijzer.gezinsplan.models import Gezinsplan, Regie
from wegwijzer.gezinsplan.schemas import CASES_PER_PAGE
from wegwijzer.gezinsplan.selectors import CASES_PER_WEB_PAGE

from .factories import make_case, membership, professional

pytestmark = pytest.mark.django_db


def grow(team, extra: int = 4) -> None:
    """More of everything a case page lists, so an N+1 shows as a different count."""
    c, actor = team.gezinsplan, team.member
    members = [membership(c, actor), membership(c, team.colleague)]
    for _ in range(extra):
        user = professional("extra")
        members.append(services.member_add(actor=actor, gezinsplan=c, username=user.username))
    services.regie_set(
        actor=actor,
        gezinsplan=c,
        lead="member",
        expected_version=Regie.objects.get(gezinsplan=c).version,
        lead_member=members[0],
        support_member=members[1],
        records_member=members[2],
        monitors_member=members[3],
        informs_member=members[4],
    )
    for step in range(1, 6):
        services.plan_section_update(
            actor=actor, gezinsplan=c, step=step, content=f"Stap {step}", considerations="", expected_version=0
        )
    for n in range(extra):
        meeting = services.meeting_plan(
            actor=actor,
            gezinsplan=c,
            starts_at=timezone.now() + dt.timedelta(days=4 + n),
            participants=members[:3],
            decisions=[f"Besluit {n}a", f"Besluit {n}b", f"Besluit {n}c"],
        )
        decision = meeting.decisions.order_by("pk").first()
        services.decisions_to_agreements(
            actor=actor, meeting=meeting, items=[{"decision": decision.pk, "owner": members[n].pk, "due_date": None}]
        )
        services.agreement_create(actor=actor, gezinsplan=c, what=f"Afspraak {n}", owner=members[n + 1])
        services.consent_record(
            actor=actor, gezinsplan=c, what=f"Toestemming {n}", with_whom="JGZ", given_on=timezone.localdate()
        )
        services.feedback_send(
            actor=actor,
            gezinsplan=c,
            recipient_role="huisarts",
            recipient_email="huisarts@example.org",
            message=f"Bericht {n}",
        )


def small_regie(team) -> None:
    """A regie naming two members, so that the small case already reads the regie's members."""
    c = team.gezinsplan
    services.regie_set(
        actor=team.member,
        gezinsplan=c,
        lead="member",
        expected_version=0,
        lead_member=membership(c, team.member),
        support_member=membership(c, team.colleague),
    )


def web_pages(team) -> dict[str, str]:
    kw = {"gezinsplan_id": team.gezinsplan.pk}
    return {
        "detail": reverse("gezinsplan:detail", kwargs=kw),
        "regie": reverse("gezinsplan:regie", kwargs=kw),
        "meetings": reverse("gezinsplan:meetings", kwargs=kw),
        "meeting": reverse("gezinsplan:meeting", kwargs={**kw, "meeting_id": team.meeting.pk}),
        "timeline": reverse("gezinsplan:timeline", kwargs=kw),
        "audit": reverse("gezinsplan:audit", kwargs=kw),
        "team": reverse("gezinsplan:team", kwargs=kw),
        "agreements": reverse("gezinsplan:agreements", kwargs=kw),
        "step": reverse("gezinsplan:step", kwargs={**kw, "step": 1}),
    }


def api_paths(team) -> dict[str, str]:
    base = f"/api/v1/gezinsplannen/{team.gezinsplan.pk}"
    return {
        "detail": base,
        "regie": f"{base}/regie",
        "meetings": f"{base}/meetings",
        "meeting": f"{base}/meetings/{team.meeting.pk}",
        "timeline": f"{base}/timeline",
        "audit": f"{base}/audit",
        "members": f"{base}/members",
        "agreements": f"{base}/agreements",
    }


# What one request costs. Web: session, user, OTP device, the session save on the way out; API: the token
# (with its user). Then the one membership check with the case joined in, the access-log INSERT, and the
# page's own reads.
WEB = {
    "detail": 17,  # + the referrals for the overview (target, status, monitor: one query)
    "regie": 10,
    "meetings": 12,
    "meeting": 12,
    "timeline": 20,  # + the referrals, their statuses and linked consents (prefetched: flat)
    "audit": 9,
    "team": 12,
    "agreements": 10,
    "step": 10,
}
API = {
    "detail": 4,  # token, the member's case with its regie, the log row, the team
    "regie": 4,
    "meetings": 6,
    "meeting": 6,
    "timeline": 15,  # + the referrals, their statuses and linked consents (prefetched: flat)
    "audit": 4,
    "members": 4,
    "agreements": 4,
}


def _api(user) -> tuple[Client, dict[str, str]]:
    """A bearer-token client, warmed up: the token's first use records when it was used (not a page's cost)."""
    client, auth = Client(), bearer(user)
    assert client.get("/api/v1/gezinsplannen", **auth).status_code == 200
    return client, auth


def _count(client: Client, url: str, **extra) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx)


@pytest.fixture
def member_web(client, team):
    client = verified_client(client, team.member)
    client.get(reverse("gezinsplan:my-gezinsplannen"))  # the session's first save is not a page's cost
    return client


@pytest.mark.parametrize("page", sorted(WEB))
def test_web_page_query_count_is_pinned_and_flat(member_web, team, page, django_assert_num_queries):
    small_regie(team)
    url = web_pages(team)[page]
    with django_assert_num_queries(WEB[page]):
        assert member_web.get(url).status_code == 200
    grow(team)
    with django_assert_num_queries(WEB[page]):
        assert member_web.get(url).status_code == 200


@pytest.mark.parametrize("endpoint", sorted(API))
def test_api_query_count_is_pinned_and_flat(team, endpoint, django_assert_num_queries):
    client, auth = _api(team.member)
    small_regie(team)
    path = api_paths(team)[endpoint]
    with django_assert_num_queries(API[endpoint]):
        assert client.get(path, **auth).status_code == 200
    grow(team)
    with django_assert_num_queries(API[endpoint]):
        assert client.get(path, **auth).status_code == 200


def _cases_for(user, n: int) -> None:
    for i in range(n):
        make_case(user, label=f"Gezin {i}")


LIST_WEB = 11  # 10 (the open/closed counts, then the page), plus leren's one query for the user's own improvement agreements (core.actions)
LIST_API = 3


@pytest.mark.parametrize("n", [2, 50])
def test_case_list_costs_the_same_for_2_and_50_cases(client, n, django_assert_num_queries):
    user = professional("druk")
    _cases_for(user, n)
    web = verified_client(client, user)
    web.get(reverse("gezinsplan:my-gezinsplannen"))
    api, auth = _api(user)
    listed = AccessLogEntry.objects.filter(action="read", detail="lijst", user_id=user.pk)
    before = listed.count()
    with django_assert_num_queries(LIST_WEB) as captured:
        assert web.get(reverse("gezinsplan:my-gezinsplannen")).status_code == 200
    with django_assert_num_queries(LIST_API):
        response = api.get("/api/v1/gezinsplannen", **auth)
    assert response.json()["count"] == n
    inserts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('INSERT INTO "audit_accesslogentry"')]
    assert len(inserts) == 1  # one statement for all n rows
    # Still one "read" row per shown case and request: each shows its first page.
    assert listed.count() - before == min(n, CASES_PER_WEB_PAGE) + min(n, CASES_PER_PAGE)
    cases = Gezinsplan.objects.filter(memberships__user=user).order_by("-created_at", "pk")
    newest = {str(pk) for pk in cases.values_list("pk", flat=True)[:CASES_PER_WEB_PAGE]}
    logged = set(listed.values_list("gezinsplan_id", flat=True))
    assert newest <= logged <= {str(pk) for pk in cases.values_list("pk", flat=True)}


def test_head_of_the_list_writes_nothing_and_costs_no_more(client):
    user = professional("kop")
    _cases_for(user, 3)
    web = verified_client(client, user)
    before = AccessLogEntry.objects.count()
    assert _count(web, reverse("gezinsplan:my-gezinsplannen")) <= LIST_WEB
    assert AccessLogEntry.objects.count() == before + 3
    response = web.head(reverse("gezinsplan:my-gezinsplannen"))
    assert response.status_code == 200
    assert AccessLogEntry.objects.count() == before + 3


def test_the_requests_one_membership_agrees_with_the_policy(team):
    """The selectors decide "view" and "change" from the one membership they fetch; the policy must agree."""
    users = [team.member, team.colleague, team.former, team.other, team.admin, team.policy, team.editor]
    closed = make_case(team.member, label="Gezin Gesloten")
    services.gezinsplan_close(actor=team.member, gezinsplan=closed)
    for gezinsplan in (team.gezinsplan, closed):
        for user in users:
            found, membership = selectors._lookup(user, gezinsplan.pk)
            assert found is not None
            assert (membership is not None) == policy.can(user, "view", found), user
            assert selectors.viewer_may_change(user, found) == policy.can(user, "change", found), user
            assert selectors.viewer_membership(user, found) == policy.current_membership(user, found)
    assert selectors.viewer_may_change(team.member, closed) is False
    assert selectors.viewer_may_change(team.member, team.gezinsplan) is True


def test_viewer_membership_is_not_reused_for_another_user(team):
    gezinsplan = selectors.gezinsplan_get_for_user(team.member, team.gezinsplan.pk)
    assert selectors.viewer_membership(team.member, gezinsplan) is not None
    assert selectors.viewer_membership(team.other, gezinsplan) is None
    assert selectors.viewer_may_change(team.other, gezinsplan) is False
