"""The ONE place for object-level access to a gezinsplan (need-to-know), as django-rules predicates.

Only *current* members of a case's care team see or change anything of it: an active professional
(`accounts.roles.is_professional`) with a Membership whose period covers now. Everyone else — other
professionals, former members, superusers/administrators, policy staff, content editors, anonymous —
is treated as if the case does not exist (`NotAMember`, which views answer as 404 and the API as its 404,
exactly as for an unknown id), so nobody can tell a case exists by probing.

Check with `can(user, "view", gezinsplan)` or `rules.has_perm("gezinsplan.view_gezinsplan", user, gezinsplan)`. Do NOT use
`user.has_perm(...)`: Django's PermissionsMixin answers True for every active superuser before any
backend is asked, and superusers must never see case content.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils import timezone

from wegwijzer.accounts.roles import is_professional
from wegwijzer.core.prepared import PreparedQuery

from .models import Gezinsplan, Membership


def current_membership(user: Any, gezinsplan: Gezinsplan | None, now=None) -> Membership | None:
    """The user's current membership of this case, or None (also None for any non-professional)."""
    if gezinsplan is None or not is_professional(user):
        return None
    return Membership.objects.current(now).filter(gezinsplan=gezinsplan, user=user).order_by("-valid_from").first()


def current_membership_with_case(user: Any, gezinsplan_id: Any) -> Membership | None:
    """`current_membership` by the case's id, with the case (and its creator) read in the same query: the
    one query of a case read for a member (selectors._lookup)."""
    if not is_professional(user):
        return None
    return _CURRENT_MEMBERSHIP_WITH_CASE.first(gezinsplan_id=gezinsplan_id, user_id=user.pk, now=timezone.now())


# The query above, compiled once per process: it runs on every case read, and compiling it cost more
# than running it (core.prepared). Same filter as `Membership.objects.current(now)` + `.first()`.
_CURRENT_MEMBERSHIP_WITH_CASE = PreparedQuery(
    lambda gezinsplan_id, user_id, now: Membership.objects.current(now)
    .filter(gezinsplan_id=gezinsplan_id, user_id=user_id)
    .select_related("gezinsplan__created_by")
    .order_by("-valid_from", "pk")[:1],
    gezinsplan_id=Membership._meta.get_field("gezinsplan").target_field,
    user_id=Membership._meta.get_field("user").target_field,
    now=Membership._meta.get_field("valid_from"),
)


@rules.predicate
def is_current_member(user: Any, gezinsplan: Gezinsplan | None) -> bool:
    return current_membership(user, gezinsplan) is not None


@rules.predicate
def is_open_gezinsplan(user: Any, gezinsplan: Gezinsplan | None) -> bool:
    return gezinsplan is not None and gezinsplan.status == Gezinsplan.Status.OPEN and gezinsplan.purged_at is None


# Members see everything of their case, including its access log, and export it.
rules.add_perm("gezinsplan.view_gezinsplan", is_current_member)
rules.add_perm("gezinsplan.view_auditlog", is_current_member)
rules.add_perm("gezinsplan.export_gezinsplan", is_current_member)
# Changes are for members of an open (not closed, not purged) case.
rules.add_perm("gezinsplan.change_gezinsplan", is_current_member & is_open_gezinsplan)
rules.add_perm("gezinsplan.close_gezinsplan", is_current_member & is_open_gezinsplan)

PERMISSIONS = {
    "view": "gezinsplan.view_gezinsplan",
    "change": "gezinsplan.change_gezinsplan",
    "close": "gezinsplan.close_gezinsplan",
    "export": "gezinsplan.export_gezinsplan",
    "audit": "gezinsplan.view_auditlog",
}


def can(user: Any, action: str, gezinsplan: Gezinsplan | None) -> bool:
    return rules.has_perm(PERMISSIONS[action], user, gezinsplan)


class ClosedCaseError(Exception):
    """A member tried to change a closed or purged case."""


class NotFound(LookupError):
    """Something of a case that does not exist or that the caller may not see; views and the API answer 404.

    `access_log` is the "denied" entry (keyword arguments of `access_log_write`) already written for
    this refusal, or None: a caller that rolls its transaction back writes it again afterwards.
    """

    def __init__(self, message: str, *, access_log: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.access_log = access_log

    def __str__(self) -> str:
        return self.message


class NotAMember(NotFound):
    """The case does not exist, or the caller is not a current member of its team (indistinguishable)."""


def require(user: Any, action: str, gezinsplan: Gezinsplan) -> None:
    """Raise NotAMember for non-members, ClosedCaseError for a member changing a closed case."""
    if not is_current_member(user, gezinsplan):
        raise NotAMember("Gezinsplan niet gevonden.")
    if not can(user, action, gezinsplan):
        raise ClosedCaseError("Dit gezinsplan is gesloten en kan niet meer worden gewijzigd.")


def may_list_gezinsplannen(user: Any) -> bool:
    return is_professional(user)


class NotProfessionalError(Exception):
    """Only professionals (vocabulary role, not staff, not superuser) can start a case."""
