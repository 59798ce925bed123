"""The leren pages through the Django test client: render for members, 404 for everyone else, the detector
stopping a case brought in from a gezinsplan, the four steps and the reflection."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.helpers import verified_client
from wegwijzer.gezinsplan import services as plan_services
from wegwijzer.leren import services
from wegwijzer.leren.models import Discussion, Improvement, Judgement
from wegwijzer.leren.vision import vision

pytestmark = pytest.mark.django_db


def _urls(net, discussion, improvement):
    return [
        ("get", reverse("leren:network", kwargs={"network_id": net.network.pk})),
        ("get", reverse("leren:reflection", kwargs={"network_id": net.network.pk})),
        ("get", reverse("leren:meeting", kwargs={"meeting_id": net.meeting.pk})),
        ("get", reverse("leren:meeting-ics", kwargs={"meeting_id": net.meeting.pk})),
        *[("get", reverse("leren:discussion", kwargs={"discussion_id": discussion.pk, "step": s})) for s in (1, 2, 3, 4)],
        ("post", reverse("leren:improvement-status", kwargs={"improvement_id": improvement.pk})),
    ]


@pytest.fixture
def filled(net):
    d = services.discussion_create(actor=net.member, context=None, meeting=net.meeting, description="Een zwangere vrouw zonder netwerk.")
    imp = services.improvement_create(
        actor=net.member, context=None, discussion=d, what="Warme overdracht afspreken", owner_username=net.member.username,
        due_date=timezone.localdate() - dt.timedelta(days=3),
    )
    return d, imp


def test_every_page_renders_for_a_member_and_is_404_for_an_outsider(client, net, filled):
    d, imp = filled
    urls = _urls(net, d, imp)
    verified_client(client, net.outsider)
    for method, url in urls:
        assert getattr(client, method)(url, {"status": "gedaan"}).status_code == 404, url
    imp.refresh_from_db()
    assert imp.status == Improvement.Status.OPEN
    verified_client(client, net.member)
    for _method, url in urls[:-1]:
        assert client.get(url).status_code == 200, url


def test_network_page_shows_members_next_meeting_and_open_agreements(client, net, filled):
    services.meeting_create(actor=net.chair, context=None, network=net.network, title="Volgende ronde",
                            starts_at=timezone.now() + dt.timedelta(days=14))
    verified_client(client, net.member)
    body = client.get(reverse("leren:network", kwargs={"network_id": net.network.pk})).content.decode()
    assert "Anna Visser" in body and "Bram Kok" in body
    assert "Volgende ronde" in body and "Warme overdracht afspreken" in body and "te laat" in body


def test_only_the_chair_finds_the_link_to_the_insight_figures_on_the_network_page(client, net):
    url = reverse("leren:network", kwargs={"network_id": net.network.pk})
    verified_client(client, net.member)
    assert 'href="/inzicht/"' not in client.get(url).content.decode()
    client.logout()
    verified_client(client, net.chair)
    assert 'href="/inzicht/"' in client.get(url).content.decode()
    assert client.get("/inzicht/").status_code == 200  # and it opens (their networks' learning figures)


def test_chair_plans_a_meeting_bad_date_is_400_and_keeps_input(client, net):
    verified_client(client, net.chair)
    url = reverse("leren:network", kwargs={"network_id": net.network.pk})
    r = client.post(url, {"title": "Ronde twee", "starts_at": "morgen"})
    assert r.status_code == 400 and "Vul een datum en tijd in" in r.content.decode() and "Ronde twee" in r.content.decode()
    r = client.post(url, {"title": "Ronde twee", "starts_at": "2026-12-20T14:00"})
    assert r.status_code == 302 and net.network.meetings.filter(title="Ronde twee").exists()


def test_member_cannot_plan_a_meeting(client, net):
    verified_client(client, net.member)
    r = client.post(reverse("leren:network", kwargs={"network_id": net.network.pk}), {"title": "X", "starts_at": "2026-12-20T14:00"})
    assert r.status_code == 400 and not net.network.meetings.filter(title="X").exists()


def test_case_from_a_gezinsplan_is_prefilled_and_stopped_until_personal_data_are_gone(client, net):
    plan = plan_services.gezinsplan_create(actor=net.member, context=None, label="Gezin Zonnebloem")
    verified_client(client, net.member)
    url = reverse("leren:meeting", kwargs={"meeting_id": net.meeting.pk})
    r = client.get(url, {"gezinsplan": str(plan.pk)})
    assert r.status_code == 200 and "Gezin Zonnebloem" in r.content.decode()
    r = client.post(url, {"gezinsplan": str(plan.pk), "description": "Gezin Zonnebloem, bel 06-12345678."})
    body = r.content.decode()
    assert r.status_code == 400 and "Er is niets opgeslagen" in body
    assert "Zonnebloem" in body.split("role=\"alert\"")[1].split("</div>")[0]  # the finding is named
    assert not Discussion.objects.exists()
    r = client.post(url, {"gezinsplan": str(plan.pk), "description": "Een gezin met een eerste kind, weinig netwerk."})
    assert r.status_code == 302
    d = Discussion.objects.get()
    assert str(plan.pk) not in " ".join(str(getattr(d, f.attname)) for f in Discussion._meta.concrete_fields)


def test_case_from_a_plan_the_member_cannot_see_is_404(client, net):
    plan = plan_services.gezinsplan_create(actor=net.outsider, context=None, label="Gezin Geheim")
    verified_client(client, net.member)
    r = client.get(reverse("leren:meeting", kwargs={"meeting_id": net.meeting.pk}), {"gezinsplan": str(plan.pk)})
    assert r.status_code == 404


def test_four_steps_and_reflection(client, net, filled):
    d, imp = filled
    verified_client(client, net.member)
    step = lambda n: reverse("leren:discussion", kwargs={"discussion_id": d.pk, "step": n})  # noqa: E731
    assert client.post(step(1), {"presentation": "Vraag: hoe eerder samenwerken?"}).status_code == 302
    theme = vision().themes[0]
    assert client.post(step(2), {f"j-{theme.code}": "kon-beter", f"e-{theme.code}": "Te laat betrokken."}).status_code == 302
    assert Judgement.objects.get(discussion=d).judgement == "kon-beter"
    r = client.post(step(3), {"lessons": "jan@example.nl weet het"})
    assert r.status_code == 400 and "e-mail" in r.content.decode().lower()
    assert client.post(step(3), {"lessons": "Eerder de JGZ betrekken."}).status_code == 302
    r = client.post(step(4), {"what": "Afspraak", "owner": net.outsider.username, "due_date": "2026-12-31"})
    assert r.status_code == 400 and "lid zijn van het netwerk" in r.content.decode()
    assert client.post(step(4), {"what": "Samen huisbezoek", "owner": net.chair.username,
                                 "due_date": str(timezone.localdate() + dt.timedelta(days=30)),
                                 "theme": theme.main_theme}).status_code == 302
    assert d.improvements.count() == 2
    r = client.post(reverse("leren:improvement-status", kwargs={"improvement_id": imp.pk}), {"status": "gedaan", "next": "//evil.example"})
    assert r.status_code == 302 and r["Location"].startswith("/leren/")
    imp.refresh_from_db()
    assert imp.status == "gedaan" and imp.done_at is not None
    body = client.get(reverse("leren:reflection", kwargs={"network_id": net.network.pk})).content.decode()
    for main in vision().main_themes:
        assert main.label in body
    assert "kon beter: 1" in body and "Eerder de JGZ betrekken." in body and "Samen huisbezoek" in body


def test_open_agreements_of_earlier_meetings_are_on_the_next_agenda(client, net, filled):
    _d, imp = filled
    later = services.meeting_create(actor=net.chair, context=None, network=net.network, title="Later",
                                    starts_at=timezone.now() + dt.timedelta(days=7))
    verified_client(client, net.member)
    body = client.get(reverse("leren:meeting", kwargs={"meeting_id": later.pk})).content.decode()
    assert imp.what in body and "te laat" in body


def test_ics_export(client, net):
    verified_client(client, net.member)
    r = client.get(reverse("leren:meeting-ics", kwargs={"meeting_id": net.meeting.pk}))
    assert r["Content-Type"].startswith("text/calendar")
    text = r.content.decode()
    assert "BEGIN:VEVENT" in text and "Casusbespreking" in text and "Wijkcentrum" in text


def test_network_page_links_to_its_social_map_record(client, net):
    from wegwijzer.socialmap.models import Organization

    record = Organization.objects.create(slug="geboortezorgnetwerk-overvecht", name="Het geboortezorgnetwerk in Overvecht",
                                         kind="netwerk")
    verified_client(client, net.member)
    url = reverse("leren:network", kwargs={"network_id": net.network.pk})
    assert "Op de sociale kaart" not in client.get(url).content.decode()
    net.network.organization = record
    net.network.save()
    body = client.get(url).content.decode()
    assert f'href="{reverse("socialmap:detail", kwargs={"slug": record.slug})}"' in body
    assert "Het geboortezorgnetwerk in Overvecht" in body
    assert client.get(reverse("socialmap:detail", kwargs={"slug": record.slug})).status_code == 200


def test_pages_under_en_are_english_and_errors_too(client, net, filled):
    from django.utils import translation

    d, imp = filled
    verified_client(client, net.member)
    try:
        network = client.get(f"/en/leren/netwerk/{net.network.pk}/").content.decode()
        assert '<html lang="en"' in network and "Reflection: everything per main theme" in network
        assert "Mark as done" in network and "Markeer als gedaan" not in network
        for english in ("Next meeting", "Open improvement agreements", "Members", "overdue"):
            assert english in network, english
        meeting = client.get(f"/en/leren/bijeenkomst/{net.meeting.pk}/").content.decode()
        assert "Open agreements from earlier meetings" in meeting and "Add to your calendar (.ics)" in meeting
        step = client.get(f"/en/leren/casus/{d.pk}/stap/2/").content.decode()
        assert "Step 2: test against the vision" in step and "Case and presentation" in step
        r = client.post(f"/en/leren/casus/{d.pk}/stap/4/", {"what": "X", "owner": net.outsider.username,
                                                            "due_date": "2026-12-31"})
        assert r.status_code == 400 and "The owner must be a member of the network." in r.content.decode()
        reflection = client.get(f"/en/leren/netwerk/{net.network.pk}/reflectie/").content.decode()
        assert "case discussions from" in reflection and "went well: 0" in reflection
        assert ">Reflection</h1>" in reflection and "No lessons recorded yet." in reflection
        with translation.override("en"):
            home = client.get(reverse("gezinsplan:my-gezinsplannen")).content.decode()
        assert "improvement agreement of Geboortezorgnetwerk Overvecht" in home  # among the member's actions
        # Marking done from an English page returns to that page.
        back = f"/en/leren/bijeenkomst/{net.meeting.pk}/"
        r = client.post(f"/en/leren/afspraak/{imp.pk}/status/", {"status": "gedaan", "next": back})
        assert r.status_code == 302 and r["Location"] == back
    finally:
        translation.activate("nl")


def test_chair_manages_members_on_the_network_page(client, net, filled):
    from wegwijzer.leren import policy

    _d, imp = filled  # open, owned by net.member
    add = reverse("leren:member-add", kwargs={"network_id": net.network.pk})
    remove = reverse("leren:member-remove", kwargs={"network_id": net.network.pk, "user_id": net.member.pk})
    verified_client(client, net.outsider)
    assert client.post(add, {"username": net.outsider.username}).status_code == 404
    assert client.post(remove).status_code == 404
    verified_client(client, net.member)
    r = client.post(add, {"username": net.outsider.username})
    assert r.status_code == 403 and "Alleen de voorzitter" in r.content.decode()
    assert not policy.is_member(net.outsider, net.network)

    verified_client(client, net.chair)
    page = client.get(reverse("leren:network", kwargs={"network_id": net.network.pk})).content.decode()
    assert "Lid toevoegen" in page and "Bram Kok verwijderen" in page and "Anna Visser verwijderen" not in page
    r = client.post(add, {"username": "bestaat-niet"})
    body = r.content.decode()
    assert r.status_code == 400 and "Geen professional met gebruikersnaam" in body and 'aria-invalid="true"' in body
    assert client.post(add, {"username": net.outsider.username}).status_code == 302
    assert policy.is_member(net.outsider, net.network)

    r = client.post(remove)
    assert r.status_code == 400 and "nog eigenaar van 1 open verbeterafspraak" in r.content.decode()
    assert policy.is_member(net.member, net.network)
    services.improvement_update(actor=net.chair, context=None, improvement=imp, status="vervallen")
    assert client.post(remove).status_code == 302
    assert not policy.is_member(net.member, net.network)
    assert client.post(remove).status_code == 404  # no longer a member: nothing to remove
