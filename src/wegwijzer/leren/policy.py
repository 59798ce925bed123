"""Object-level access to Leren (need-to-know, like the gezinsplan): only members of a network see its meetings,
discussions and improvement agreements. Everyone else — other professionals, staff, superusers, anonymous — is
answered as if the network does not exist (`NotAMember`; views and the API answer 404)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from wegwijzer.accounts.roles import is_professional

from .models import Network, NetworkMember


class NotAMember(LookupError):
    """The network (or a part of it) does not exist, or the caller is not a member (indistinguishable)."""

    def __init__(self, message: str | None = None) -> None:
        message = message or _("Niet gevonden.")
        super().__init__(message)
        self.message = message


class NotChairError(PermissionError):
    """Only the network's chair may do this (a member who is not the chair: 403)."""


def membership(user: Any, network: Network | None) -> NetworkMember | None:
    if network is None or not is_professional(user):
        return None
    return NetworkMember.objects.filter(network=network, user=user).first()


def is_member(user: Any, network: Network | None) -> bool:
    return membership(user, network) is not None


def is_chair(user: Any, network: Network | None) -> bool:
    if network is None or not is_professional(user):
        return False
    return network.chair_id == user.pk or NetworkMember.objects.filter(
        network=network, user=user, role=NetworkMember.Role.CHAIR
    ).exists()


def require_member(user: Any, network: Network | None) -> None:
    if not is_member(user, network):
        raise NotAMember()


def require_chair(user: Any, network: Network) -> None:
    require_member(user, network)
    if not is_chair(user, network):
        raise NotChairError(_("Alleen de voorzitter van het netwerk kan dit doen."))
