"""Who sees insight: the policy role everything; a network chair only the learning figures of their own networks;
everyone else nothing (the views and the API answer 404, as if the section does not exist)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from wegwijzer.accounts.roles import is_policy_staff, is_professional
from wegwijzer.leren.models import Network, NetworkMember

from .figures import Scope


def insight_scope(user: Any) -> Scope | None:
    if is_policy_staff(user):
        return Scope()
    if not is_professional(user):
        return None
    chaired = Network.objects.filter(
        Q(chair=user) | Q(members__user=user, members__role=NetworkMember.Role.CHAIR)
    ).values_list("pk", flat=True)
    ids = frozenset(str(pk) for pk in chaired)
    return Scope(networks=ids) if ids else None
