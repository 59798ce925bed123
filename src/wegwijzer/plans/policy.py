"""The ONE place for object-level access to a gezinsplan (need-to-know), as django-rules predicates.

Only *current* members of a case's care team see or change anything of it: an active professional
(`accounts.roles.is_professional`) with a Membership whose period covers now. Everyone else — other
professionals, former members, superusers/administrators, policy staff, content editors, anonymous —
is treated as if the case does not exist (`NotAMember`, which views answer as 404 and the API as its 404,
exactly as for an unknown id), so nobody can tell a case exists by probing.

Check with `can(user, "view", casus)` or `rules.has_perm("plans.view_casus", user, casus)`. Do NOT use
`user.has_perm(...)`: Django's PermissionsMixin answers True for every active superuser before any
backend is asked, and superusers must never see case content.
"""

from __future__ import annotations

from typing import Any

import rules

from wegwijzer.accounts.roles import is_professional

from .models import Casus, Membership


def current_membership(user: Any, casus: Casus | None, now=None) -> Membership | None:
    """The user's current membership of this case, or None (also None for any non-professional)."""
    if casus is None or not is_professional(user):
        return None
    return Membership.objects.current(now).filter(casus=casus, user=user).order_by("-valid_from").first()


@rules.predicate
def is_current_member(user: Any, casus: Casus | None) -> bool:
    return current_membership(user, casus) is not None


@rules.predicate
def is_open_case(user: Any, casus: Casus | None) -> bool:
    return casus is not None and casus.status == Casus.Status.OPEN and casus.purged_at is None


# Members see everything of their case, including its access log, and export it.
rules.add_perm("plans.view_casus", is_current_member)
rules.add_perm("plans.view_auditlog", is_current_member)
rules.add_perm("plans.export_casus", is_current_member)
# Changes are for members of an open (not closed, not purged) case.
rules.add_perm("plans.change_casus", is_current_member & is_open_case)
rules.add_perm("plans.close_casus", is_current_member & is_open_case)

PERMISSIONS = {
    "view": "plans.view_casus",
    "change": "plans.change_casus",
    "close": "plans.close_casus",
    "export": "plans.export_casus",
    "audit": "plans.view_auditlog",
}


def can(user: Any, action: str, casus: Casus | None) -> bool:
    return rules.has_perm(PERMISSIONS[action], user, casus)


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


def require(user: Any, action: str, casus: Casus) -> None:
    """Raise NotAMember for non-members, ClosedCaseError for a member changing a closed case."""
    if not is_current_member(user, casus):
        raise NotAMember("Casus niet gevonden.")
    if not can(user, action, casus):
        raise ClosedCaseError("Deze casus is gesloten en kan niet meer worden gewijzigd.")


def may_list_cases(user: Any) -> bool:
    return is_professional(user)


class NotProfessionalError(Exception):
    """Only professionals (vocabulary role, not staff, not superuser) can start a case."""
