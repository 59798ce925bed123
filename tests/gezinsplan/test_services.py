"""Services: every change validated, logged, and atomic."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from wegwijzer.audit.context import AccessContext
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.gezinsplan import policy, selectors, services
from wegwijzer.gezinsplan.models import Agreement, Consent, Gezinsplan, Membership, PlanSection, Regie

from .factories import make_case, membership, professional

pytestmark = pytest.mark.django_db


def actions(gezinsplan) -> list[str]:
    return list(
        AccessLogEntry.objects.filter(gezinsplan_id=str(gezinsplan.pk))
        .order_by("occurred_at", "id")
        .values_list("action", flat=True)
    )


def test_create_makes_creator_member_five_steps_and_logs():
    alice = professional("alice", role="verloskundige", organization_slug="verloskundigen-oost")
    gezinsplan = make_case(alice, label="Gezin Merel")
    m = membership(gezinsplan, alice)
    assert (m.role, m.organization_slug) == ("verloskundige", "verloskundigen-oost")
    assert [s.step for s in PlanSection.objects.filter(gezinsplan=gezinsplan)] == [1, 2, 3, 4, 5]
    assert Regie.objects.filter(gezinsplan=gezinsplan).exists()
    assert actions(gezinsplan) == ["create"]
    assert len(str(gezinsplan.pk)) == 36


@pytest.mark.parametrize("label", ["123456789", "Gezin 1234.56.789", "bsn 123 456 789"])
def test_label_rejects_bsn_like_numbers(label):
    with pytest.raises(ValidationError) as exc:
        make_case(label=label)
    assert "label" in exc.value.message_dict
    assert Gezinsplan.objects.count() == 0


def test_unknown_codes_and_oversized_label_are_rejected():
    with pytest.raises(ValidationError) as exc:
        make_case(phase="zomer", wijk="mars")
    assert set(exc.value.message_dict) == {"phase", "wijk"}
    with pytest.raises(ValidationError) as exc:
        make_case(label="x" * 101)
    assert "label" in exc.value.message_dict


def test_staff_and_superusers_cannot_create(team):
    for user in (team.admin, team.policy, team.editor):
        with pytest.raises(policy.NotProfessionalError):
            services.gezinsplan_create(actor=user, label="Gezin X")


def test_gezinsplan_from_advice_keeps_snapshot_and_version():
    alice = professional()
    situation = {"phase": "kraamperiode", "wijk": "oost", "reporter": "verloskundige", "concerns": []}
    advice = {"involve": ["jgz"], "content_version": "2026.1-abc"}
    gezinsplan = services.gezinsplan_from_advice(actor=alice, label="Gezin Vink", situation=situation, advice=advice)
    assert (gezinsplan.phase, gezinsplan.wijk, gezinsplan.content_version) == ("kraamperiode", "oost", "2026.1-abc")
    assert gezinsplan.advice_snapshot["advice"]["involve"] == ["jgz"]


def test_member_add_requires_existing_professional(team):
    with pytest.raises(ValidationError) as exc:
        services.member_add(actor=team.member, gezinsplan=team.gezinsplan, username="bestaat-niet")
    assert "username" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.member_add(actor=team.member, gezinsplan=team.gezinsplan, username=team.policy.username)
    with pytest.raises(ValidationError):
        services.member_add(actor=team.member, gezinsplan=team.gezinsplan, username=team.admin.username)
    with pytest.raises(ValidationError) as exc:
        services.member_add(
            actor=team.member, gezinsplan=team.gezinsplan, username=team.other.username, role="toverfee"
        )
    assert "role" in exc.value.message_dict


def test_member_add_rejects_period_in_wrong_order(team):
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        services.member_add(
            actor=team.member,
            gezinsplan=team.gezinsplan,
            username=team.other.username,
            valid_from=now,
            valid_to=now - dt.timedelta(days=1),
        )
    assert "valid_to" in exc.value.message_dict


def test_non_members_cannot_change(team):
    for outsider in (team.other, team.former, team.admin, team.policy):
        with pytest.raises(policy.NotAMember):
            services.member_add(actor=outsider, gezinsplan=team.gezinsplan, username=team.other.username)
        with pytest.raises(policy.NotAMember):
            services.agreement_create(actor=outsider, gezinsplan=team.gezinsplan, what="x")


def test_a_refusal_is_a_domain_error_carrying_its_denied_entry(team):
    context = AccessContext(client_address="192.0.2.44", method="PATCH")
    with pytest.raises(policy.NotAMember) as exc:
        selectors.gezinsplan_get_for_user(team.other, team.gezinsplan.pk, context=context)
    assert isinstance(exc.value, LookupError) and str(exc.value) == "Gezinsplan niet gevonden."
    entry = exc.value.access_log
    assert entry is not None and entry["context"] is context and entry["action"] == AccessLogEntry.Action.UPDATE
    logged = AccessLogEntry.objects.get(gezinsplan_id=str(team.gezinsplan.pk), outcome="denied")
    assert (logged.client_address, logged.action, logged.username) == ("192.0.2.44", "update", team.other.username)
    # Without a context (the command line) nothing is logged, and an unknown id carries no entry either.
    with pytest.raises(policy.NotAMember) as exc:
        selectors.gezinsplan_get_for_user(team.other, team.gezinsplan.pk)
    assert exc.value.access_log is None
    with pytest.raises(policy.NotAMember) as exc:
        selectors.gezinsplan_get_for_user(team.member, "geen-uuid", context=context)
    assert exc.value.access_log is None
    assert AccessLogEntry.objects.filter(outcome="denied").count() == 1
    with pytest.raises(policy.NotFound):
        selectors.section_get(team.gezinsplan, 9)


def test_member_remove_ends_access_now(team):
    m = services.member_add(actor=team.member, gezinsplan=team.gezinsplan, username=team.other.username)
    assert policy.can(team.other, "view", team.gezinsplan)
    services.member_remove(actor=team.member, gezinsplan=team.gezinsplan, membership=m)
    assert not policy.can(team.other, "view", team.gezinsplan)
    assert "member_remove" in actions(team.gezinsplan)


def test_handover_ends_leaver_access_and_moves_regie(team):
    services.regie_set(
        actor=team.member,
        gezinsplan=team.gezinsplan,
        lead="member",
        expected_version=0,
        lead_member=membership(team.gezinsplan, team.member).pk,
        records_member=membership(team.gezinsplan, team.colleague).pk,
    )
    leaving = membership(team.gezinsplan, team.member)
    record = services.handover(
        actor=team.member,
        gezinsplan=team.gezinsplan,
        leaving=leaving,
        successor_username=team.other.username,
        note="Moeder wil liever 's ochtends gebeld worden",
        family_informed=True,
    )
    assert record.family_informed
    assert not policy.can(team.member, "view", team.gezinsplan)
    assert policy.can(team.other, "view", team.gezinsplan)
    regie = Regie.objects.get(gezinsplan=team.gezinsplan)
    assert regie.lead_member.user == team.other
    leaving.refresh_from_db()
    assert leaving.handed_over_to.user == team.other
    assert "handover" in actions(team.gezinsplan)


def test_regie_with_parents_needs_supporting_member(team):
    with pytest.raises(ValidationError) as exc:
        services.regie_set(actor=team.member, gezinsplan=team.gezinsplan, lead="ouders", expected_version=0)
    assert "support_member" in exc.value.message_dict
    regie = services.regie_set(
        actor=team.member,
        gezinsplan=team.gezinsplan,
        lead="ouders",
        expected_version=0,
        support_member=membership(team.gezinsplan, team.colleague).pk,
        informs_text="Buurtteam informeert huisarts en JGZ na elk MDO",
    )
    assert regie.lead == "ouders" and regie.lead_member is None
    with pytest.raises(ValidationError) as exc:
        services.regie_set(
            actor=team.member,
            gezinsplan=team.gezinsplan,
            lead="member",
            expected_version=1,
            lead_member=membership(team.gezinsplan, team.colleague).pk,
            monitors_member="not-an-id",
        )
    assert "monitors_member" in exc.value.message_dict


def test_plan_section_update_bumps_version_and_keeps_history(team):
    s1 = services.plan_section_update(
        actor=team.member,
        gezinsplan=team.gezinsplan,
        step=1,
        content="Vraag",
        considerations="Omdat",
        expected_version=0,
    )
    assert s1.version == 1 and s1.author == team.member
    s2 = services.plan_section_update(
        actor=team.colleague,
        gezinsplan=team.gezinsplan,
        step=1,
        content="Vraag 2",
        considerations="",
        expected_version=1,
    )
    assert s2.version == 2
    history = list(selectors.section_history(s2))
    assert [h.content for h in history[:2]] == ["Vraag 2", "Vraag"]
    assert history[0].history_user == team.colleague


def test_plan_section_rejects_oversized_text(team):
    with pytest.raises(ValidationError) as exc:
        services.plan_section_update(
            actor=team.member,
            gezinsplan=team.gezinsplan,
            step=2,
            content="x" * 10_001,
            considerations="",
            expected_version=0,
        )
    assert "content" in exc.value.message_dict
    assert PlanSection.objects.get(gezinsplan=team.gezinsplan, step=2).version == 0


def test_html_is_stored_as_text(team):
    s = services.plan_section_update(
        actor=team.member,
        gezinsplan=team.gezinsplan,
        step=3,
        content="<script>alert(1)</script>",
        considerations="",
        expected_version=0,
    )
    assert s.content == "<script>alert(1)</script>"


def test_agreement_due_date_not_before_case_start(team):
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(
            actor=team.member,
            gezinsplan=team.gezinsplan,
            what="Te vroeg",
            due_date=timezone.localdate() - dt.timedelta(days=400),
        )
    assert "due_date" in exc.value.message_dict


def test_agreement_owner_must_be_current_member(team):
    former = Membership.objects.get(gezinsplan=team.gezinsplan, user=team.former)
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(actor=team.member, gezinsplan=team.gezinsplan, what="x", owner=former.pk)
    assert "owner" in exc.value.message_dict
    a = services.agreement_update(actor=team.member, agreement=team.agreement, status="done")
    assert a.status == Agreement.Status.DONE
    with pytest.raises(ValidationError):
        services.agreement_update(actor=team.member, agreement=team.agreement, status="half")


def test_consent_withdraw_and_dates(team):
    with pytest.raises(ValidationError) as exc:
        services.consent_record(
            actor=team.member,
            gezinsplan=team.gezinsplan,
            what="x",
            with_whom="y",
            given_on=timezone.localdate() + dt.timedelta(days=2),
        )
    assert "given_on" in exc.value.message_dict
    consent = services.consent_withdraw(actor=team.colleague, consent=team.consent)
    assert consent.withdrawn_by == team.colleague and not consent.is_active
    with pytest.raises(ValidationError):
        services.consent_withdraw(actor=team.colleague, consent=Consent.objects.get(pk=team.consent.pk))
    c2 = services.consent_record(
        actor=team.member, gezinsplan=team.gezinsplan, what="x", with_whom="y", given_on=timezone.localdate()
    )
    with pytest.raises(ValidationError) as exc:
        services.consent_withdraw(
            actor=team.member, consent=c2, withdrawn_on=timezone.localdate() - dt.timedelta(days=1)
        )
    assert "withdrawn_on" in exc.value.message_dict


def test_decisions_become_agreements(team):
    decision = team.meeting.decisions.get()
    [agreement] = services.decisions_to_agreements(
        actor=team.member,
        meeting=team.meeting,
        items=[
            {
                "decision": decision.pk,
                "owner": membership(team.gezinsplan, team.colleague).pk,
                "due_date": timezone.localdate(),
            }
        ],
    )
    assert agreement.from_meeting == team.meeting and agreement.what == decision.text
    with pytest.raises(ValidationError):
        services.decisions_to_agreements(
            actor=team.member, meeting=team.meeting, items=[{"decision": decision.pk}]
        )


def test_meeting_ical_parses(team):
    from icalendar import Calendar

    text = services.meeting_ical(team.meeting)
    cal = Calendar.from_ical(text)
    [event] = cal.walk("VEVENT")
    assert event.decoded("dtstart") == team.meeting.starts_at
    assert str(event["location"]) == "Buurtteam Overvecht"
    assert "het gezin" in str(event["description"])
    assert team.gezinsplan.label not in text


def test_feedback_sends_minimal_mail(team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        fb = services.feedback_send(
            actor=team.member,
            gezinsplan=team.gezinsplan,
            recipient_role="huisarts",
            recipient_email="ha@example.org",
            message="Buurtteam is betrokken.",
        )
    assert fb.pk
    [message] = mail.outbox
    assert message.to == ["ha@example.org"]
    assert "Buurtteam is betrokken." in message.body
    assert team.gezinsplan.label not in message.body + message.subject
    with pytest.raises(ValidationError) as exc:
        services.feedback_send(
            actor=team.member,
            gezinsplan=team.gezinsplan,
            recipient_role="tandarts",
            recipient_email="nope",
            message="x",
        )
    assert "recipient_role" in exc.value.message_dict


def test_closed_case_is_read_only_for_members(team):
    services.gezinsplan_close(actor=team.member, gezinsplan=team.gezinsplan)
    assert policy.can(team.member, "view", team.gezinsplan)
    with pytest.raises(policy.ClosedCaseError):
        services.agreement_create(actor=team.member, gezinsplan=team.gezinsplan, what="x")


def test_crash_midway_stores_nothing(monkeypatch):
    alice = professional()

    def boom(**kwargs):
        raise RuntimeError("crash")

    monkeypatch.setattr(services, "_log", lambda *a, **k: boom())
    with pytest.raises(RuntimeError):
        make_case(alice)
    assert Gezinsplan.objects.count() == 0
    assert Membership.objects.count() == 0
    assert PlanSection.objects.count() == 0


def test_crash_in_handover_keeps_leaver_member(team, monkeypatch):
    leaving = membership(team.gezinsplan, team.member)
    original = services._log

    def failing(request, actor, action, *args, **kwargs):
        if action == "handover":
            raise RuntimeError("crash")
        return original(request, actor, action, *args, **kwargs)

    monkeypatch.setattr(services, "_log", failing)
    with pytest.raises(RuntimeError):
        services.handover(
            actor=team.member,
            gezinsplan=team.gezinsplan,
            leaving=leaving,
            successor_username=team.other.username,
            note="n",
        )
    assert policy.can(team.member, "view", team.gezinsplan)
    assert not policy.can(team.other, "view", team.gezinsplan)
    assert not team.gezinsplan.handovers.exclude(leaving__user=team.former).exists()


def test_timeline_and_my_actions(team):
    kinds = {e["kind"] for e in selectors.gezinsplan_timeline(team.gezinsplan)}
    assert {"gezinsplan", "team", "afspraak", "toestemming", "mdo", "overdracht"} <= kinds
    services.agreement_update(actor=team.member, agreement=team.agreement, due_date=timezone.localdate())
    mine = selectors.my_actions(team.member, today=timezone.localdate() + dt.timedelta(days=1))
    assert mine == [team.agreement] and mine[0].is_overdue(timezone.localdate() + dt.timedelta(days=1))
    assert selectors.my_actions(team.other) == []


def test_gezinsplan_from_advice_runs_the_route_guide_when_no_advice_given():
    alice = professional()
    situation = {
        "phase": "zwangerschap",
        "reporter": "verloskundige",
        "wijk": "overvecht",
        "concerns": ["geen-netwerk"],
    }
    gezinsplan = services.gezinsplan_from_advice(actor=alice, label="Gezin Kievit", situation=situation)
    assert (
        gezinsplan.content_version and gezinsplan.content_version == gezinsplan.advice_snapshot["advice"]["content_version"]
    )
    assert gezinsplan.advice_snapshot["advice"]["involve"]
    with pytest.raises(ValidationError) as exc:
        services.gezinsplan_from_advice(actor=alice, label="Gezin Kievit", situation={"phase": "zomer"})
    assert any(key.startswith("situation.") for key in exc.value.message_dict)


def test_crash_while_turning_decisions_into_agreements_stores_none(team, monkeypatch):
    meeting = services.meeting_plan(
        actor=team.member,
        gezinsplan=team.gezinsplan,
        starts_at=timezone.now(),
        decisions=["Eerste besluit", "Tweede besluit"],
    )
    decisions = list(meeting.decisions.all())
    original = services.agreement_create
    calls = []

    def second_fails(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("crash")
        return original(**kwargs)

    monkeypatch.setattr(services, "agreement_create", second_fails)
    before = Agreement.objects.count()
    with pytest.raises(RuntimeError):
        services.decisions_to_agreements(
            actor=team.member, meeting=meeting, items=[{"decision": d.pk} for d in decisions]
        )
    assert Agreement.objects.count() == before


def test_regie_agreed_at_is_the_first_saved_regie(team):
    """inzicht's "time to agreed regie" ends at the first saved regie; a later change does not move it."""
    assert Regie.objects.get(gezinsplan=team.gezinsplan).agreed_at is None  # made with the plan, not agreed
    first = services.regie_set(actor=team.member, gezinsplan=team.gezinsplan, lead="member", expected_version=0,
                               lead_member=membership(team.gezinsplan, team.member).pk)
    assert first.agreed_at is not None and first.agreed_at == first.updated_at
    again = services.regie_set(actor=team.member, gezinsplan=team.gezinsplan, lead="member", expected_version=1,
                               lead_member=membership(team.gezinsplan, team.colleague).pk)
    assert again.updated_at > first.agreed_at
    assert Regie.objects.get(gezinsplan=team.gezinsplan).agreed_at == first.agreed_at
