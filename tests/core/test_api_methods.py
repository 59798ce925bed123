"""Every /api/v1/ endpoint answers an undeclared method with 405 + Allow + Dutch JSON, before CSRF or auth.

The URL list comes from the resolver, so an endpoint added later is covered (and must be a django-ninja
operation: they declare their methods, and the API has no other method dispatch).
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from wegwijzer.core.apikit import operation_methods

CANDIDATES = ("PROPFIND", "PUT", "DELETE", "PATCH", "POST", "GET")
FILL = {"uuid": str(uuid.UUID(int=1)), "uuidstr": str(uuid.UUID(int=1)), "int": "1", "str": "x", "slug": "x", "path": "x"}


def _walk(patterns, prefix: str = ""):
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            yield route, p.callback


def _concrete(route: str) -> str:
    def fill(match: re.Match) -> str:
        converter = match.group(1) or "str"
        return FILL[converter]

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", fill, route)


def declared_methods(view) -> tuple[str, ...]:
    """The methods of a ninja URL view, GET implying HEAD (TypeError for a view that is not ninja's)."""
    found = set(operation_methods(view))
    if "GET" in found:
        found.add("HEAD")
    return tuple(sorted(found))


API_ROUTES = sorted({r: cb for r, cb in _walk(get_resolver().url_patterns) if r.startswith("api/v1/")}.items())


def test_the_walk_finds_every_app_and_the_new_health_endpoints():
    routes = {r for r, _cb in API_ROUTES}
    assert {"api/v1/health", "api/v1/health/ready", "api/v1/services", "api/v1/advice", "api/v1/me",
            "api/v1/gezinsplannen", "api/v1/search"} <= routes
    assert len(routes) >= 30


@pytest.mark.parametrize(("route", "callback"), API_ROUTES, ids=[r for r, _cb in API_ROUTES])
def test_every_api_view_declares_its_methods(route, callback):
    assert declared_methods(callback), f"{route}: make it a django-ninja operation"


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "callback"), API_ROUTES, ids=[r for r, _cb in API_ROUTES])
def test_undeclared_methods_are_405_with_allow(route, callback):
    allowed = declared_methods(callback)
    undeclared = [m for m in CANDIDATES if m not in allowed]
    assert "PROPFIND" in undeclared
    # CSRF enforced as in production; no credentials: the 405 must come before the 403 and the 401.
    client = Client(enforce_csrf_checks=True)
    url = _concrete(route)
    for method in undeclared:
        response = client.generic(method, url, data="{}", content_type="application/json")
        assert response.status_code == 405, (method, url, response.status_code, response.content[:200])
        assert response["Allow"] == ", ".join(allowed), (method, url)
        assert response["Content-Type"].startswith("application/json")
        assert "niet toegestaan" in response.json()["detail"], (method, url)


@pytest.mark.django_db
def test_get_only_endpoint_refuses_put_with_405_not_403():
    response = Client(enforce_csrf_checks=True).put("/api/v1/services", data="{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_declared_methods_still_reach_the_view():
    client = Client(enforce_csrf_checks=True)
    assert client.get("/api/v1/services").status_code == 200
    assert client.head("/api/v1/health").status_code == 200
    assert client.get("/api/v1/me").status_code == 401  # declared: authentication answers, not the 405


@pytest.mark.django_db
def test_web_pages_keep_csrf_and_their_own_method_handling():
    response = Client(enforce_csrf_checks=True).generic("PROPFIND", "/account/inloggen/")
    assert response.status_code == 403  # outside /api/ the CSRF page still answers non-safe methods
