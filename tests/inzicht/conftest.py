"""Crafted data for the insight tests: small and large counts in Overvecht inside the last six months, counts
outside it (other wijk, older), and distinctive free text and names that must never reach any output."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.helpers import make_content_editor, make_policy_staff, make_professional
from leren.factories import Net
from wegwijzer.gezinsplan.models import Consent, Gezinsplan
from wegwijzer.leren import services as leren_services
from wegwijzer.routeguide.models import AdviceTally
from wegwijzer.socialmap import search_stats
from wegwijzer.socialmap.models import Correction

SECRETS = ("Zonnebloem", "Pietje Puk", "0612345678", "GEHEIMTEKST", "Anna", "Visser", "Bram", "Kok",
           "privé@example.org")


def month_ago(n: int) -> dt.date:
    today = timezone.localdate().replace(day=10)
    year, month = today.year, today.month - n
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, 10)


def tally(day: dt.date, phase: str, wijk: str, n: int, concerns: list[str] | None = None) -> None:
    AdviceTally.objects.bulk_create([
        AdviceTally(date=day, phase=phase, reporter="jgz", wijk=wijk, concerns=concerns or ["armoede"],
                    content_version="v1") for _ in range(n)
    ])


@dataclass
class Crafted:
    policy: object
    editor: object
    professional: object
    net: Net


@pytest.fixture
def crafted(db) -> Crafted:
    tally(month_ago(0), "zwangerschap", "overvecht", 12)
    tally(month_ago(0), "kraamperiode", "overvecht", 3)  # under five: hidden everywhere
    tally(month_ago(1), "zwangerschap", "overvecht", 7)
    tally(month_ago(1), "jonge-kind", "overvecht", 2, ["huilbaby"])  # under five
    tally(month_ago(9), "zwangerschap", "overvecht", 40)  # older than six months
    tally(month_ago(0), "zwangerschap", "west", 30)  # another wijk
    now = timezone.now()
    plans = [Gezinsplan.objects.create(label=f"Gezin Zonnebloem {i}", contact_name="Pietje Puk",
                                       contact_phone="0612345678", wijk="overvecht", phase="zwangerschap",
                                       created_at=now) for i in range(6)]
    for plan in plans[:2]:
        Consent.objects.create(gezinsplan=plan, what="GEHEIMTEKST toestemming", with_whom="GEHEIMTEKST huisarts",
                               given_by="Pietje Puk", given_on=timezone.localdate())
    net = Net()
    discussion = leren_services.discussion_create(
        actor=net.member, context=None, meeting=net.meeting, description="Een zwangere vrouw zonder netwerk.",
    )
    for _ in range(6):  # six agreements, all overdue: one published cell
        leren_services.improvement_create(
            actor=net.member, context=None, discussion=discussion, what="GEHEIMTEKST afspraak",
            owner_username=net.member.username, due_date=timezone.localdate() - dt.timedelta(days=3),
        )
    Correction.objects.create(record_kind="organisatie", record_slug="x", record_name="Een organisatie",
                              message="GEHEIMTEKST melding", reply_email="privé@example.org")
    # Search: one kept query (six visitors, found nothing), one seen by four visitors and one that looks like
    # personal data: neither of the last two may reach any output, not even as a number.
    for i in range(6):
        search_stats.search_seen(query="Zwangerschapsyoga", visitor=f"session:a{i}", results=0)
        search_stats.search_seen(query="Pietje Puk 0612345678", visitor=f"session:b{i}", results=0)
    for i in range(4):
        search_stats.search_seen(query="Zonnebloem GEHEIMTEKST", visitor=f"session:c{i}", results=0)
    return Crafted(policy=make_policy_staff("beleid-1"), editor=make_content_editor("redacteur-1"),
                   professional=make_professional("prof-1", role="huisarts"), net=net)
