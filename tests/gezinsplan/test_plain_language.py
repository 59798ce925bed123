"""Plain Dutch for people (issue 12, item 2): timeline and access log without codes, the overview with the
steps' content and a link to the advice, the regie without a "last changed" before anyone set it, log out."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.helpers import verified_client
from wegwijzer.gezinsplan import services

from .factories import membership

pytestmark = pytest.mark.django_db

CODES = ("agreement", "plansection", "membership", "user=", "buurtteam-jeugd-gezin)")


def page(client, name, team, prefix=""):
    # The test client runs the request in this thread: without the override, /en/ would stay active after it
    # and every later reverse() would answer /en/… URLs.
    with translation.override("nl"):
        path = reverse(f"gezinsplan:{name}", kwargs={"gezinsplan_id": team.gezinsplan.pk})
        return client.get(prefix + path).content.decode()


@pytest.fixture
def member_client(client, team):
    services.plan_section_update(
        actor=team.member, gezinsplan=team.gezinsplan, step=1, content="Moeder wil hulp bij de voeding.",
        considerations="", expected_version=0,
    )
    return verified_client(client, team.member)


def test_access_log_and_timeline_read_in_plain_dutch(member_client, team):
    log = page(member_client, "audit", team).split("<tbody", 1)[1]
    for code in CODES:
        assert code not in log, code
    assert "een afspraak" in log and "het team (teamlid " in log and "een warme overdracht (van " in log
    timeline = page(member_client, "timeline", team).split('class="ww-timeline"', 1)[1]
    assert "Buurtteam Jeugd en Gezin" in timeline and "komt in het team" in timeline
    assert "Afspraak gemaakt: Huisbezoek plannen" in timeline
    assert ">afspraak<" not in timeline and ">Afspraak<" in timeline  # the kind is a word, not a code


def test_access_log_and_timeline_in_english_under_en(member_client, team):
    log = page(member_client, "audit", team, prefix="/en").split("<tbody", 1)[1]
    assert "an agreement" in log and "the team (team member " in log
    timeline = page(member_client, "timeline", team, prefix="/en")
    assert "joins the team" in timeline and "Agreement made: Huisbezoek plannen" in timeline


def test_overview_shows_the_steps_content(member_client, team):
    body = page(member_client, "detail", team)
    assert "Moeder wil hulp bij de voeding." in body


def test_overview_links_to_the_advice_it_started_from(client, team):
    situation = {"phase": "zwangerschap", "reporter": "verloskundige", "wijk": "overvecht", "concerns": ["geen-netwerk"]}
    case = services.gezinsplan_from_advice(actor=team.member, situation=situation, label="Gezin Roos")
    verified_client(client, team.member)
    body = client.get(reverse("gezinsplan:detail", kwargs={"gezinsplan_id": case.pk})).content.decode()
    assert "inhoudsversie" not in body
    href = body.split("Het routeadvies voor deze situatie bekijken")[0].rsplit('href="', 1)[1].split('"')[0]
    assert href.startswith(reverse("routeguide:advice") + "?phase=zwangerschap")
    assert client.get(href.replace("&amp;", "&")).status_code == 200


def test_regie_says_nothing_about_a_change_before_anyone_set_it(member_client, team):
    assert "Laatst gewijzigd door" not in page(member_client, "regie", team)
    services.regie_set(
        actor=team.member, gezinsplan=team.gezinsplan, lead="member",
        lead_member=membership(team.gezinsplan, team.member).pk, expected_version=0,
    )
    assert "Laatst gewijzigd door" in page(member_client, "regie", team)


@pytest.mark.parametrize("name", ["detail", "team", "timeline", "audit"])
def test_every_logged_in_page_has_a_log_out_button_that_posts(member_client, team, name):
    body = page(member_client, name, team)
    form = body.split('class="ww-logout"')[0].rsplit("<form", 1)[1]
    assert 'method="post"' in form and f'action="{reverse("accounts:logout")}"' in form


def test_anonymous_pages_have_no_log_out_button(client):
    assert 'class="ww-logout"' not in client.get(reverse("core:home")).content.decode()


def test_log_out_ends_the_session(member_client, team):
    response = member_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    again = member_client.get(reverse("gezinsplan:detail", kwargs={"gezinsplan_id": team.gezinsplan.pk}))
    assert again.status_code == 302 and reverse("accounts:login") in again["Location"]
    assert member_client.get(reverse("accounts:logout")).status_code == 405  # never by a GET (prefetch, crawler)
