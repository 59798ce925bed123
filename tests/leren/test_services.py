"""Leren's services and selectors: need-to-know, the detector on every write, tracking agreements to done,
the agenda and the reflection."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.leren import policy, selectors, services
from wegwijzer.leren.models import Discussion, Improvement, Judgement, NetworkMember
from wegwijzer.leren.vision import MAIN_THEME_CODES, VisionError, parse, vision

from .factories import professional


def test_vision_has_four_main_themes_with_sources_and_is_marked_to_confirm():
    v = vision()
    assert tuple(m.code for m in v.main_themes) == MAIN_THEME_CODES
    assert all(m.source.startswith("§4.") and m.themes for m in v.main_themes)
    assert v.status == "te-bevestigen-door-gemeente"
    assert vision() is v  # cached


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"main_themes": []},
        {"main_themes": [{"code": "klant-centraal", "label": "K", "source": "§4.2.1", "themes": []}]},
    ],
)
def test_a_broken_vision_fails_loudly(data):
    with pytest.raises(VisionError):
        parse(data)


def test_a_case_with_personal_data_is_refused_naming_the_finding_and_nothing_is_stored(net):
    for text, named in [
        ("Moeder heeft BSN 111222333.", "BSN"),
        ("Mail: ouder@voorbeeld.nl", "e-mailadres"),
        ("Bram Kok zag het eerst.", "naam"),  # a member's name
        ("Het gezin Zonnebloem kwam laat.", "Zonnebloem"),  # the plan's label, from where the case came
    ]:
        with pytest.raises(ValidationError) as exc:
            services.discussion_create(
                actor=net.member, context=None, meeting=net.meeting, description=text, names=["Gezin Zonnebloem"]
            )
        assert named in exc.value.message_dict["description"][0]
    assert Discussion.objects.count() == 0


def test_non_members_are_refused_as_not_found(net):
    for user in (net.outsider, net.admin):
        with pytest.raises(policy.NotAMember):
            services.discussion_create(actor=user, context=None, meeting=net.meeting, description="Casus")
        with pytest.raises(policy.NotAMember):
            selectors.network_get(user, net.network.pk)
        with pytest.raises(policy.NotAMember):
            selectors.meeting_get(user, net.meeting.pk)
        assert list(selectors.networks_for_user(user)) == []
    assert AccessLogEntry.objects.filter(outcome="denied", object_type="leren-network").count() == 2


def test_only_the_chair_plans_meetings_and_adds_members(net):
    with pytest.raises(policy.NotChairError):
        services.meeting_create(actor=net.member, context=None, network=net.network, title="X", starts_at=timezone.now())
    with pytest.raises(policy.NotChairError):
        services.network_member_add(actor=net.member, context=None, network=net.network, username=net.outsider.username)


def _discussion(net, meeting=None):
    return services.discussion_create(
        actor=net.member, context=None, meeting=meeting or net.meeting,
        description="Een moeder met somberheid na de bevalling; de JGZ en de huisarts wisten het van elkaar niet.",
        phase="zwangerschap", concerns=[],
    )


def test_the_four_steps_two_agreements_and_the_next_agenda(net):
    d = _discussion(net)
    services.discussion_update(actor=net.member, context=None, discussion=d, presentation="Casus gepresenteerd.",
                               lessons="Eerder samen overleggen.")
    services.assessment_record(actor=net.member, context=None, discussion=d, items=[
        {"theme": "communicatie-informatie", "judgement": "kon-beter", "explanation": "Informatie kwam laat."},
        {"theme": "medezeggenschap", "judgement": "ging-goed", "explanation": ""},
    ])
    today = timezone.localdate()
    done = services.improvement_create(actor=net.member, context=None, discussion=d, what="Vast overlegmoment",
                                       owner_username=net.chair.username, due_date=today + dt.timedelta(days=10),
                                       theme="communicatie-informatie")
    late = services.improvement_create(actor=net.member, context=None, discussion=d, what="Sociale kaart bijwerken",
                                       owner_username=net.member.username, due_date=today - dt.timedelta(days=3),
                                       theme="expertise")
    services.improvement_update(actor=net.chair, context=None, improvement=done, status="gedaan", note="Staat.")
    done.refresh_from_db()
    assert done.status == "gedaan" and done.done_at is not None
    assert late.is_overdue()
    nxt = services.meeting_create(actor=net.chair, context=None, network=net.network, title="Volgende",
                                  starts_at=timezone.now() + dt.timedelta(days=20))
    assert list(selectors.agenda_improvements(nxt)) == [late]
    assert list(selectors.improvements_owned(net.member)) == [late]
    r = selectors.reflection(net.network, start=today - dt.timedelta(days=60), end=today)
    groups = {g.code: g for g in r.groups}
    assert list(groups) == list(MAIN_THEME_CODES)
    assert groups["professionele-afstemming"].kon_beter == 1
    assert groups["klant-centraal"].counts[Judgement.Value.GOOD] == 1
    assert groups["randvoorwaarden"].improvements == [late]
    assert [x.pk for x in r.lessons] == [d.pk]


def test_improvement_bad_input_is_per_field_and_nothing_stored(net):
    d = _discussion(net)
    with pytest.raises(ValidationError) as exc:
        services.improvement_create(actor=net.member, context=None, discussion=d, what="Iets",
                                    owner_username=net.outsider.username,
                                    due_date=timezone.localdate() + dt.timedelta(days=5000), theme="onbekend")
    assert set(exc.value.message_dict) == {"owner", "due_date", "theme"}
    assert Improvement.objects.count() == 0
    with pytest.raises(ValidationError):
        services.assessment_record(actor=net.member, context=None, discussion=d,
                                   items=[{"theme": "expertise", "judgement": "super"}])
    assert Judgement.objects.count() == 0


def test_at_most_two_discussions_per_meeting(net):
    _discussion(net)
    _discussion(net)
    with pytest.raises(ValidationError):
        _discussion(net)


def test_cli_creates_a_network_and_adds_members(db):
    chair, other = professional("vz"), professional("lid")
    call_command("networks", "create", "gzn-noordwest", "--name", "GZN Noordwest", "--wijk", "noordwest",
                 "--chair", chair.username)
    call_command("networks", "add", "gzn-noordwest", other.username)
    network = selectors.network_by_slug("gzn-noordwest")
    assert network.chair == chair and network.wijk == "noordwest"
    assert set(NetworkMember.objects.filter(network=network).values_list("user__username", "role")) == {
        (chair.username, "voorzitter"), (other.username, "lid")}
    with pytest.raises(CommandError, match="al lid"):
        call_command("networks", "add", "gzn-noordwest", other.username)
    with pytest.raises(CommandError, match="Geen netwerk"):
        call_command("networks", "add", "bestaat-niet", other.username)
    with pytest.raises(CommandError, match="wijk"):
        call_command("networks", "create", "x", "--name", "X", "--wijk", "mars", "--chair", chair.username)


def _map_record(slug, kind="netwerk"):
    from wegwijzer.socialmap.models import Organization

    return Organization.objects.create(slug=slug, name=f"Het {slug}", kind=kind)


def test_cli_links_a_network_to_its_social_map_record(db):
    chair = professional("vz")
    record = _map_record("geboortezorgnetwerk-zuid")
    _map_record("lokalis", kind="organisatie")
    call_command("networks", "create", "gzn-zuid", "--name", "GZN Zuid", "--chair", chair.username,
                 "--map-record", "geboortezorgnetwerk-zuid")
    assert selectors.network_by_slug("gzn-zuid").organization == record
    call_command("networks", "create", "gzn-zuid-2", "--name", "GZN Zuid 2", "--chair", chair.username,
                 "--map-record", str(record.pk))  # the record's id works as well as its code
    assert selectors.network_by_slug("gzn-zuid-2").organization == record
    for bad in ("bestaat-niet", "lokalis"):  # unknown, or an organisation rather than a network or team
        with pytest.raises(CommandError, match=f"sociale kaart met id of code '{bad}'"):
            call_command("networks", "create", f"x-{bad}", "--name", "X", "--chair", chair.username,
                         "--map-record", bad)
        assert selectors.network_by_slug(f"x-{bad}") is None
    call_command("networks", "create", "gzn-zonder", "--name", "Zonder", "--chair", chair.username)
    assert selectors.network_by_slug("gzn-zonder").organization is None


def test_a_member_with_open_agreements_cannot_be_removed_until_they_are_closed(net):
    d = _discussion(net)
    due = timezone.localdate() + dt.timedelta(days=7)
    busy = services.improvement_create(actor=net.chair, context=None, discussion=d, what="Folder maken",
                                       owner_username=net.member.username, due_date=due)
    services.improvement_update(actor=net.chair, context=None, improvement=busy, status="bezig")
    other = services.improvement_create(actor=net.chair, context=None, discussion=d, what="Overleg plannen",
                                        owner_username=net.member.username, due_date=due)
    with pytest.raises(ValidationError) as exc:
        services.network_member_remove(actor=net.chair, context=None, network=net.network, user=net.member)
    assert "nog eigenaar van 2 open verbeterafspraken" in exc.value.message_dict["username"][0]
    assert policy.is_member(net.member, net.network)
    services.improvement_update(actor=net.chair, context=None, improvement=busy, status="gedaan")
    with pytest.raises(ValidationError, match="1 open verbeterafspraak van"):
        services.network_member_remove(actor=net.chair, context=None, network=net.network, user=net.member)
    services.improvement_update(actor=net.chair, context=None, improvement=other, status="vervallen")
    services.network_member_remove(actor=net.chair, context=None, network=net.network, user=net.member)
    assert not policy.is_member(net.member, net.network)
    assert not Improvement.objects.filter(network=net.network, status__in=Improvement.OPEN_STATUSES).exclude(
        owner__leren_memberships__network=net.network).exists()  # no open agreement owned by a non-member
    with pytest.raises(ValidationError, match="voorzitter"):
        services.network_member_remove(actor=net.chair, context=None, network=net.network, user=net.chair)
