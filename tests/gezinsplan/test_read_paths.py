"""The fast case read and case list (issue 9): the answers built without validation (`…Out.json_of`) must equal
what validating the model objects through the schemas' resolvers gives, field for field."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.helpers import bearer
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.gezinsplan import selectors, services
from wegwijzer.gezinsplan.models import Gezinsplan, Membership, Regie
from wegwijzer.gezinsplan.schemas import CASES_PER_PAGE, GezinsplanDetailOut, GezinsplannenOut

from .factories import make_case, membership
from .test_query_counts import grow

pytestmark = pytest.mark.django_db


def _paged(models: list, page: int = 1, per_page: int = CASES_PER_PAGE) -> dict:
    """The list answer for one page as the validated schema sees it (the model objects of that page)."""
    shown = models[(page - 1) * per_page : page * per_page]
    return {"count": len(models), "page": page, "per_page": per_page, "total_pages": max(1, -(-len(models) // per_page)),
            "results": shown}


def _validated_detail(gezinsplan: Gezinsplan) -> dict:
    fresh = Gezinsplan.objects.get(pk=gezinsplan.pk)
    return GezinsplanDetailOut.model_validate(fresh).model_dump(mode="json")


def _plain_detail(user, gezinsplan) -> dict:
    return json.loads(GezinsplanDetailOut.json_of(selectors.gezinsplan_detail_read(context=None, user=user, gezinsplan_id=gezinsplan.pk)))


def test_case_read_answer_equals_the_validated_one(team):
    grow(team)
    fast = _plain_detail(team.member, team.gezinsplan)
    assert fast == _validated_detail(team.gezinsplan)
    assert len(fast["members"]) == Membership.objects.filter(gezinsplan=team.gezinsplan).count()
    assert fast["regie"]["lead_member"] == team.member.username
    assert any(not m["current"] for m in fast["members"])  # the former member, with valid_to


def test_case_read_answer_without_regie_and_with_a_regie_member_outside_the_given_team(team):
    bare = make_case(team.member, label="Gezin zonder regie")
    Regie.objects.filter(gezinsplan=bare).delete()
    assert _plain_detail(team.member, bare)["regie"] is None
    assert _plain_detail(team.member, bare) == _validated_detail(bare)

    gezinsplan = team.gezinsplan
    services.regie_set(
        actor=team.member, gezinsplan=gezinsplan, lead="member",
        expected_version=Regie.objects.get(gezinsplan=gezinsplan).version,
        lead_member=membership(gezinsplan, team.member),
    )
    regie = Regie.objects.get(gezinsplan=gezinsplan)
    former = Membership.objects.get(gezinsplan=gezinsplan, user=team.former)
    Regie.objects.filter(pk=regie.pk).update(records_member=former)
    current_only = list(selectors.members_current(gezinsplan))
    assert former not in current_only
    lean = selectors.regie_for_gezinsplan(gezinsplan, current_only)  # the former member is read on its own
    joined = selectors.regie_for_gezinsplan(gezinsplan)
    assert lean is not None and joined is not None
    assert lean.records_member.user.username == joined.records_member.user.username == team.former.username
    assert _plain_detail(team.member, gezinsplan) == _validated_detail(gezinsplan)
    # Made up for this test (a regie role with someone who left): put it back, or the suite-wide handover
    # check (conftest) rightly reports it.
    Regie.objects.filter(pk=regie.pk).update(records_member=membership(gezinsplan, team.member))


def test_case_list_answer_equals_the_validated_one(team):
    user = team.member
    make_case(user, label="Gezin zonder fase", phase="", wijk="")
    closed = make_case(user, label="Gezin Gesloten")
    services.gezinsplan_close(actor=user, gezinsplan=closed)
    summaries = selectors.gezinsplan_list_read(context=None, user=user)
    models = list(selectors.gezinsplan_list_for_user(user))
    assert [s.pk for s in summaries] == [m.pk for m in models]
    assert [s.is_open for s in summaries] == [m.is_open for m in models]
    page = selectors.gezinsplan_page_read(context=None, user=user, page=1, per_page=CASES_PER_PAGE)
    assert [s.pk for s in page.results] == [m.pk for m in models]
    validated = GezinsplannenOut.model_validate(_paged(models)).model_dump(mode="json")
    fast = json.loads(GezinsplannenOut.json_of(page))
    assert fast == validated
    assert {r["phase_label"] for r in fast["results"]} >= {"onbekend"}
    assert {r["status"] for r in fast["results"]} == {"open", "closed"}


def test_the_open_only_list_logs_only_the_open_cases(team):
    """leren's case picker shows open cases only: a closed one is neither returned nor logged as read."""
    user = team.member
    closed = make_case(user, label="Gezin Gesloten")
    services.gezinsplan_close(actor=user, gezinsplan=closed)
    listed = AccessLogEntry.objects.filter(user_id=user.pk, action="read", detail="lijst")
    before = set(listed.values_list("id", flat=True))
    summaries = selectors.gezinsplan_list_read(context=None, user=user, open_only=True)
    assert summaries and all(s.is_open for s in summaries)
    assert closed.pk not in {s.pk for s in summaries}
    new = listed.exclude(id__in=before)
    assert sorted(new.values_list("gezinsplan_id", flat=True)) == sorted(str(s.pk) for s in summaries)


def test_api_answers_are_the_schemas_json(team):
    """Through the API (ninja dumps the constructed answer and renders it) the JSON is the validated one."""
    grow(team)
    client, auth = Client(), bearer(team.member)
    detail = client.get(f"/api/v1/gezinsplannen/{team.gezinsplan.pk}", **auth)
    assert detail.status_code == 200
    assert detail.json() == _validated_detail(team.gezinsplan)
    listed = client.get("/api/v1/gezinsplannen", **auth)
    models = list(selectors.gezinsplan_list_for_user(team.member))
    assert listed.json() == GezinsplannenOut.model_validate(_paged(models)).model_dump(mode="json")


def test_case_read_from_plain_values_equals_the_validated_one(team):
    grow(team)
    team.member.first_name, team.member.last_name = "Anna", "de Vries"
    team.member.save()
    Gezinsplan.objects.filter(pk=team.gezinsplan.pk).update(
        advice_snapshot={"route": "buurtteam", "codes": ["a", "b"]}, involved=["jgz", "verloskundige"],
        contact_name="Mevrouw X", contact_phone="030 000 00 00",
    )
    plain = _plain_detail(team.member, team.gezinsplan)
    assert plain == _validated_detail(team.gezinsplan)
    assert any(m["name"] == "Anna de Vries" for m in plain["members"])
    assert any(not m["current"] for m in plain["members"])
    assert plain["involved"] == ["jgz", "verloskundige"] and plain["advice_snapshot"]["route"] == "buurtteam"

    bare = make_case(team.member, label="Gezin zonder regie")
    Regie.objects.filter(gezinsplan=bare).delete()
    assert _plain_detail(team.member, bare)["regie"] is None
    assert _plain_detail(team.member, bare) == _validated_detail(bare)

    closed = make_case(team.member, label="Gezin Gesloten")
    services.gezinsplan_close(actor=team.member, gezinsplan=closed)
    assert _plain_detail(team.member, closed) == _validated_detail(closed)


def test_case_read_from_plain_values_names_a_regie_member_outside_the_team(team):
    """A regie role held by a membership the team read does not contain (data from before a fix, say)
    is still named, from one more query, as the model path does."""
    other_case = make_case(team.colleague, label="Ander gezin")
    stranger = Membership.objects.get(gezinsplan=other_case, user=team.colleague)
    regie = Regie.objects.get(gezinsplan=team.gezinsplan)
    Regie.objects.filter(pk=regie.pk).update(monitors_member=stranger)
    try:
        plain = _plain_detail(team.member, team.gezinsplan)
        assert plain["regie"]["monitors_member"] == team.colleague.username
        assert plain == _validated_detail(team.gezinsplan)
    finally:
        Regie.objects.filter(pk=regie.pk).update(monitors_member=regie.monitors_member_id)


def test_case_read_from_plain_values_refuses_and_logs_like_the_model_path(team):
    from wegwijzer.audit.context import AccessContext
    from wegwijzer.audit.models import AccessLogEntry
    from wegwijzer.gezinsplan import policy

    context = AccessContext(client_address="127.0.0.1", method="GET")
    for user in (team.other, team.former, team.admin, team.policy):
        before = AccessLogEntry.objects.filter(gezinsplan_id=str(team.gezinsplan.pk), outcome="denied").count()
        with pytest.raises(policy.NotAMember):
            selectors.gezinsplan_detail_read(context=context, user=user, gezinsplan_id=team.gezinsplan.pk)
        after = AccessLogEntry.objects.filter(gezinsplan_id=str(team.gezinsplan.pk), outcome="denied").count()
        assert after == before + 1, user
    for unknown in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(policy.NotAMember):
            selectors.gezinsplan_detail_read(context=context, user=team.member, gezinsplan_id=unknown)
    reads = AccessLogEntry.objects.filter(gezinsplan_id=str(team.gezinsplan.pk), outcome="success", action="read")
    before = reads.count()
    selectors.gezinsplan_detail_read(context=context, user=team.member, gezinsplan_id=team.gezinsplan.pk)
    selectors.gezinsplan_detail_read(
        context=AccessContext(client_address="127.0.0.1", method="HEAD"), user=team.member,
        gezinsplan_id=team.gezinsplan.pk,
    )
    assert reads.count() == before + 1  # the GET is logged, the HEAD (no case data sent) is not


def test_the_case_list_comes_in_pages_and_logs_only_the_shown_cases(client):
    from wegwijzer.audit.models import AccessLogEntry

    from .factories import professional

    user = professional("veel")
    for i in range(7):
        make_case(user, label=f"Gezin {i}")
    api, auth = Client(), bearer(user)
    models = list(selectors.gezinsplan_list_for_user(user))
    listed = AccessLogEntry.objects.filter(action="read", detail="lijst", user_id=user.pk)
    seen: list[str] = []
    for page in (1, 2, 3):
        before = set(listed.values_list("id", flat=True))
        response = api.get(f"/api/v1/gezinsplannen?page={page}&per_page=3", **auth)
        assert response.status_code == 200
        body = response.json()
        assert body == GezinsplannenOut.model_validate(_paged(models, page, 3)).model_dump(mode="json")
        assert (body["count"], body["total_pages"], len(body["results"])) == (7, 3, 3 if page < 3 else 1)
        new_rows = listed.exclude(id__in=before)
        assert sorted(new_rows.values_list("gezinsplan_id", flat=True)) == sorted(r["id"] for r in body["results"])
        seen += [r["id"] for r in body["results"]]
    assert sorted(seen) == sorted(str(m.pk) for m in models)  # every case once, none twice
    before = listed.count()
    past = api.get("/api/v1/gezinsplannen?page=9&per_page=3", **auth).json()
    assert (past["count"], past["results"], past["page"]) == (7, [], 9)
    assert listed.count() == before  # nothing shown, nothing logged
    assert api.get("/api/v1/gezinsplannen", **auth).json()["per_page"] == CASES_PER_PAGE == 20


@pytest.mark.parametrize("query", ["page=0", "per_page=0", "per_page=101", "page=abc", "per_page=-1"])
def test_a_bad_page_of_the_case_list_is_a_clear_422(client, query):
    from .factories import professional

    api, auth = Client(), bearer(professional("pagina"))
    response = api.get(f"/api/v1/gezinsplannen?{query}", **auth)
    assert response.status_code == 422
    assert response.json()["detail"]
