"""Schemathesis over the generated OpenAPI document: no 5xx, and every answer as the document declares it.

One pytest test per operation, on whichever database DATABASE_URL names, with the Utrecht content and an API
token (set up once per module, see `api_world`); each test's writes roll back with pytest-django's `db`.
Bounded and reproducible: few examples per operation, derandomized, no deadline. The case endpoints are
called with a professional's bearer token, and their case ids are pointed at a case of that professional
half of the time, so need-to-know is passed and the endpoints answer beyond 401/404.
"""

from __future__ import annotations

import hashlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.helpers import make_professional
from wegwijzer.accounts.services import api_token_issue

MAX_EXAMPLES = 5
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def api_world(django_db_setup, django_db_blocker):
    """The Utrecht content, a professional with a bearer token, and a case of theirs: made once for the
    module inside a transaction that is rolled back at its end (each test's own `db` transaction nests in it
    as a savepoint), because loading the content for each of ~45 operations cost a minute."""
    from wegwijzer.gezinsplan import services as plans
    from wegwijzer.socialmap import content

    # The WSGI app closes "old" connections at each request's start and end, and a connection inside a test
    # transaction counts as old: on PostgreSQL that would drop the transaction (Django's test Client does this).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            content.load(replace=True)
            user = make_professional("schemathesis-jgz", role="jgz")
            _token, raw = api_token_issue(user=user, name="schemathesis")
            gezinsplan = plans.gezinsplan_create(actor=user, label="Gezin Schemathesis", phase="zwangerschap", wijk="overvecht")
            yield {"token": raw, "gezinsplan_id": str(gezinsplan.pk)}
            transaction.set_rollback(True)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# Loaded at collection (settings are configured by then; the document needs no database), through the app
# itself, as a client sees it.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    get_wsgi_application(),
    config=schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}}),
)


def _pick(case, key: str) -> bool:
    """Deterministically half of the generated cases (stable across runs)."""
    digest = hashlib.sha256(repr((case.method, case.path, key, case.path_parameters)).encode()).digest()
    return digest[0] % 2 == 0


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi_document(case, api_world, db):
    if case.path_parameters and "gezinsplan_id" in case.path_parameters and _pick(case, "gezinsplan_id"):
        case.path_parameters["gezinsplan_id"] = api_world["gezinsplan_id"]
    case.call_and_validate(headers={"Authorization": f"Bearer {api_world['token']}"}, checks=CHECKS)


def test_the_token_and_case_reach_past_authentication(api_world, db, client):
    # what makes the run above exercise the case endpoints beyond 401/404
    auth = {"Authorization": f"Bearer {api_world['token']}"}
    assert client.get(f"/api/v1/gezinsplannen/{api_world['gezinsplan_id']}", headers=auth).status_code == 200
    assert client.get("/api/v1/gezinsplannen", headers=auth).status_code == 200
    assert client.get(f"/api/v1/gezinsplannen/{api_world['gezinsplan_id']}").status_code == 401
