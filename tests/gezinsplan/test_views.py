"""Gezinsplan web pages: every page renders for a verified member, forms' error paths, escaping, handover."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.helpers import make_professional, verified_client
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.gezinsplan import services
from wegwijzer.gezinsplan.models import Agreement, Consent, Gezinsplan, Meeting, Membership, PlanSection

from .factories import membership

pytestmark = pytest.mark.django_db

ADVICE_QUERY = (
    "phase=zwangerschap&reporter=verloskundige&wijk=overvecht&concerns=jong-ouderschap&concerns=geen-netwerk"
)


def url(name, team=None, **kwargs):
    if team is not None:
        kwargs["gezinsplan_id"] = team.gezinsplan.pk
    return reverse(f"gezinsplan:{name}", kwargs=kwargs)


@pytest.fixture
def member_client(client, team):
    return verified_client(client, team.member)


def page_urls(team):
    c = team.gezinsplan
    decision = team.meeting.decisions.first()
    assert decision is not None
    return [
        reverse("gezinsplan:my-gezinsplannen"),
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
        f"{reverse('gezinsplan:new')}",
        f"{reverse('gezinsplan:new')}?{ADVICE_QUERY}",
    ] + [str(c.pk)[:0]] * 0


def test_every_page_renders_for_a_verified_member(member_client, team):
    for address in page_urls(team):
        response = member_client.get(address)
        assert response.status_code == 200, address
        body = response.content.decode()
        assert "<main" in body and 'lang="nl"' in body, address


def test_pages_use_the_case_label_and_write_a_read_entry(member_client, team):
    before = AccessLogEntry.objects.filter(gezinsplan_id=str(team.gezinsplan.pk), action="read").count()
    response = member_client.get(url("detail", team))
    assert "Gezin Zonnebloem" in response.content.decode()
    after = AccessLogEntry.objects.filter(gezinsplan_id=str(team.gezinsplan.pk), action="read").count()
    assert after == before + 1


def test_csp_header_is_set(member_client, team):
    response = member_client.get(url("detail", team))
    assert "script-src" in response.headers.get("Content-Security-Policy", "")


# ---- two-factor ----


def test_logged_in_without_second_factor_is_sent_to_otp(client, team):
    client.force_login(team.member)  # password only: no verified device in the session
    response = client.get(url("detail", team))
    assert response.status_code == 302
    assert "/account/tweestapsverificatie/" in response["Location"]
    response = client.get(reverse("gezinsplan:my-gezinsplannen"))
    assert response.status_code == 302 and "tweestapsverificatie" in response["Location"]


def test_anonymous_is_sent_to_login(client, team):
    response = client.get(url("detail", team))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# ---- new plan ----


def test_start_from_route_advice_stores_situation_and_makes_creator_member(client):
    pro = make_professional("verlos", role="verloskundige", organization_slug="verloskundigen-overvecht")
    verified_client(client, pro)
    response = client.get(f"{reverse('gezinsplan:new')}?{ADVICE_QUERY}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Zwangerschap" in body or "zwangerschap" in body
    response = client.post(f"{reverse('gezinsplan:new')}?{ADVICE_QUERY}", {"label": "Gezin Linde"})
    assert response.status_code == 302
    gezinsplan = Gezinsplan.objects.get(label="Gezin Linde")
    assert response["Location"] == reverse("gezinsplan:detail", kwargs={"gezinsplan_id": gezinsplan.pk})
    assert gezinsplan.phase == "zwangerschap" and gezinsplan.wijk == "overvecht"
    assert gezinsplan.advice_snapshot["situation"]["concerns"] == ["geen-netwerk", "jong-ouderschap"]
    assert Membership.objects.current().filter(gezinsplan=gezinsplan, user=pro).exists()
    assert client.get(response["Location"]).status_code == 200


def test_start_without_advice_offers_phase_and_wijk(client):
    pro = make_professional("jgz1", role="jgz")
    verified_client(client, pro)
    body = client.get(reverse("gezinsplan:new")).content.decode()
    assert 'name="phase"' in body and 'name="wijk"' in body
    response = client.post(
        reverse("gezinsplan:new"), {"label": "Gezin Eik", "phase": "kraamperiode", "wijk": "zuid"}
    )
    assert response.status_code == 302
    assert Gezinsplan.objects.get(label="Gezin Eik").wijk == "zuid"


@pytest.mark.parametrize(
    "data, field_text",
    [
        ({"label": ""}, "verplicht"),
        ({"label": "Gezin 123456789"}, "BSN"),
        ({"label": "x" * 101}, "100"),
        ({"label": "Gezin Es", "contact_email": "geen-mail"}, "e-mailadres"),
        ({"label": "Gezin Es", "wijk": "atlantis"}, "geldige keuze"),
    ],
)
def test_new_plan_bad_input_is_400_with_error_and_nothing_stored(client, data, field_text):
    pro = make_professional("jgz2", role="jgz")
    verified_client(client, pro)
    response = client.post(reverse("gezinsplan:new"), data)
    assert response.status_code == 400
    assert field_text in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert Gezinsplan.objects.count() == 0


def test_new_plan_with_broken_situation_stores_nothing(client):
    pro = make_professional("jgz3", role="jgz")
    verified_client(client, pro)
    response = client.post(f"{reverse('gezinsplan:new')}?phase=maanfase&reporter=jgz", {"label": "Gezin Wilg"})
    assert response.status_code == 400
    assert "routewijzer" in response.content.decode()
    assert Gezinsplan.objects.count() == 0


def test_staff_cannot_start_a_plan(client, team):
    verified_client(client, team.policy)
    assert client.get(reverse("gezinsplan:new")).status_code == 403
    assert client.post(reverse("gezinsplan:new"), {"label": "Gezin Beuk"}).status_code == 403
    assert not Gezinsplan.objects.filter(label="Gezin Beuk").exists()


# ---- the five steps ----


def test_save_step_and_see_history(member_client, team):
    response = member_client.post(
        url("step", team, step=1),
        {"content": "Ouders willen rust", "considerations": "Eerst netwerk", "version": 0},
    )
    assert response.status_code == 302
    section = PlanSection.objects.get(gezinsplan=team.gezinsplan, step=1)
    assert section.version == 1 and section.author == team.member
    body = member_client.get(url("step", team, step=1)).content.decode()
    assert "Ouders willen rust" in body and "Eerst netwerk" in body
    assert "Geschiedenis" in body and str(team.member) in body
    assert 'name="version" value="1"' in body


def test_conflict_shows_both_versions_and_keeps_my_text(client, team):
    from django.test import Client

    other = verified_client(Client(), team.colleague)
    me = verified_client(client, team.member)
    assert (
        other.post(
            url("step", team, step=2), {"content": "Versie van collega", "considerations": "", "version": 0}
        ).status_code
        == 302
    )
    response = me.post(
        url("step", team, step=2),
        {"content": "Mijn eigen tekst", "considerations": "Mijn afweging", "version": 0},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Iemand anders heeft deze stap intussen opgeslagen" in body
    assert body.count("Versie van collega") >= 1
    assert "Mijn eigen tekst" in body and "Mijn afweging" in body
    # my text is still in the form, now against the newest version, so a second save succeeds
    assert ">\nMijn eigen tekst</textarea>" in body
    assert 'name="version" value="1"' in body
    assert PlanSection.objects.get(gezinsplan=team.gezinsplan, step=2).content == "Versie van collega"
    response = me.post(
        url("step", team, step=2),
        {"content": "Samengevoegd", "considerations": "Mijn afweging", "version": 1},
    )
    assert response.status_code == 302
    assert PlanSection.objects.get(gezinsplan=team.gezinsplan, step=2).content == "Samengevoegd"


def test_script_in_text_is_escaped_everywhere(member_client, team):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    member_client.post(url("step", team, step=3), {"content": script, "considerations": script, "version": 0})
    member_client.post(url("agreements", team), {"what": script})
    member_client.post(url("consent", team), {"what": script, "with_whom": script, "given_on": "2026-01-01"})
    for address in (
        url("step", team, step=3),
        url("agreements", team),
        url("consent", team),
        url("print", team),
        url("detail", team),
        url("timeline", team),
    ):
        body = member_client.get(address).content.decode()
        assert "<script>alert" not in body, address
        assert "<img src=x" not in body, address
    assert "&lt;script&gt;alert" in member_client.get(url("step", team, step=3)).content.decode()


def test_oversized_step_text_is_400_and_nothing_stored(member_client, team):
    response = member_client.post(
        url("step", team, step=4), {"content": "x" * 10_001, "considerations": "", "version": 0}
    )
    assert response.status_code == 400
    assert "10000" in response.content.decode().replace(".", "")
    assert PlanSection.objects.get(gezinsplan=team.gezinsplan, step=4).version == 0


def test_unknown_step_is_404(member_client, team):
    assert member_client.get(url("step", team, step=6)).status_code == 404
    assert (
        member_client.post(
            url("step", team, step=0), {"content": "", "considerations": "", "version": 0}
        ).status_code
        == 404
    )


# ---- team ----


def test_add_member_by_username(member_client, team):
    response = member_client.post(url("team", team), {"username": team.other.username, "role": ""})
    assert response.status_code == 302
    m = Membership.objects.current().get(gezinsplan=team.gezinsplan, user=team.other)
    assert m.role == team.other.role
    body = member_client.get(url("team", team)).content.decode()
    assert team.other.username in body


@pytest.mark.parametrize(
    "data, message",
    [
        ({"username": "bestaat-niet"}, "Er is geen professional met deze gebruikersnaam."),
        ({"username": "", "role": ""}, "verplicht"),
        ({"username": "x", "role": "astronaut"}, "geldige keuze"),
        ({"username": "x", "valid_to": "2020-01-01"}, "na vandaag"),
        ({"username": "x", "valid_to": "31-31-2026"}, "geldige datum"),
    ],
)
def test_add_member_errors(member_client, team, data, message):
    count = Membership.objects.filter(gezinsplan=team.gezinsplan).count()
    response = member_client.post(url("team", team), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Membership.objects.filter(gezinsplan=team.gezinsplan).count() == count


def test_add_staff_or_existing_member_is_refused(member_client, team):
    for username in (team.policy.username, team.admin.username, team.colleague.username):
        response = member_client.post(url("team", team), {"username": username})
        assert response.status_code == 400, username


def test_remove_member(member_client, team):
    m = membership(team.gezinsplan, team.colleague)
    response = member_client.post(url("team-remove", team, membership_id=m.pk))
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.valid_to is not None
    assert member_client.get(url("team-remove", team, membership_id=m.pk)).status_code == 405


def test_last_member_cannot_leave(client, team):
    m_colleague = membership(team.gezinsplan, team.colleague)
    services.member_remove(actor=team.member, gezinsplan=team.gezinsplan, membership=m_colleague)
    verified_client(client, team.member)
    mine = membership(team.gezinsplan, team.member)
    response = client.post(url("team-remove", team, membership_id=mine.pk), follow=True)
    assert "laatste teamlid" in response.content.decode()
    mine.refresh_from_db()
    assert mine.valid_to is None


# ---- regie ----


def test_regie_set_and_errors(member_client, team):
    response = member_client.post(url("regie", team), {"lead": "member", "version": 0})
    assert response.status_code == 400
    assert "Kies welk teamlid de regie heeft." in response.content.decode()
    response = member_client.post(url("regie", team), {"lead": "ouders", "version": 0})
    assert response.status_code == 400 and "ondersteunt" in response.content.decode()
    m = membership(team.gezinsplan, team.colleague)
    response = member_client.post(
        url("regie", team),
        {
            "lead": "member",
            "lead_member": str(m.pk),
            "records_member": str(m.pk),
            "informs_text": "JGZ belt huisarts",
            "version": 0,
        },
    )
    assert response.status_code == 302
    team.gezinsplan.regie.refresh_from_db()
    assert team.gezinsplan.regie.lead_member == m
    assert str(team.colleague) in member_client.get(url("detail", team)).content.decode()


# ---- agreements ----


def test_agreement_create_update_and_overdue_highlight(member_client, team):
    Gezinsplan.objects.filter(pk=team.gezinsplan.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    m = membership(team.gezinsplan, team.member)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = member_client.post(
        url("agreements", team),
        {"what": "Kraamzorg regelen", "owner": str(m.pk), "due_date": yesterday.isoformat()},
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get(what="Kraamzorg regelen")
    body = member_client.get(url("agreements", team)).content.decode()
    assert "ww-overdue" in body and "Te laat" in body
    mine = member_client.get(reverse("gezinsplan:my-gezinsplannen")).content.decode()
    assert "Kraamzorg regelen" in mine and "Te laat" in mine
    response = member_client.post(
        url("agreement-update", team, agreement_id=agreement.pk), {f"a-{agreement.pk}-status": "done"}
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "done"
    assert "Kraamzorg regelen" not in member_client.get(reverse("gezinsplan:my-gezinsplannen")).content.decode()


def test_agreement_due_before_plan_start_is_refused(member_client, team):
    response = member_client.post(url("agreements", team), {"what": "Te vroeg", "due_date": "2001-01-01"})
    assert response.status_code == 400
    assert "vóór de start" in response.content.decode()
    assert not Agreement.objects.filter(what="Te vroeg").exists()


def test_agreement_bad_status_and_owner(member_client, team):
    response = member_client.post(
        url("agreement-update", team, agreement_id=team.agreement.pk),
        {f"a-{team.agreement.pk}-status": "kwijt"},
        follow=True,
    )
    assert "Kies een geldige status." in response.content.decode()
    team.agreement.refresh_from_db()
    assert team.agreement.status == "open"
    response = member_client.post(url("agreements", team), {"what": "Iets", "owner": "not-a-member"})
    assert response.status_code == 400


# ---- consent ----


def test_consent_record_withdraw_and_dates_in_wrong_order(member_client, team):
    today = timezone.localdate()
    response = member_client.post(
        url("consent", team),
        {
            "what": "Groeicurve",
            "with_whom": "Huisarts",
            "given_on": (today + dt.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 400 and "toekomst" in response.content.decode()
    response = member_client.post(
        url("consent", team), {"what": "Groeicurve", "with_whom": "Huisarts", "given_on": today.isoformat()}
    )
    assert response.status_code == 302
    consent = Consent.objects.get(what="Groeicurve")
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    response = member_client.post(
        url("consent-withdraw", team, consent_id=consent.pk),
        {f"c-{consent.pk}-withdrawn_on": yesterday},
        follow=True,
    )
    assert "vóór de datum van toestemming" in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    member_client.post(url("consent-withdraw", team, consent_id=consent.pk), {})
    consent.refresh_from_db()
    assert consent.withdrawn_on == today
    assert "Ingetrokken" in member_client.get(url("consent", team)).content.decode()


# ---- MDO ----


def test_plan_mdo_minutes_decisions_to_agreements_and_ics(member_client, team):
    m = membership(team.gezinsplan, team.colleague)
    day = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    response = member_client.post(
        url("meetings", team),
        {
            "date": day,
            "time": "14:30",
            "duration_minutes": 90,
            "location": "Wijkbureau",
            "participants": [str(m.pk)],
            "family_participates": "on",
            "decisions": "Buurtteam start gezinsondersteuning\nJGZ extra consult",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(location="Wijkbureau")
    assert meeting.family_participates and list(meeting.participants.all()) == [m]
    assert meeting.decisions.count() == 2
    page = member_client.get(response["Location"]).content.decode()
    assert "JGZ extra consult" in page and "het gezin" in page
    ics = member_client.get(url("meeting-ics", team, meeting_id=meeting.pk))
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in ics.content and team.gezinsplan.label.encode() not in ics.content
    decision = meeting.decisions.first()
    response = member_client.post(
        url("meeting", team, meeting_id=meeting.pk),
        {"decision": decision.pk, "owner": str(m.pk), "due_date": day},
    )
    assert response.status_code == 302
    assert Agreement.objects.get(from_decision=decision).owner == m
    response = member_client.post(
        url("meeting", team, meeting_id=meeting.pk), {"decision": decision.pk, "owner": str(m.pk)}
    )
    assert response.status_code == 400 and "al een afspraak" in response.content.decode()
    response = member_client.post(
        url("meeting", team, meeting_id=meeting.pk),
        {"minutes": "Goed overleg", "decisions": "Nog een besluit"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Goed overleg" and meeting.decisions.count() == 3


@pytest.mark.parametrize(
    "data, message",
    [
        ({"date": "", "time": "10:00", "duration_minutes": 60}, "verplicht"),
        ({"date": "2026-02-30", "time": "10:00", "duration_minutes": 60}, "geldige datum"),
        ({"date": "2026-12-01", "time": "25:00", "duration_minutes": 60}, "geldige tijd"),
        ({"date": "2026-12-01", "time": "10:00", "duration_minutes": 1}, "5"),
        (
            {"date": "2026-12-01", "time": "10:00", "duration_minutes": 60, "participants": ["x"]},
            "geldige keuze",
        ),
        ({"date": "2026-12-01", "time": "10:00", "duration_minutes": 60, "decisions": "y" * 2001}, "2000"),
    ],
)
def test_mdo_bad_input(member_client, team, data, message):
    count = Meeting.objects.count()
    response = member_client.post(url("meetings", team), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Meeting.objects.count() == count


# ---- handover ----


def test_handover_ends_the_leavers_access(client, team):
    verified_client(client, team.member)
    mine = membership(team.gezinsplan, team.member)
    successor = membership(team.gezinsplan, team.colleague)
    response = client.post(
        url("handover", team),
        {
            "leaving": str(mine.pk),
            "successor": str(successor.pk),
            "note": "Alles besproken",
            "family_informed": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("gezinsplan:my-gezinsplannen")
    page = client.get(response["Location"]).content.decode()
    assert "geen lid meer" in page
    assert team.gezinsplan.label not in page.split("Open gezinsplannen")[1]
    assert client.get(url("detail", team)).status_code == 404
    from django.test import Client

    successor_client = verified_client(Client(), team.colleague)
    body = successor_client.get(url("handover", team)).content.decode()
    assert "Alles besproken" in body and "gezin geïnformeerd" in body


def test_handover_to_new_username_adds_member(member_client, team):
    colleague_m = membership(team.gezinsplan, team.colleague)
    response = member_client.post(
        url("handover", team),
        {
            "leaving": str(colleague_m.pk),
            "successor_username": team.other.username,
            "note": "Over naar huisarts",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("team", team)
    assert Membership.objects.current().filter(gezinsplan=team.gezinsplan, user=team.other).exists()
    colleague_m.refresh_from_db()
    assert colleague_m.valid_to is not None


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"successor_username": "niemand-bekend"}, "Er is geen professional"),
        ({}, "Kies een opvolger"),
        ({"successor": "SELF"}, "iemand anders"),
        ({"note": ""}, "verplicht"),
    ],
)
def test_handover_errors_store_nothing(member_client, team, extra, message):
    mine = membership(team.gezinsplan, team.member)
    data = {"leaving": str(mine.pk), "note": "Notitie"}
    data.update(extra)
    if data.get("successor") == "SELF":
        data["successor"] = str(mine.pk)
    count = Membership.objects.filter(gezinsplan=team.gezinsplan).count()
    handovers = team.gezinsplan.handovers.count()
    response = member_client.post(url("handover", team), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert team.gezinsplan.handovers.count() == handovers
    assert Membership.objects.filter(gezinsplan=team.gezinsplan).count() == count
    mine.refresh_from_db()
    assert mine.valid_to is None


# ---- feedback ----


def test_feedback_sends_mail(member_client, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            url("feedback", team),
            {"recipient_role": "huisarts", "recipient_email": "ha@example.org", "message": "Graag uw blik"},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ha@example.org"]
    assert team.gezinsplan.label not in mail.outbox[0].body
    assert "Graag uw blik" in member_client.get(url("feedback", team)).content.decode()


def test_feedback_errors(member_client, team):
    response = member_client.post(
        url("feedback", team), {"recipient_role": "tandarts", "recipient_email": "nee", "message": ""}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "geldige keuze" in body and "e-mailadres" in body and "verplicht" in body
    assert len(mail.outbox) == 0 and team.gezinsplan.feedback.count() == 0


# ---- log, print, export, close ----


def test_audit_page_lists_the_case_log(member_client, team):
    member_client.get(url("detail", team))
    body = member_client.get(url("audit", team)).content.decode()
    assert team.member.username in body and "ingezien" in body


def test_print_and_fhir_export_are_logged(member_client, team):
    response = member_client.get(url("print", team))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Gezinsplan Gezin Zonnebloem" in body and "gezinsplan/print.css" in body
    response = member_client.get(url("export-fhir", team))
    assert response["Content-Type"].startswith("application/fhir+json")
    assert "attachment" in response["Content-Disposition"]
    import json

    bundle = json.loads(response.content)
    assert bundle["resourceType"] == "Bundle"
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"CarePlan", "CareTeam", "Consent"} <= kinds
    exports = AccessLogEntry.objects.filter(gezinsplan_id=str(team.gezinsplan.pk), action="export")
    assert set(exports.values_list("object_type", flat=True)) >= {"print", "fhir"}


def test_close_requires_confirmation_then_plan_is_read_only(member_client, team):
    assert member_client.post(url("close", team), {}).status_code == 400
    assert member_client.post(url("close", team), {"confirm": "on"}).status_code == 302
    team.gezinsplan.refresh_from_db()
    assert not team.gezinsplan.is_open
    body = member_client.get(url("step", team, step=1)).content.decode()
    assert "gesloten" in body and "Stap opslaan" not in body
    response = member_client.post(
        url("step", team, step=1), {"content": "Te laat", "considerations": "", "version": 0}
    )
    assert response.status_code == 302
    assert PlanSection.objects.get(gezinsplan=team.gezinsplan, step=1).content == ""
    assert "gesloten" in member_client.get(response["Location"]).content.decode()


def test_missing_csrf_token_is_a_dutch_403_and_nothing_stored(team):
    from django.test import Client

    strict = verified_client(Client(enforce_csrf_checks=True), team.member)
    response = strict.post(url("agreements", team), {"what": "Zonder token"})
    assert response.status_code == 403
    assert "CSRF-controle" in response.content.decode()
    assert not Agreement.objects.filter(what="Zonder token").exists()


def test_post_only_routes_refuse_get(member_client, team):
    assert member_client.get(url("agreement-update", team, agreement_id=team.agreement.pk)).status_code == 405
    assert member_client.get(url("consent-withdraw", team, consent_id=team.consent.pk)).status_code == 405


def test_feedback_mail_failure_stores_the_feedback_and_shows_it(
    member_client, team, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(self, fail_silently=False):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    logged = AccessLogEntry.objects.filter(gezinsplan_id=str(team.gezinsplan.pk), object_type="feedback")
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            url("feedback", team),
            {"recipient_role": "jgz", "recipient_email": "jgz@example.org", "message": "Hallo"},
        )
    assert response.status_code == 302
    [feedback] = team.gezinsplan.feedback.all()
    assert feedback.mail_status == "failed"
    assert list(logged.values_list("action", "detail")) == [("create", "aan=jgz")]
    assert "Versturen mislukt" in member_client.get(url("feedback", team)).content.decode()
