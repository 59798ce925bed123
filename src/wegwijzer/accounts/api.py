"""JSON API of accounts: who am I (lets an integration check its token)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django.http import HttpRequest
from ninja import Router, Schema

from wegwijzer.core.apikit import errors

from .auth import API_AUTH
from .models import User
from .roles import is_professional, role_label

router = Router(tags=["accounts"], auth=API_AUTH)


class MeOut(Schema):
    username: str
    role: str
    role_label: str
    organization: str
    professional: bool
    auth: str
    token_expires_at: datetime | None


@router.get("/me", response={200: MeOut, **errors(401)}, url_name="api-me", summary="Wie ben ik (controle van een token)")
def me(request: HttpRequest) -> MeOut:
    user = cast(User, request.user)
    token = getattr(user, "api_token", None)
    return MeOut(
        username=user.get_username(),
        role=user.role,
        role_label=str(role_label(user.role)) if user.role else "",
        organization=user.organization_slug,
        professional=is_professional(user),
        auth=getattr(request, "auth_method", ""),
        token_expires_at=token.expires_at if token else None,
    )
