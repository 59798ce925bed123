"""Reads about accounts for other apps: finding a colleague to add to a team."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from .models import User
from .roles import STAFF_ROLES, professional_roles

LOOKUP_MIN_CHARS = 2
LOOKUP_LIMIT = 20


@dataclass(frozen=True)
class ColleagueHit:
    """What a lookup shows of a colleague: no e-mail, no last login, nothing else (data minimisation)."""

    username: str
    name: str
    role: str
    role_label: str
    organization_slug: str


def colleague_lookup(*, query: str, exclude_user_ids: Any = (), limit: int = LOOKUP_LIMIT) -> list[ColleagueHit]:
    """Active professionals whose name, username, organisation or role (code or label) contains `query`,
    case-insensitively; at most `limit`. Fewer than two characters finds nobody (no browsing the directory)."""
    text = (query or "").strip()
    if len(text) < LOOKUP_MIN_CHARS:
        return []
    roles = professional_roles()
    role_codes = [code for code, label in roles.items() if text.casefold() in f"{code} {label}".casefold()]
    match = (
        Q(username__icontains=text)
        | Q(first_name__icontains=text)
        | Q(last_name__icontains=text)
        | Q(organization_slug__icontains=text)
        | Q(role__in=role_codes)
    )
    for word in text.split()[:3]:  # "Anna Jansen": first and last name in one query
        if word != text:
            match |= Q(first_name__icontains=word) & Q(last_name__icontains=text.split()[-1])
    users = (
        User.objects.filter(match, is_active=True, is_superuser=False, role__in=list(roles))
        .exclude(role__in=list(STAFF_ROLES))
        .exclude(pk__in=list(exclude_user_ids))
        .order_by("last_name", "first_name", "username")
        .only("username", "first_name", "last_name", "role", "organization_slug")[:limit]
    )
    return [
        ColleagueHit(
            username=u.username,
            name=u.get_full_name() or u.username,
            role=u.role,
            role_label=roles.get(u.role, u.role),
            organization_slug=u.organization_slug,
        )
        for u in users
    ]


def professional_by_username(username: str) -> User | None:
    """The user with exactly this username, else the only one matching it case-insensitively (people type
    "Anna.Jansen" for "anna.jansen"); None when there is none or the case-insensitive match is ambiguous."""
    name = (username or "").strip()
    if not name:
        return None
    exact = User.objects.filter(username=name).first()
    if exact is not None:
        return exact
    candidates = list(User.objects.filter(username__iexact=name)[:2])
    return candidates[0] if len(candidates) == 1 else None
