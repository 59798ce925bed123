"""Factories for gezinsplan tests: real cases built through the services (so every invariant holds)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from accounts.helpers import make_content_editor, make_policy_staff, make_professional, make_superuser
from wegwijzer.gezinsplan import services
from wegwijzer.gezinsplan.models import Gezinsplan, Membership
from wegwijzer.socialmap.models import Role, Service

_seq = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_seq)}"


def professional(prefix: str = "prof", role: str = "jgz", organization_slug: str = "jgz-utrecht"):
    return make_professional(unique(prefix), role=role, organization_slug=organization_slug)


def make_case(
    creator=None,
    *,
    label: str = "Gezin Zonnebloem",
    phase: str = "zwangerschap",
    wijk: str = "overvecht",
    **kwargs,
) -> Gezinsplan:
    creator = creator or professional("maker")
    return services.gezinsplan_create(actor=creator, label=label, phase=phase, wijk=wijk, **kwargs)


def membership(gezinsplan: Gezinsplan, user) -> Membership:
    return Membership.objects.current().get(gezinsplan=gezinsplan, user=user)


class Team:
    """A case with a member, a former member (handed over), an outsider professional and staff."""

    def __init__(self):
        self.member = professional("lid", role="buurtteam-jeugd-gezin", organization_slug="buurtteam")
        self.gezinsplan = make_case(self.member)
        self.colleague = professional("collega", role="jgz")
        services.member_add(actor=self.member, gezinsplan=self.gezinsplan, username=self.colleague.username)
        self.former = professional("oud-lid", role="verloskundige")
        former_m = services.member_add(actor=self.member, gezinsplan=self.gezinsplan, username=self.former.username)
        services.handover(
            actor=self.member,
            gezinsplan=self.gezinsplan,
            leaving=former_m,
            successor=membership(self.gezinsplan, self.colleague),
            note="Overdracht",
            family_informed=True,
        )
        self.other = professional("ander", role="huisarts")
        self.admin = make_superuser(unique("beheerder"))
        self.policy = make_policy_staff(unique("beleid"))
        self.editor = make_content_editor(unique("redacteur"))
        m = membership(self.gezinsplan, self.member)
        self.agreement = services.agreement_create(
            actor=self.member,
            gezinsplan=self.gezinsplan,
            what="Huisbezoek plannen",
            owner=m,
            due_date=timezone.localdate(),
        )
        self.consent = services.consent_record(
            actor=self.member,
            gezinsplan=self.gezinsplan,
            what="Verloop van de zwangerschap",
            with_whom="Huisarts en JGZ",
            given_on=timezone.localdate(),
        )
        self.meeting = services.meeting_plan(
            actor=self.member,
            gezinsplan=self.gezinsplan,
            starts_at=timezone.now() + dt.timedelta(days=3),
            location="Buurtteam Overvecht",
            participants=[m],
            family_participates=True,
            decisions=["JGZ doet een prenataal huisbezoek"],
        )
        self.service = social_service()
        self.verwijzing = services.verwijzing_create(
            actor=self.member,
            gezinsplan=self.gezinsplan,
            target_kind="service",
            target=self.service.slug,
            consents=[self.consent],
        )


def social_service(role: str = "aanvullende-jeugdhulp", name: str = "Voorbeeldaanbod") -> Service:
    """A social-map service (a test record, not the Utrecht content) offered through `role`."""
    service = Service.objects.create(slug=unique("aanbod"), name=name)
    service.roles.add(Role.objects.get_or_create(slug=role, defaults={"name": role})[0])
    return service
