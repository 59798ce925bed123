"""JSON API of accounts: who am I (lets an integration check its token)."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse

from wegwijzer.core.api import allow_methods, json_response

from .auth import api_auth_required
from .models import User
from .roles import is_professional, role_label


@allow_methods("GET")
@api_auth_required
def me(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    token = getattr(user, "api_token", None)
    return json_response(
        {
            "username": user.get_username(),
            "role": user.role,
            "role_label": role_label(user.role) if user.role else "",
            "organisation": user.organisation_slug,
            "professional": is_professional(user),
            "auth": getattr(request, "auth_method", ""),
            "token_expires_at": token.expires_at.isoformat() if token else None,
        }
    )
