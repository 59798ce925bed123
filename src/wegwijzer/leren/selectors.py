"""Reads in Leren, with the same need-to-know as the services: anything of a network the caller is not a member
of raises `policy.NotAMember` (404), exactly as an unknown id. Each read of network content is logged."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from wegwijzer.accounts.roles import is_professional
from wegwijzer.audit.context import AccessContext
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.audit.service import access_log_write

from . import policy
from .models import Discussion, Improvement, Judgement, Meeting, Network, NetworkMember
from .vision import vision

Action = AccessLogEntry.Action


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _log_read(user: Any, context: AccessContext | None, obj: Any, outcome: str = "success") -> None:
    access_log_write(
        context=context, user=user, action=Action.READ, object_type=f"leren-{type(obj).__name__.lower()}",
        object_id=str(obj.pk), outcome=outcome,
    )


def _refuse(user: Any, context: AccessContext | None, kind: str, object_id: Any) -> policy.NotAMember:
    access_log_write(
        context=context, user=user, action=Action.READ, object_type=f"leren-{kind}", object_id=str(object_id)[:64],
        outcome="denied",
    )
    return policy.NotAMember()


def networks_for_user(user: Any) -> QuerySet[Network]:
    if not is_professional(user):
        return Network.objects.none()
    return Network.objects.filter(members__user=user).select_related("chair", "organization").order_by("name")


def network_get(user: Any, network_id: Any, *, context: AccessContext | None = None) -> Network:
    pk = _uuid(network_id)
    network = Network.objects.filter(pk=pk).select_related("chair", "organization").first() if pk else None
    if network is None or not policy.is_member(user, network):
        raise _refuse(user, context, "network", network_id)
    _log_read(user, context, network)
    return network


def network_by_slug(slug: str) -> Network | None:
    return Network.objects.filter(slug=slug).first()


def meeting_get(user: Any, meeting_id: Any, *, context: AccessContext | None = None) -> Meeting:
    pk = _uuid(meeting_id)
    meeting = Meeting.objects.filter(pk=pk).select_related("network").first() if pk else None
    if meeting is None or not policy.is_member(user, meeting.network):
        raise _refuse(user, context, "meeting", meeting_id)
    _log_read(user, context, meeting)
    return meeting


def discussion_get(user: Any, discussion_id: Any, *, context: AccessContext | None = None) -> Discussion:
    pk = _uuid(discussion_id)
    discussion = Discussion.objects.filter(pk=pk).select_related("meeting__network").first() if pk else None
    if discussion is None or not policy.is_member(user, discussion.meeting.network):
        raise _refuse(user, context, "discussion", discussion_id)
    _log_read(user, context, discussion)
    return discussion


def improvement_get(user: Any, improvement_id: Any, *, context: AccessContext | None = None) -> Improvement:
    pk = _uuid(improvement_id)
    improvement = Improvement.objects.filter(pk=pk).select_related("network").first() if pk else None
    if improvement is None or not policy.is_member(user, improvement.network):
        raise _refuse(user, context, "improvement", improvement_id)
    _log_read(user, context, improvement)
    return improvement


def member_get(network: Network, user_id: Any) -> NetworkMember:
    """A member of a network the caller may already see (network_get); no such member is NotAMember (404)."""
    member = network.members.filter(user_id=user_id).select_related("user").first()
    if member is None:
        raise policy.NotAMember()
    return member


def members_of(network: Network) -> QuerySet[NetworkMember]:
    return network.members.select_related("user").order_by("-role", "user__username")


def meetings_of(network: Network) -> QuerySet[Meeting]:
    return network.meetings.all()  # newest first: Meeting.Meta.ordering


def next_meeting(network: Network, now: dt.datetime | None = None) -> Meeting | None:
    return network.meetings.filter(starts_at__gte=now or timezone.now()).order_by("starts_at").first()


def discussions_of(meeting: Meeting) -> QuerySet[Discussion]:
    return meeting.discussions.order_by("created_at")


def improvements_for_user(user: Any, *, status: str | None = None) -> QuerySet[Improvement]:
    """The improvement agreements of the caller's networks (all of them: the chair and members see the
    network's; `status` filters, "open" meaning open or bezig is asked as open exactly). Agreements are listed
    in their model's one order (due date, then made)."""
    qs = Improvement.objects.filter(network__in=networks_for_user(user)).select_related("owner", "network")
    if status:
        qs = qs.filter(status=status)
    return qs


def open_improvements_of(network: Network) -> QuerySet[Improvement]:
    """The network's open (open or bezig) agreements, for its page."""
    return network.improvements.filter(status__in=Improvement.OPEN_STATUSES).select_related("owner")


def improvements_owned(user: Any) -> QuerySet[Improvement]:
    """The caller's own open agreements in networks they are (still) a member of (for "wat vraagt om mijn
    actie")."""
    if not is_professional(user):
        return Improvement.objects.none()
    return Improvement.objects.filter(
        owner=user, status__in=Improvement.OPEN_STATUSES, network__members__user=user
    ).select_related("network")


def agenda_improvements(meeting: Meeting) -> QuerySet[Improvement]:
    """The open agreements made in earlier meetings of the network: they come back on this meeting's agenda."""
    return Improvement.objects.filter(
        network_id=meeting.network_id, status__in=Improvement.OPEN_STATUSES,
        discussion__meeting__starts_at__lt=meeting.starts_at,
    ).select_related("owner")


@dataclass
class ReflectionGroup:
    code: str
    label: str
    judgements: list[Judgement] = field(default_factory=list)
    improvements: list[Improvement] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    @property
    def kon_beter(self) -> int:
        return self.counts[Judgement.Value.BETTER]

    @property
    def ging_goed(self) -> int:
        return self.counts[Judgement.Value.GOOD]

    @property
    def nvt(self) -> int:
        return self.counts[Judgement.Value.NA]


@dataclass
class Reflection:
    groups: list[ReflectionGroup]
    lessons: list[Discussion]
    discussions: int


def reflection(network: Network, *, start: dt.date, end: dt.date) -> Reflection:
    """Every judgement, lesson and agreement of the network's discussions in [start, end], grouped under the
    four main themes, with counts per judgement (the Proeftuin's closing reflection)."""
    v = vision()
    groups = {m.code: ReflectionGroup(m.code, m.label) for m in v.main_themes}
    discussions = Discussion.objects.filter(
        meeting__network=network, meeting__starts_at__date__gte=start, meeting__starts_at__date__lte=end
    )
    judgements = Judgement.objects.filter(discussion__in=discussions).order_by("theme")
    for j in judgements:
        theme = v.theme(j.theme)
        if theme is not None:
            groups[theme.main_theme].judgements.append(j)
            groups[theme.main_theme].counts[j.judgement] += 1
    for imp in Improvement.objects.filter(discussion__in=discussions).select_related("owner"):
        theme = v.theme(imp.theme)
        main = theme.main_theme if theme else (imp.theme if imp.theme in groups else None)
        if main:
            groups[main].improvements.append(imp)
    lessons = [d for d in discussions.order_by("meeting__starts_at") if d.lessons.strip()]
    return Reflection(groups=list(groups.values()), lessons=lessons, discussions=discussions.count())
