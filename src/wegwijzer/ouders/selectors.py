"""Reads of the parents' view. Only what the parents may see: agreements (with who does them), the next
meeting, the consents they gave, and the plan steps a member marked as shared with the parents (their content
and considerations). Never an unshared step, the regie notes or the meeting minutes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from wegwijzer.audit.context import AccessContext
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.audit.service import access_log_write
from wegwijzer.gezinsplan import policy
from wegwijzer.gezinsplan.models import Agreement, Consent, Gezinsplan, Meeting, PlanSection

from .models import ParentAccess
from .services import OBJECT_TYPE, parent_actor, usable


@dataclass(frozen=True)
class ParentView:
    access: ParentAccess
    gezinsplan: Gezinsplan
    agreements: list[Agreement]
    next_meeting: Meeting | None
    consents: list[Consent]
    shared_steps: list[PlanSection]


def parent_access_for_session(access_id: Any) -> ParentAccess | None:
    """The access a parent's session points at, if it is still usable (revocation takes effect here)."""
    if not access_id:
        return None
    access = ParentAccess.objects.select_related("gezinsplan").filter(pk=access_id).first()
    return access if access is not None and usable(access) else None


def parent_view_read(*, context: AccessContext | None, access: ParentAccess) -> ParentView:
    """The parents' page data; one "read" row in the case's access log with the parent as actor."""
    plan = access.gezinsplan
    access_log_write(
        context=context,
        user=None,
        username=parent_actor(access),
        action=AccessLogEntry.Action.READ,
        gezinsplan_id=str(plan.pk),
        object_type=OBJECT_TYPE,
        object_id=str(access.pk),
    )
    agreements = list(
        Agreement.objects.filter(gezinsplan=plan).select_related("owner__user").order_by("status", "due_date")
    )
    next_meeting = (
        Meeting.objects.filter(gezinsplan=plan, starts_at__gte=timezone.now()).order_by("starts_at").first()
    )
    consents = list(Consent.objects.filter(gezinsplan=plan))
    # Filtered in the query, so an unshared step's text never reaches the template.
    shared_steps = list(PlanSection.objects.filter(gezinsplan=plan, shared_with_parents=True).order_by("step"))
    return ParentView(
        access=access,
        gezinsplan=plan,
        agreements=agreements,
        next_meeting=next_meeting,
        consents=consents,
        shared_steps=shared_steps,
    )


def parent_accesses_for_member(user: Any, gezinsplan: Gezinsplan) -> list[ParentAccess]:
    """The plan's parent accesses, for its team (NotAMember otherwise)."""
    policy.require(user, "view", gezinsplan)
    return list(ParentAccess.objects.filter(gezinsplan=gezinsplan))
