"""Edge middleware: answers that must come before (or instead of) the views.

ApiMethodMiddleware sits before CsrfViewMiddleware: a method an /api/ view does not declare is a 405 with
Allow, not the CSRF 403 or an authentication 401 that would send a client looking in the wrong place.
ServiceUnavailableMiddleware turns a database outage raised in a view into a Dutch 503 with Retry-After,
and an oversized body read in a view into a Dutch 413.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from .api import declared_methods, method_not_allowed
from .views import DATABASE_UNAVAILABLE, TOO_LARGE, request_too_large, service_unavailable

logger = logging.getLogger("wegwijzer.core")


class ApiMethodMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not request.path.startswith("/api/"):
            return None
        allowed = declared_methods(view_func)
        if allowed is None or request.method in allowed:
            return None
        return method_not_allowed(allowed)


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
