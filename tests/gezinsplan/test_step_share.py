"""Sharing a plan step with the parents' view (issue 12 item 5): the flag, its service and the step page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.helpers import verified_client
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.gezinsplan import policy, services
from wegwijzer.gezinsplan.models import PlanSection

from .factories import Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return Team()


def _section(team, step=2) -> PlanSection:
    return PlanSection.objects.get(gezinsplan=team.gezinsplan, step=step)


def _share_rows(team):
    return AccessLogEntry.objects.filter(
        gezinsplan_id=str(team.gezinsplan.pk), object_type="plansection", detail__startswith="ouders="
    )


def test_steps_are_not_shared_by_default(team):
    assert not PlanSection.objects.filter(gezinsplan=team.gezinsplan, shared_with_parents=True).exists()
    assert PlanSection.objects.filter(gezinsplan=team.gezinsplan).count() == 5


def test_a_member_shares_and_unshares_a_step_with_one_log_row_each(team):
    services.plan_section_update(
        actor=team.member, gezinsplan=team.gezinsplan, step=2, content="Tekst", considerations="", expected_version=0
    )
    history_before = _section(team).history.count()
    section = services.plan_section_share_set(actor=team.member, gezinsplan=team.gezinsplan, step=2, shared=True)
    assert section.shared_with_parents and _section(team).shared_with_parents
    # The text did not change: no new version (no conflict for a colleague editing it) and no history row.
    assert _section(team).version == 1 and _section(team).history.count() == history_before
    services.plan_section_share_set(actor=team.member, gezinsplan=team.gezinsplan, step=2, shared=True)  # no-op
    assert list(_share_rows(team).values_list("detail", "username", "object_id")) == [
        ("ouders=ja", team.member.username, "2")
    ]
    services.plan_section_share_set(actor=team.colleague, gezinsplan=team.gezinsplan, step=2, shared=False)
    assert not _section(team).shared_with_parents
    assert [r.detail for r in _share_rows(team).order_by("id")] == ["ouders=ja", "ouders=nee"]


@pytest.mark.parametrize("persona", ["former", "other", "admin", "policy", "editor"])
def test_non_members_cannot_share(team, persona):
    with pytest.raises(policy.NotFound):
        services.plan_section_share_set(actor=getattr(team, persona), gezinsplan=team.gezinsplan, step=1, shared=True)
    assert not _section(team, 1).shared_with_parents and not _share_rows(team).exists()


def test_a_closed_case_cannot_be_shared(team):
    services.gezinsplan_close(actor=team.member, gezinsplan=team.gezinsplan)
    team.gezinsplan.refresh_from_db()
    with pytest.raises(policy.ClosedCaseError):
        services.plan_section_share_set(actor=team.member, gezinsplan=team.gezinsplan, step=1, shared=True)
    assert not _section(team, 1).shared_with_parents


def test_unknown_step_is_refused(team):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.plan_section_share_set(actor=team.member, gezinsplan=team.gezinsplan, step=6, shared=True)
    assert exc.value.message_dict == {"step": ["De stap is 1 tot en met 5."]}


def test_step_page_checkbox_shares_and_unshares(client, team):
    verified_client(client, team.member)
    page = client.get(reverse("gezinsplan:step", kwargs={"gezinsplan_id": team.gezinsplan.pk, "step": 3}))
    body = page.content.decode()
    assert 'for="id_shared_with_parents">Deze stap delen met de ouders</label>' in body
    assert "De ouders zien deze stap niet." in body and " checked" not in body.split("id_shared_with_parents")[1][:80]
    url = reverse("gezinsplan:step-share", kwargs={"gezinsplan_id": team.gezinsplan.pk, "step": 3})
    response = client.post(url, {"shared_with_parents": "on"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("/stap/3/")
    assert _section(team, 3).shared_with_parents
    body = response.content.decode()
    assert "De ouders zien deze stap in hun inzage" in body and 'name="shared_with_parents" checked' in body
    client.post(url, {})  # an unticked checkbox is not sent at all
    assert not _section(team, 3).shared_with_parents


def test_step_share_is_post_only_and_404_for_outsiders(client, team):
    url = reverse("gezinsplan:step-share", kwargs={"gezinsplan_id": team.gezinsplan.pk, "step": 1})
    verified_client(client, team.member)
    assert client.get(url).status_code == 405
    assert client.post(url.replace("/stap/1/", "/stap/9/"), {"shared_with_parents": "on"}).status_code == 404
    outsider = verified_client(type(client)(), team.other)
    assert outsider.post(url, {"shared_with_parents": "on"}).status_code == 404
    assert not _section(team, 1).shared_with_parents


def test_closed_case_step_share_answers_with_the_message(client, team):
    services.gezinsplan_close(actor=team.member, gezinsplan=team.gezinsplan)
    verified_client(client, team.member)
    url = reverse("gezinsplan:step-share", kwargs={"gezinsplan_id": team.gezinsplan.pk, "step": 1})
    response = client.post(url, {"shared_with_parents": "on"}, follow=True)
    assert "gesloten" in response.content.decode()
    assert not _section(team, 1).shared_with_parents


def test_api_section_says_whether_it_is_shared(client, team):
    from accounts.helpers import bearer

    services.plan_section_share_set(actor=team.member, gezinsplan=team.gezinsplan, step=4, shared=True)
    url = reverse("api:api-gezinsplan-plan-step", kwargs={"gezinsplan_id": team.gezinsplan.pk, "step": 4})
    assert client.get(url, **bearer(team.member)).json()["shared_with_parents"] is True


def test_the_access_log_says_it_in_words(client, team):
    services.plan_section_share_set(actor=team.member, gezinsplan=team.gezinsplan, step=2, shared=True)
    verified_client(client, team.member)
    body = client.get(reverse("gezinsplan:audit", kwargs={"gezinsplan_id": team.gezinsplan.pk})).content.decode()
    assert "gedeeld met de ouders" in body and "ouders=ja" not in body
