"""What parents may see of the plan steps (issue 12 item 5): a step marked "gedeeld met ouders" shows its text
in the parents' view; every other step's text, the regie notes and the MDO minutes never reach a parents' page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse as _reverse
from django.utils import translation

from wegwijzer.gezinsplan import services as plan_services
from wegwijzer.gezinsplan.models import PlanSection, Regie

from .conftest import SECRET, parent_logged_in

pytestmark = pytest.mark.django_db


def reverse(*args, **kwargs) -> str:
    """The Dutch path (a request under /en/ leaves English active in the test's thread)."""
    with translation.override("nl"):
        return _reverse(*args, **kwargs)

SHARED = {"content": "GEDEELD-VASTGESTELD-STAP-2", "considerations": "GEDEELDE-AFWEGING-STAP-2"}


def _unshared_texts(team) -> list[str]:
    """Give every step but 2 its own content and considerations; add regie notes and MDO minutes."""
    texts = [SECRET, "Inhoud stap 1"]  # step 1, from the ParentTeam fixture
    for step in (3, 4, 5):
        content, considerations = f"NIET-GEDEELD-INHOUD-{step}", f"NIET-GEDEELD-AFWEGING-{step}"
        plan_services.plan_section_update(
            actor=team.member, gezinsplan=team.gezinsplan, step=step, content=content,
            considerations=considerations, expected_version=0,
        )
        texts += [content, considerations]
    regie = Regie.objects.get(gezinsplan=team.gezinsplan)
    plan_services.regie_set(
        actor=team.member, gezinsplan=team.gezinsplan, lead="member", lead_member=regie.lead_member,
        notes="NIET-GEDEELDE-REGIENOTITIE", expected_version=regie.version,
    )
    plan_services.meeting_record_minutes(actor=team.member, meeting=team.meeting, minutes="NIET-GEDEELD-VERSLAG")
    return texts + ["NIET-GEDEELDE-REGIENOTITIE", "NIET-GEDEELD-VERSLAG"]


def _parent_pages(client) -> dict[str, str]:
    """Every page a parent can open, in Dutch and English (the invitation with a spent/forged link)."""
    pages = {}
    for name in ("plan", "login", "code"):
        for prefix in ("", "/en"):
            url = prefix + reverse(f"ouders:{name}")
            response = client.get(url)
            assert response.status_code == 200, url
            pages[url] = response.content.decode()
    for prefix in ("", "/en"):
        url = prefix + reverse("ouders:invite", kwargs={"token": "al-gebruikt"})
        pages[url] = client.get(url).content.decode()
    return pages


@pytest.fixture
def shared_team(pteam):
    plan_services.plan_section_update(
        actor=pteam.member, gezinsplan=pteam.gezinsplan, step=2, expected_version=0, **SHARED
    )
    plan_services.plan_section_share_set(actor=pteam.member, gezinsplan=pteam.gezinsplan, step=2, shared=True)
    return pteam


def test_the_parent_sees_a_shared_step_and_no_unshared_text_on_any_page(
    shared_team, django_capture_on_commit_callbacks
):
    unshared = _unshared_texts(shared_team)
    client, _access = parent_logged_in(shared_team, django_capture_on_commit_callbacks)
    pages = _parent_pages(client)
    assert len(pages) == 8
    plan_page = pages[reverse("ouders:plan")]
    assert SHARED["content"] in plan_page and SHARED["considerations"] in plan_page
    assert "Wat het team met u deelt" in plan_page
    with translation.override("nl"):
        assert str(PlanSection.objects.get(gezinsplan=shared_team.gezinsplan, step=2).title) in plan_page
    leaks = [(url, text) for url, body in pages.items() for text in unshared if text in body]
    assert leaks == []


def test_unsharing_takes_the_step_out_at_once(shared_team, django_capture_on_commit_callbacks):
    client, _access = parent_logged_in(shared_team, django_capture_on_commit_callbacks)
    assert SHARED["content"] in client.get(reverse("ouders:plan")).content.decode()
    plan_services.plan_section_share_set(actor=shared_team.member, gezinsplan=shared_team.gezinsplan, step=2, shared=False)
    page = client.get(reverse("ouders:plan")).content.decode()
    assert SHARED["content"] not in page and SHARED["considerations"] not in page
    assert "Het team heeft nog geen stappen van het plan met u gedeeld." in page


def test_nothing_shared_means_no_step_text(pteam, django_capture_on_commit_callbacks):
    unshared = _unshared_texts(pteam)
    client, _access = parent_logged_in(pteam, django_capture_on_commit_callbacks)
    page = client.get(reverse("ouders:plan")).content.decode()
    assert "Het team heeft nog geen stappen van het plan met u gedeeld." in page
    assert [t for t in unshared if t in page] == []


def test_a_shared_step_of_another_family_stays_there(shared_team, django_capture_on_commit_callbacks):
    from .conftest import ParentTeam

    mine = ParentTeam()
    client, _access = parent_logged_in(mine, django_capture_on_commit_callbacks, email="ander@example.org")
    page = client.get(reverse("ouders:plan")).content.decode()
    assert SHARED["content"] not in page and SHARED["considerations"] not in page


def test_without_a_session_no_parent_page_shows_step_text(shared_team):
    client = Client()
    response = client.get(reverse("ouders:plan"))
    assert response.status_code == 302 and response["Location"].endswith(reverse("ouders:login"))
    for body in _parent_pages_anonymous(client):
        assert SHARED["content"] not in body and SECRET not in body


def _parent_pages_anonymous(client) -> list[str]:
    return [client.get(prefix + reverse(f"ouders:{n}")).content.decode() for n in ("login", "code") for prefix in ("", "/en")]
