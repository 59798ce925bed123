"""Edge middleware: answers that must come before (or instead of) the views.

ApiMethodMiddleware sits before CsrfViewMiddleware: a method an /api/ view does not declare is a 405 with
Allow, not the CSRF 403 or an authentication 401 that would send a client looking in the wrong place.
LegacyApiPathMiddleware keeps the pre-rename paths (`/api/v1/cases…`, before the one name "gezinsplan",
docs/glossary.md) working for existing clients, marked deprecated (RFC 9745) with the successor's address.
ServiceUnavailableMiddleware turns a database outage raised in a view into a Dutch 503 with Retry-After,
and an oversized body read in a view into a Dutch 413.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .api import json_error, method_not_allowed, unstorable_url_parts
from .views import DATABASE_UNAVAILABLE, TOO_LARGE, request_too_large, service_unavailable

logger = logging.getLogger("wegwijzer.core")


LEGACY_API_PREFIX = "/api/v1/cases"
API_PREFIX = "/api/v1/gezinsplannen"


class LegacyApiPathMiddleware:
    """Serve `/api/v1/cases…` as `/api/v1/gezinsplannen…` (same view, same checks, same log), not in OpenAPI."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not (path == LEGACY_API_PREFIX or path.startswith(LEGACY_API_PREFIX + "/")):
            return self.get_response(request)
        successor = API_PREFIX + path[len(LEGACY_API_PREFIX) :]
        request.path_info = successor
        request.path = request.path[: len(request.path) - len(path)] + successor
        response = self.get_response(request)
        response["Deprecation"] = "true"
        response["Link"] = f'<{successor}>; rel="successor-version"'
        return response


class ApiMethodMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "_ww_head_as_get", False):
            # HEAD is GET without the body (RFC 9110 §9.3.2): same status and headers.
            request.method = "HEAD"
            if not response.streaming:
                length = len(response.content)
                response.content = b""
                response["Content-Length"] = str(length)
        if (
            response.status_code == 405
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            # django-ninja's own 405 is English text; keep its Allow, answer in the one error shape.
            allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
            if "GET" in allowed and "HEAD" not in allowed:
                allowed.append("HEAD")
            return method_not_allowed(sorted(allowed))
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not request.path.startswith("/api/"):
            return None
        bad = unstorable_url_parts(request)
        if bad:
            return json_error(400, _("Het adres bevat een ongeldig teken."), bad)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.namespace == "api" and request.method == "HEAD":
            # Every /api/ view is a django-ninja operation: it answers its own 405 (made Dutch in __call__,
            # before CSRF, which ninja leaves to its auth) and HEAD runs as GET.
            request.method = "GET"
            request._ww_head_as_get = True  # type: ignore[attr-defined]
        return None


class ServiceUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            logger.warning("database unavailable while answering %s %s: %s", request.method, request.path, exception)
            return service_unavailable(request)
        if isinstance(exception, TOO_LARGE):
            return request_too_large(request)
        return None
