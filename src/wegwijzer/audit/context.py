"""Who-is-asking details the access log records, taken from the HTTP request once, at the edge.

Views, the API and the admin build an `AccessContext` with `access_context(request)` and hand it to the
services and selectors, which never see the request itself; management commands pass None (no client).
This module is the one place that reads REMOTE_ADDR and the trusted X-Forwarded-For.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from django.conf import settings

SAFE_METHODS = ("GET", "HEAD")


@dataclass(frozen=True)
class AccessContext:
    """The client address for the access log, and the HTTP method ("HEAD" also for an API HEAD run as GET).

    The method decides how a refusal is logged (a read or an attempted change) and that a HEAD, which
    carries no case data, writes no "read" entry.
    """

    client_address: str | None = None
    method: str = ""

    @property
    def is_head(self) -> bool:
        return self.method == "HEAD"

    @property
    def is_read(self) -> bool:
        return self.method in SAFE_METHODS


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [::1]:1234
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 10.0.0.1:1234
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request: Any) -> str | None:
    """The client's IP address: REMOTE_ADDR, or, behind a trusted proxy, the address that proxy saw.

    X-Forwarded-For is only honoured with settings.TRUST_X_FORWARDED_FOR; then its right-most entry
    (the one our own proxy appended) is used, because everything left of it is client-supplied.
    Also django-axes' AXES_CLIENT_IP_CALLABLE, so lockout and access log agree on the address.
    """
    if request is None:
        return None
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [e.strip() for e in forwarded.split(",") if e.strip()]
        if entries:
            address = _valid_ip(entries[-1])
            if address:
                return address
    return _valid_ip(request.META.get("REMOTE_ADDR"))


def access_context(request: Any) -> AccessContext:
    """The context of one HTTP request (None gives an empty context: no address, no method)."""
    if request is None:
        return AccessContext()
    # The API middleware runs a HEAD as GET and marks it (`_ww_head_as_get`); the web views see HEAD itself.
    head = request.method == "HEAD" or getattr(request, "_ww_head_as_get", False)
    return AccessContext(client_address=client_address(request), method="HEAD" if head else (request.method or ""))
