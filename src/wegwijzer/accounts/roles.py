"""Who is who: professionals (a vocabulary role code) versus staff (content editors, policy staff).

Only professionals can ever be members of a case team; staff roles and superusers never see case content.
The object-level policy of the plans app builds on `is_professional`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from .models import User

ROLE_CONTENT_EDITOR = User.ROLE_CONTENT_EDITOR  # "redacteur"
ROLE_POLICY = User.ROLE_POLICY  # "beleid"
STAFF_ROLES: dict[str, str] = {
    ROLE_CONTENT_EDITOR: "Redacteur sociale kaart en routeregels",
    ROLE_POLICY: "Beleidsmedewerker gemeente",
}


@lru_cache(maxsize=4)
def _vocabulary_roles(path: str, mtime: float) -> dict[str, str]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    roles = data.get("roles") or {}
    return {str(code): str(label) for code, label in roles.items()}


def professional_roles() -> dict[str, str]:
    """Vocabulary role codes → Dutch labels, from CONTENT_DIR/vocabulary.yaml (re-read when it changes)."""
    path = Path(settings.CONTENT_DIR) / "vocabulary.yaml"
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return {}
    return dict(_vocabulary_roles(str(path), mtime))


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


def may_see_case_content(user: Any) -> bool:
    """Coarse gate before any case lookup (membership is checked per case by the plans policy)."""
    return is_professional(user)
