"""Login lockout per username AND per client address, each with its own limit (django-axes handler).

django-axes counts failures per lockout parameter (AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]) but
compares the largest count with one AXES_FAILURE_LIMIT. One address can be many people (a hospital or a
municipality behind one NAT address), so the address gets a higher limit, AXES_ADDRESS_FAILURE_LIMIT:

    settings.AXES_HANDLER = "wegwijzer.accounts.lockout.UsernameAndAddressHandler"

A successful login clears only that username's failures (on every address), never the address's count of
guesses at other usernames: otherwise an attacker with one valid account could reset it between guesses.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest

LOCKED_BY_ATTRIBUTE = "wegwijzer_locked_by"


def _failures(attempts: QuerySet) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_failure_limit() -> int:
    return int(getattr(settings, "AXES_ADDRESS_FAILURE_LIMIT", 20))


class UsernameAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """Failures as axes compares them with AXES_FAILURE_LIMIT: the username's own count, or at least the
        limit once the address has reached AXES_ADDRESS_FAILURE_LIMIT (then the whole address is locked)."""
        parameters = get_lockout_parameters(request, credentials)
        counts = dict(zip(
            (p if isinstance(p, str) else "+".join(p) for p in parameters),
            (_failures(attempts) for attempts in self.get_user_attempts(request, credentials)),
            strict=True,
        ))
        by_username = counts.get("username", 0)
        by_address = counts.get("ip_address", 0)
        limit = int(settings.AXES_FAILURE_LIMIT)
        locked_by = ""
        if by_username >= limit:
            locked_by = "username"
        elif by_address >= address_failure_limit():
            locked_by = "address"
        setattr(request, LOCKED_BY_ATTRIBUTE, locked_by)
        return max(by_username, limit) if locked_by == "address" else by_username

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def locked_by(request: Any) -> str:
    """"username" or "address" after axes refused a login for this request, else ""."""
    return getattr(request, LOCKED_BY_ATTRIBUTE, "") or ""
