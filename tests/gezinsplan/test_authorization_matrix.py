"""Need-to-know, generated from the URL list: every case URL of the plans app (API and web) × every kind of
caller → the expected status. A new operation in plans/api.py (found on the composed django-ninja API in
the URL resolver) or URL in plans/urls.py is picked up automatically;
a write route without a sample body below makes this test fail, so nothing can escape the matrix.

    member → 2xx · former member, other professional, administrator (superuser), policy staff,
    content editor → 404 (identical to an unknown id) · anonymous → 401 (API) / 302 to login (web)

Also: the audit completeness test — every GET that returns case data writes a "read" (or "export") entry.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from ninja.operation import PathView

from accounts.helpers import bearer, verified_client
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.core.apikit import operation_methods
from wegwijzer.gezinsplan import api as gezinsplan_api
from wegwijzer.gezinsplan import urls as web_urls
from wegwijzer.gezinsplan.models import Regie

from .factories import Team, membership, professional

pytestmark = pytest.mark.django_db


def _flatten(patterns, namespace: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _flatten(p.url_patterns, namespace)
        elif isinstance(p, URLPattern):
            yield namespace, p


def _operations(callback) -> list:
    """The django-ninja operations behind a URL view (the view closes over its PathView)."""
    for cell in getattr(callback, "__closure__", None) or ():
        if isinstance(cell.cell_contents, PathView):
            return list(cell.cell_contents.operations)
    return []


def _api_patterns():
    """Every URL of the served API (the root resolver's "api" namespace) with an operation of plans/api.py."""
    [resolver] = [p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "api"]
    found = []
    for _ns, pattern in _flatten(resolver.url_patterns):
        operations = _operations(pattern.callback)
        if any(op.view_func.__module__ == gezinsplan_api.__name__ for op in operations):
            found.append(pattern)
    return found


def _routes(kind: str):
    if kind == "api":
        patterns, namespace = _api_patterns(), "api:"
        # ninja gives each operation of a path its own URL entry; every one must carry the path's name
        for pattern in patterns:
            assert pattern.name, f"unnamed plans operation {pattern.pattern}: give it url_name= for the matrix"
    else:
        patterns, namespace = web_urls.urlpatterns, web_urls.app_name + ":"
    out = []
    seen = set()
    for ns, pattern in _flatten(patterns, namespace):
        assert pattern.name, f"unnamed plans route {pattern.pattern}: name it so the matrix can reach it"
        params = sorted(pattern.pattern.converters)
        methods = operation_methods(pattern.callback) if kind == "api" else ("GET",)
        route = (kind, ns + pattern.name, tuple(params), tuple(methods))
        if route not in seen:  # one entry per path (ninja: one URL entry per operation of the path)
            seen.add(route)
            out.append(route)
    return out


API_ROUTES = _routes("api")
WEB_ROUTES = _routes("web")
GEZINSPLAN_API_ROUTES = [r for r in API_ROUTES if "gezinsplan_id" in r[2]]
GEZINSPLAN_WEB_ROUTES = [r for r in WEB_ROUTES if "gezinsplan_id" in r[2]]


def fill(team: Team, params) -> dict:
    decision = team.meeting.decisions.first()
    values = {
        "gezinsplan_id": team.gezinsplan.pk,
        "step": 1,
        "agreement_id": team.agreement.pk,
        "consent_id": team.consent.pk,
        "meeting_id": team.meeting.pk,
        "username": team.colleague.username,
        "decision_id": decision.pk if decision else 1,
        "membership_id": membership(team.gezinsplan, team.colleague).pk,
        "verwijzing_id": team.verwijzing.pk,
    }
    missing = [p for p in params if p not in values]
    assert not missing, (
        f"the matrix does not know how to fill path parameter(s) {missing}; add them to fill()"
    )
    return {p: values[p] for p in params}


def _today():
    return timezone.localdate().isoformat()


# Sample bodies a member sends to each write route (keyed by url name and method).
SAMPLES = {
    ("api-gezinsplan", "PATCH"): lambda t: {"label": "Gezin Zonnebloem 2"},
    ("api-gezinsplan-close", "POST"): lambda t: {},
    ("api-gezinsplan-members", "POST"): lambda t: {"username": t.other.username},
    ("api-gezinsplan-member", "DELETE"): lambda t: None,
    ("api-gezinsplan-regie", "PUT"): lambda t: {
        "lead": "member",
        "lead_member": t.member.username,
        "version": Regie.objects.get(gezinsplan=t.gezinsplan).version,
    },
    ("api-gezinsplan-plan-step", "PUT"): lambda t: {
        "content": "Inhoud",
        "considerations": "Afweging",
        "version": 0,
    },
    ("api-gezinsplan-agreements", "POST"): lambda t: {
        "what": "Bellen",
        "owner": t.colleague.username,
        "due_date": _today(),
    },
    ("api-gezinsplan-agreement", "PATCH"): lambda t: {"status": "done"},
    ("api-gezinsplan-consents", "POST"): lambda t: {
        "what": "Zwangerschap",
        "with_whom": "Huisarts",
        "given_on": _today(),
    },
    ("api-gezinsplan-consent-withdraw", "POST"): lambda t: {},
    ("api-gezinsplan-meetings", "POST"): lambda t: {
        "starts_at": timezone.now().isoformat(),
        "participants": [t.member.username],
    },
    ("api-gezinsplan-meeting", "PATCH"): lambda t: {"minutes": "Verslag"},
    ("api-gezinsplan-meeting-agreements", "POST"): lambda t: {
        "items": [{"decision": t.meeting.decisions.first().pk}]
    },
    ("api-gezinsplan-handovers", "POST"): lambda t: {
        "successor": t.other.username,
        "note": "n",
        "family_informed": True,
    },
    ("api-gezinsplan-involved", "PUT"): lambda t: {"involved": ["jgz"]},
    ("api-gezinsplan-verwijzingen", "POST"): lambda t: {
        "target_kind": "service",
        "target": t.service.slug,
        "accept_double": True,
    },
    ("api-gezinsplan-verwijzing-status", "POST"): lambda t: {"status": "geaccepteerd"},
    ("api-gezinsplan-feedback", "POST"): lambda t: {
        "recipient_role": "jgz",
        "recipient_email": "jgz@example.org",
        "message": "Info",
    },
}

PERSONAS = ["member", "former", "other", "admin", "policy", "editor", "anonymous"]
NON_MEMBERS = ["former", "other", "admin", "policy", "editor"]


def _user(team: Team, persona: str):
    return {
        "member": team.member,
        "former": team.former,
        "other": team.other,
        "admin": team.admin,
        "policy": team.policy,
        "editor": team.editor,
        "anonymous": None,
    }[persona]


def api_request(client, team: Team, name: str, params, method: str, persona: str, kwargs=None):
    url = reverse(name, kwargs=kwargs or fill(team, params))
    user = _user(team, persona)
    extra = bearer(user) if user else {}
    if method == "GET":
        return client.get(url, **extra)
    sample = (name.removeprefix("api:"), method)
    if sample not in SAMPLES:
        pytest.fail(f"route {name} {method} has no sample body in SAMPLES: add one so the matrix covers it")
    body = SAMPLES[sample](team)
    data = "" if body is None else json.dumps(body)
    return client.generic(method, url, data=data, content_type="application/json", **extra)


CASES = [(name, params, method) for _kind, name, params, methods in GEZINSPLAN_API_ROUTES for method in methods]


def test_matrix_covers_the_api():
    names = {name for _k, name, _p, _m in GEZINSPLAN_API_ROUTES}
    assert {
        "api:api-gezinsplan",
        "api:api-gezinsplan-members",
        "api:api-gezinsplan-plan-step",
        "api:api-gezinsplan-audit",
        "api:api-gezinsplan-export-fhir",
    } <= names
    assert len(CASES) >= 30
    # Every operation of plans/api.py is served (none lost between the router and the resolver).
    served = {op.view_func.__name__ for p in _api_patterns() for op in _operations(p.callback)}
    declared = {op.view_func.__name__ for view in gezinsplan_api.router.path_operations.values() for op in view.operations}
    assert served == declared and len(declared) >= 33


@pytest.mark.parametrize(("name", "params", "method"), CASES, ids=[f"{m} {n}" for n, _p, m in CASES])
def test_api_matrix(client, name, params, method):
    """One case per route; the callers that must not change anything go first, the member last."""
    team = Team()
    for persona in NON_MEMBERS:
        response = api_request(client, team, name, params, method, persona)
        assert response.status_code == 404, (persona, response.status_code, response.content[:300])
        assert response.json() == {"detail": "Niet gevonden."}, persona
    assert api_request(client, team, name, params, method, "anonymous").status_code == 401
    # An unknown id looks exactly like someone else's case.
    kwargs = {**fill(team, params), "gezinsplan_id": uuid.uuid4()}
    response = api_request(client, team, name, params, method, "member", kwargs=kwargs)
    assert response.status_code == 404 and response.json() == {"detail": "Niet gevonden."}
    response = api_request(client, team, name, params, method, "member")
    assert 200 <= response.status_code < 300, (response.status_code, response.content[:300])


def test_case_collection(client):
    team = Team()
    assert client.get(reverse("api:api-gezinsplannen")).status_code == 401
    assert client.post(reverse("api:api-gezinsplannen"), data="{}", content_type="application/json").status_code == 401
    for persona in ("former", "other", "admin", "policy", "editor"):
        response = client.get(reverse("api:api-gezinsplannen"), **bearer(_user(team, persona)))
        assert response.status_code == 200 and response.json()["results"] == [], persona
    response = client.get(reverse("api:api-gezinsplannen"), **bearer(team.member))
    assert [c["id"] for c in response.json()["results"]] == [str(team.gezinsplan.pk)]
    for persona in ("admin", "policy", "editor"):
        response = client.post(
            reverse("api:api-gezinsplannen"),
            data=json.dumps({"label": "Gezin"}),
            content_type="application/json",
            **bearer(_user(team, persona)),
        )
        assert response.status_code == 403, persona


# ---- web routes (built by the web engineer on top of the same selectors): discovered the same way ----

WEB_CASES = [(name, params) for _kind, name, params, _methods in GEZINSPLAN_WEB_ROUTES]


@pytest.mark.parametrize(("name", "params"), WEB_CASES, ids=[n for n, _p in WEB_CASES])
def test_web_matrix(client, name, params):
    team = Team()
    url = reverse(name, kwargs=fill(team, params))
    member_client = verified_client(type(client)(), team.member)
    get_only_for_members = member_client.get(url).status_code  # GET does not change anything
    for persona in NON_MEMBERS:
        other = verified_client(type(client)(), _user(team, persona))
        if get_only_for_members == 405:  # a POST-only page: a POST must also say 404 to non-members
            assert other.post(url, {}).status_code == 404, persona
        else:
            assert other.get(url).status_code == 404, persona
    anonymous = type(client)().get(url)
    login = resolve_url(settings.LOGIN_URL)
    assert anonymous.status_code == 405 or (
        anonymous.status_code == 302 and anonymous["Location"].startswith(login)
    )
    assert get_only_for_members < 400 or get_only_for_members == 405, get_only_for_members


# ---- audit completeness ----

READ_ROUTES = [
    (kind, name, params)
    for kind, name, params, methods in GEZINSPLAN_API_ROUTES + GEZINSPLAN_WEB_ROUTES
    if "GET" in methods
]


def test_every_read_is_logged(client):
    """Audit completeness: every GET route (API and web) that returns case data writes a read/export entry."""
    team = Team()
    verified_client(client, team.member)
    headers = bearer(team.member)
    checked = []
    for kind, name, params in READ_ROUTES:
        before = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        url = reverse(name, kwargs=fill(team, params))
        response = client.get(url, **headers) if kind == "api" else client.get(url)
        if response.status_code == 405:
            continue
        assert response.status_code == 200, (name, response.status_code)
        new = AccessLogEntry.objects.filter(
            id__gt=before, gezinsplan_id=str(team.gezinsplan.pk), username=team.member.username
        )
        assert new.filter(action__in=("read", "export"), outcome="success").exists(), (
            f"{name} returned case data without a read entry"
        )
        checked.append(name)
    assert len(checked) >= len([r for r in READ_ROUTES if r[0] == "api"])


def test_list_reads_are_logged(client):
    team = Team()
    client.get(reverse("api:api-gezinsplannen"), **bearer(team.member))
    assert AccessLogEntry.objects.filter(gezinsplan_id=str(team.gezinsplan.pk), action="read", detail="lijst").exists()


def test_former_member_via_handover_has_no_access_even_as_owner_of_old_data(client):
    team = Team()
    assert (
        client.get(reverse("api:api-gezinsplan", kwargs={"gezinsplan_id": team.gezinsplan.pk}), **bearer(team.former)).status_code
        == 404
    )
    fresh = professional("nieuw")
    assert (
        client.get(reverse("api:api-gezinsplan", kwargs={"gezinsplan_id": team.gezinsplan.pk}), **bearer(fresh)).status_code == 404
    )
