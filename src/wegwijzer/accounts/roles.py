"""Who is who: professionals (a vocabulary role code) versus staff (content editors, policy staff).

Only professionals can ever be members of a case team; staff roles and superusers never see case content.
The object-level policy of the plans app builds on `is_professional`.
"""

from __future__ import annotations

from typing import Any

from wegwijzer.core.vocabulary import vocabulary

from .models import User

ROLE_CONTENT_EDITOR = User.ROLE_CONTENT_EDITOR  # "redacteur"
ROLE_POLICY = User.ROLE_POLICY  # "beleid"
ROLE_PROVIDER = User.ROLE_PROVIDER  # "aanbieder"
STAFF_ROLES: dict[str, str] = {
    ROLE_CONTENT_EDITOR: "Redacteur sociale kaart en routeregels",
    ROLE_POLICY: "Beleidsmedewerker gemeente",
    ROLE_PROVIDER: "Aanbieder (meldt wachttijden van de eigen organisatie)",
}


def professional_roles() -> dict[str, str]:
    """Vocabulary role codes → Dutch labels, from the one cached vocabulary (empty when it cannot load)."""
    try:
        return dict(vocabulary().roles)
    except (OSError, ValueError):  # a missing or broken content folder (VocabularyError is a ValueError)
        return {}


def all_roles() -> dict[str, str]:
    """Every role a user can have: the professional roles, then the staff roles."""
    return {**professional_roles(), **STAFF_ROLES}


def role_label(code: str) -> str:
    return all_roles().get(code, code or "onbekend")


def _usable(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def is_professional(user: Any) -> bool:
    """An active, non-superuser account whose role is a vocabulary role code: may be on a case team."""
    if not _usable(user) or getattr(user, "is_superuser", False):
        return False
    role = getattr(user, "role", "") or ""
    return role not in STAFF_ROLES and role in professional_roles()


def is_content_editor(user: Any) -> bool:
    return _usable(user) and getattr(user, "role", "") == ROLE_CONTENT_EDITOR


def is_policy_staff(user: Any) -> bool:
    return _usable(user) and getattr(user, "role", "") == ROLE_POLICY


def is_provider(user: Any) -> bool:
    return _usable(user) and getattr(user, "role", "") == ROLE_PROVIDER


def may_see_gezinsplan_content(user: Any) -> bool:
    """Coarse gate before any case lookup (membership is checked per case by the plans policy)."""
    return is_professional(user)
