"""The fast case read and case list (issue 9): the answers built without validation (`…Out.of`) must equal
what validating the model objects through the schemas' resolvers gives, field for field."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.helpers import bearer
from wegwijzer.gezinsplan import selectors, services
from wegwijzer.gezinsplan.models import Gezinsplan, Membership, Regie
from wegwijzer.gezinsplan.schemas import GezinsplanDetailOut, GezinsplannenOut

from .factories import make_case, membership
from .test_query_counts import grow

pytestmark = pytest.mark.django_db


def _validated_detail(gezinsplan: Gezinsplan) -> dict:
    fresh = Gezinsplan.objects.get(pk=gezinsplan.pk)
    return GezinsplanDetailOut.model_validate(fresh).model_dump(mode="json")


def test_case_read_answer_equals_the_validated_one(team):
    grow(team)
    gezinsplan = selectors.gezinsplan_get_for_user(team.member, team.gezinsplan.pk)
    fast = GezinsplanDetailOut.of(gezinsplan).model_dump(mode="json")
    assert fast == _validated_detail(team.gezinsplan)
    assert len(fast["members"]) == Membership.objects.filter(gezinsplan=team.gezinsplan).count()
    assert fast["regie"]["lead_member"] == team.member.username
    assert any(not m["current"] for m in fast["members"])  # the former member, with valid_to


def test_case_read_answer_without_regie_and_with_a_regie_member_outside_the_given_team(team):
    bare = make_case(team.member, label="Gezin zonder regie")
    Regie.objects.filter(gezinsplan=bare).delete()
    assert GezinsplanDetailOut.of(bare).model_dump(mode="json")["regie"] is None
    assert GezinsplanDetailOut.of(bare).model_dump(mode="json") == _validated_detail(bare)

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
    assert GezinsplanDetailOut.of(gezinsplan).model_dump(mode="json") == _validated_detail(gezinsplan)
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
    validated = GezinsplannenOut.model_validate({"count": len(models), "results": models}).model_dump(mode="json")
    fast = GezinsplannenOut.of(summaries).model_dump(mode="json")
    assert fast == validated
    assert json.loads(GezinsplannenOut.json_of(summaries)) == validated
    assert {r["phase_label"] for r in fast["results"]} >= {"onbekend"}
    assert {r["status"] for r in fast["results"]} == {"open", "closed"}


def test_api_answers_are_the_schemas_json(team):
    """Through the API (ninja dumps the constructed answer and renders it) the JSON is the validated one."""
    grow(team)
    client, auth = Client(), bearer(team.member)
    detail = client.get(f"/api/v1/gezinsplannen/{team.gezinsplan.pk}", **auth)
    assert detail.status_code == 200
    assert detail.json() == _validated_detail(team.gezinsplan)
    listed = client.get("/api/v1/gezinsplannen", **auth)
    models = list(selectors.gezinsplan_list_for_user(team.member))
    assert listed.json() == GezinsplannenOut.model_validate({"count": len(models), "results": models}).model_dump(
        mode="json"
    )
