"""A handover hands over (issue 12, item 1): open agreements, places in coming MDOs and regie roles move from
the leaver to the successor or to whoever is chosen per item; through the service, the API and the page."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.helpers import bearer, verified_client
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.gezinsplan import selectors, services
from wegwijzer.gezinsplan.models import Agreement, Regie

from .factories import membership, professional
from .invariants import handover_leftovers

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(team):
    """team.member holds two open agreements, one done, a coming and a past MDO, and the regie lead."""
    m = membership(team.gezinsplan, team.member)
    colleague = membership(team.gezinsplan, team.colleague)
    team.third = professional("derde", role="huisarts")
    third = services.member_add(actor=team.member, gezinsplan=team.gezinsplan, username=team.third.username)
    second = services.agreement_create(actor=team.member, gezinsplan=team.gezinsplan, what="Bellen met JGZ", owner=m)
    done = services.agreement_create(actor=team.member, gezinsplan=team.gezinsplan, what="Klaar", owner=m)
    services.agreement_update(actor=team.member, agreement=done, status="done")
    past = services.meeting_plan(
        actor=team.member,
        gezinsplan=team.gezinsplan,
        starts_at=timezone.now() - dt.timedelta(days=3),
        participants=[m, colleague],
    )
    services.regie_set(
        actor=team.member,
        gezinsplan=team.gezinsplan,
        lead="member",
        lead_member=m.pk,
        records_member=m.pk,
        monitors_member=colleague.pk,
        expected_version=Regie.objects.get(gezinsplan=team.gezinsplan).version,
    )
    team.m, team.colleague_m, team.third_m = m, colleague, third
    team.second, team.done, team.past = second, done, past
    return team


def test_items_of_the_leaver_are_listed(busy):
    items = selectors.handover_items(busy.gezinsplan, busy.m)
    assert {a.pk for a in items.agreements} == {busy.agreement.pk, busy.second.pk}  # not the done one
    assert [mdo.pk for mdo in items.meetings] == [busy.meeting.pk]  # not the past MDO
    assert items.regie_roles == ["lead_member", "records_member"]


def test_service_moves_everything_to_the_successor_or_the_chosen_member(busy):
    record = services.handover(
        actor=busy.member,
        gezinsplan=busy.gezinsplan,
        leaving=busy.m,
        successor=busy.colleague_m,
        note="Alles besproken",
        family_informed=True,
        agreement_owners={str(busy.second.pk): busy.third_m},
    )
    busy.agreement.refresh_from_db()
    busy.second.refresh_from_db()
    busy.done.refresh_from_db()
    assert busy.agreement.owner == busy.colleague_m
    assert busy.second.owner == busy.third_m
    assert busy.done.owner == busy.m  # history: who did it stays
    assert set(busy.meeting.participants.all()) == {busy.colleague_m}
    assert busy.m in busy.past.participants.all()  # who took part in a past MDO stays true
    regie = Regie.objects.get(gezinsplan=busy.gezinsplan)
    assert regie.lead_member == regie.records_member == regie.monitors_member == busy.colleague_m
    assert record.note == "Alles besproken" and record.family_informed
    assert handover_leftovers() == []
    # The successor now sees the moved agreement under "wat vraagt om mijn actie", the third member theirs.
    assert busy.agreement in selectors.my_actions(busy.colleague)
    assert [a.pk for a in selectors.my_actions(busy.third)] == [busy.second.pk]
    assert selectors.my_actions(busy.member) == []
    # The .ics of the coming MDO lists the successor, not the leaver.
    ics = services.meeting_ical(busy.meeting)
    assert busy.colleague.username in ics and busy.member.username not in ics
    moves = AccessLogEntry.objects.filter(gezinsplan_id=str(busy.gezinsplan.pk), action="handover").exclude(
        object_type="handover"
    )
    assert sorted((e.object_type, e.detail.split()[0]) for e in moves) == [
        ("agreement", "eigenaar"),
        ("agreement", "eigenaar"),
        ("meeting", "deelnemer"),
        ("regie", "lead_member"),
        ("regie", "records_member"),
    ]


@pytest.mark.parametrize("target", ["leaver", "foreign-item"])
def test_a_choice_that_would_leave_an_item_behind_is_refused(busy, target):
    from django.core.exceptions import ValidationError

    choices = {str(busy.second.pk): busy.m} if target == "leaver" else {str(busy.done.pk): busy.third_m}
    with pytest.raises(ValidationError) as exc:
        services.handover(
            actor=busy.member,
            gezinsplan=busy.gezinsplan,
            leaving=busy.m,
            successor=busy.colleague_m,
            note="x",
            agreement_owners=choices,
        )
    assert "agreement_owners" in exc.value.message_dict
    busy.m.refresh_from_db()
    assert busy.m.valid_to is None  # nothing stored


def test_api_handover_moves_items_with_a_choice_per_item(client, busy):
    url = f"/api/v1/gezinsplannen/{busy.gezinsplan.pk}/handovers"
    body = {
        "successor": busy.colleague.username,
        "note": "Overdracht",
        "agreements": {str(busy.second.pk): busy.third.username},
        "meetings": {str(busy.meeting.pk): busy.third.username},
    }
    r = client.post(url, data=json.dumps(body), content_type="application/json", **bearer(busy.member))
    assert r.status_code == 201, r.content
    assert Agreement.objects.get(pk=busy.second.pk).owner == busy.third_m
    assert Agreement.objects.get(pk=busy.agreement.pk).owner == busy.colleague_m
    assert list(busy.meeting.participants.all()) == [busy.third_m]
    assert handover_leftovers() == []


def test_api_refuses_a_choice_for_someone_outside_the_team(client, busy):
    url = f"/api/v1/gezinsplannen/{busy.gezinsplan.pk}/handovers"
    body = {"successor": busy.colleague.username, "agreements": {str(busy.second.pk): busy.other.username}}
    r = client.post(url, data=json.dumps(body), content_type="application/json", **bearer(busy.member))
    assert r.status_code == 422
    assert "agreements" in json.dumps(r.json()["errors"])
    assert Agreement.objects.get(pk=busy.second.pk).owner == busy.m


def test_page_lists_the_items_and_moves_them(client, busy):
    verified_client(client, busy.member)
    page_url = reverse("gezinsplan:handover", kwargs={"gezinsplan_id": busy.gezinsplan.pk})
    page = client.get(page_url).content.decode()
    assert "Bellen met JGZ" in page and "Huisbezoek plannen" in page
    assert "Klaar" not in page.split('id="open-items"')[1].split("</ul>")[0]
    assert "regiehouder" in page
    response = client.post(
        page_url,
        {
            "leaving": str(busy.m.pk),
            "successor": str(busy.colleague_m.pk),
            f"agreement_{busy.second.pk}": str(busy.third_m.pk),
            "note": "Alles besproken",
            "family_informed": "on",
        },
    )
    assert response.status_code == 302
    assert Agreement.objects.get(pk=busy.second.pk).owner == busy.third_m
    assert Agreement.objects.get(pk=busy.agreement.pk).owner == busy.colleague_m
    successor = verified_client(Client(), busy.colleague)
    home = successor.get(reverse("gezinsplan:my-gezinsplannen")).content.decode()
    assert "Huisbezoek plannen" in home  # under "wat vraagt om mijn actie"
    assert handover_leftovers() == []


def test_page_shows_another_members_items_on_request(client, busy):
    verified_client(client, busy.colleague)
    page_url = reverse("gezinsplan:handover", kwargs={"gezinsplan_id": busy.gezinsplan.pk})
    mine = client.get(page_url).content.decode()
    assert "Bellen met JGZ" not in mine.split('id="open-items"')[1][:2000]
    theirs = client.get(page_url, {"leaving": str(busy.m.pk)}).content.decode()
    assert "Bellen met JGZ" in theirs.split('id="open-items"')[1]


def test_the_suite_wide_check_sees_an_item_left_with_a_leaver(busy):
    services.handover(
        actor=busy.member, gezinsplan=busy.gezinsplan, leaving=busy.m, successor=busy.colleague_m, note="x"
    )
    # As the handover did before issue 12: the agreement stays with who left.
    Agreement.objects.filter(pk=busy.second.pk).update(owner=busy.m)
    assert handover_leftovers() == [f"open afspraak {busy.second.pk} is nog van {busy.member.username}"]
    Agreement.objects.filter(pk=busy.second.pk).update(owner=busy.colleague_m)  # else the autouse check fails
