"""The whole admin requires a staff user who passed two-factor login, through our own login pages.

Administrators see user accounts and the access log there; a password alone must never be enough.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .auth import is_verified


def require_two_factor(site: AdminSite) -> None:
    def has_permission(request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(user.is_active and user.is_staff and is_verified(user))

    def login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # Password + TOTP happen on /account/; come back to the admin page that was asked for.
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("accounts:login"))

    site.has_permission = has_permission  # type: ignore[method-assign]
    site.login = login  # type: ignore[method-assign]
