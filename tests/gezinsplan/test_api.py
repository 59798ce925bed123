"""The gezinsplan JSON API: happy paths, bad input (400/422 with Dutch per-field errors), conflicts (409)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from accounts.helpers import bearer
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.gezinsplan.models import Consent, Gezinsplan, PlanSection

from .factories import professional

pytestmark = pytest.mark.django_db
API = "/api/v1"


def call(client, method, url, user, body=None, raw=None):
    kwargs = bearer(user)
    if method != "get":
        kwargs["data"] = raw if raw is not None else ("" if body is None else json.dumps(body))
        kwargs["content_type"] = "application/json"
    return getattr(client, method)(API + url, **kwargs)


@pytest.fixture
def alice(db):
    return professional("alice", role="verloskundige", organization_slug="verloskundigen-oost")


@pytest.fixture
def bob(db):
    return professional("bob", role="buurtteam-jeugd-gezin", organization_slug="buurtteam-oost")


def test_two_professionals_run_a_plan_to_a_warm_handover(client, alice, bob):
    r = call(
        client, "post", "/gezinsplannen", alice, {"label": "Gezin Merel", "phase": "zwangerschap", "wijk": "oost"}
    )
    assert r.status_code == 201, r.content
    gezinsplan_id = r.json()["id"]
    assert [m["username"] for m in r.json()["members"]] == [alice.username]
    assert call(client, "get", f"/gezinsplannen/{gezinsplan_id}", bob).status_code == 404
    r = call(
        client,
        "post",
        f"/gezinsplannen/{gezinsplan_id}/members",
        alice,
        {"username": bob.username, "role": "buurtteam-jeugd-gezin"},
    )
    assert r.status_code == 201, r.content
    assert [c["id"] for c in call(client, "get", "/gezinsplannen", bob).json()["results"]] == [gezinsplan_id]
    r = call(
        client,
        "put",
        f"/gezinsplannen/{gezinsplan_id}/regie",
        bob,
        {
            "lead": "ouders",
            "support_member": bob.username,
            "records_member": bob.username,
            "informs_text": "Buurtteam informeert huisarts",
            "version": 0,
        },
    )
    assert r.status_code == 200, r.content
    r = call(
        client,
        "post",
        f"/gezinsplannen/{gezinsplan_id}/consents",
        bob,
        {
            "what": "Zorgen rond de bevalling",
            "with_whom": "Huisarts",
            "given_on": timezone.localdate().isoformat(),
        },
    )
    assert r.status_code == 201, r.content
    consent_id = r.json()["id"]
    for step in range(1, 6):
        r = call(
            client,
            "put",
            f"/gezinsplannen/{gezinsplan_id}/plan/{step}",
            bob,
            {"content": f"Stap {step}", "considerations": "Afweging", "version": 0},
        )
        assert r.status_code == 200, r.content
    assert [s["version"] for s in call(client, "get", f"/gezinsplannen/{gezinsplan_id}/plan", alice).json()["steps"]] == [
        1
    ] * 5
    r = call(
        client,
        "post",
        f"/gezinsplannen/{gezinsplan_id}/meetings",
        alice,
        {
            "starts_at": (timezone.now() + dt.timedelta(days=2)).isoformat(),
            "location": "Buurtteam Oost",
            "participants": [alice.username, bob.username],
            "family_participates": True,
            "decisions": ["JGZ-huisbezoek"],
        },
    )
    assert r.status_code == 201, r.content
    meeting = r.json()
    r = call(client, "get", f"/gezinsplannen/{gezinsplan_id}/meetings/{meeting['id']}.ics", bob)
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in r.content
    r = call(
        client,
        "post",
        f"/gezinsplannen/{gezinsplan_id}/meetings/{meeting['id']}/agreements",
        alice,
        {
            "items": [
                {
                    "decision": meeting["decisions"][0]["id"],
                    "owner": bob.username,
                    "due_date": timezone.localdate().isoformat(),
                }
            ]
        },
    )
    assert r.status_code == 201, r.content
    aid = r.json()["results"][0]["id"]
    r = call(client, "patch", f"/gezinsplannen/{gezinsplan_id}/agreements/{aid}", bob, {"status": "done"})
    assert r.status_code == 200 and r.json()["status"] == "done"
    r = call(
        client,
        "post",
        f"/gezinsplannen/{gezinsplan_id}/feedback",
        bob,
        {
            "recipient_role": "huisarts",
            "recipient_email": "ha@example.org",
            "message": "Buurtteam is betrokken",
        },
    )
    assert r.status_code == 201, r.content
    r = call(client, "post", f"/gezinsplannen/{gezinsplan_id}/consents/{consent_id}/withdraw", alice)
    assert r.status_code == 200 and r.json()["active"] is False
    r = call(client, "get", f"/gezinsplannen/{gezinsplan_id}/export/fhir", alice)
    assert r.status_code == 200 and r.json()["resourceType"] == "Bundle"
    carol = professional("carol", role="buurtteam-jeugd-gezin")
    r = call(
        client,
        "post",
        f"/gezinsplannen/{gezinsplan_id}/handovers",
        bob,
        {"successor": carol.username, "note": "Warme overdracht", "family_informed": True},
    )
    assert r.status_code == 201, r.content
    assert call(client, "get", f"/gezinsplannen/{gezinsplan_id}", bob).status_code == 404
    assert call(client, "get", f"/gezinsplannen/{gezinsplan_id}", carol).status_code == 200
    regie = call(client, "get", f"/gezinsplannen/{gezinsplan_id}/regie", carol).json()
    assert regie["support_member"] == carol.username
    audit = call(client, "get", f"/gezinsplannen/{gezinsplan_id}/audit", carol).json()["results"]
    assert {"create", "read", "update", "export", "handover", "member_add"} <= {e["action"] for e in audit}
    assert set(audit[0]) >= {
        "event_id",
        "user",
        "role",
        "organization",
        "action",
        "outcome",
        "time",
        "client_address",
    }
    assert {e["user"] for e in audit} >= {alice.username, bob.username, carol.username}


def test_anonymous_gets_401(client):
    assert client.get(API + "/gezinsplannen").status_code == 401


def test_list_shows_only_callers_cases(client, alice, bob):
    call(client, "post", "/gezinsplannen", alice, {"label": "Gezin A"})
    assert call(client, "get", "/gezinsplannen", bob).json()["results"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phase": "zwangerschap"}, "label"),
        ({"label": 42}, "label"),
        ({"label": "x" * 101}, "label"),
        ({"label": "Gezin 123456789"}, "label"),
        ({"label": "Gezin", "phase": "zomer"}, "phase"),
        ({"label": "Gezin", "wijk": ["oost"]}, "wijk"),
        ({"label": "Gezin", "bsn": "x"}, "bsn"),
        ({"label": "Gezin", "contact_email": "geen-mail"}, "contact_email"),
    ],
)
def test_create_rejects_bad_fields_with_dutch_messages(client, alice, body, field):
    r = call(client, "post", "/gezinsplannen", alice, body)
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"]
    assert Gezinsplan.objects.count() == 0


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"tekst"'])
def test_malformed_json_is_400(client, alice, raw):
    r = call(client, "post", "/gezinsplannen", alice, raw=raw)
    assert r.status_code == 400 and r.json()["detail"]


def test_member_errors(client, team):
    url = f"/gezinsplannen/{team.gezinsplan.pk}/members"
    r = call(client, "post", url, team.member, {"username": "niemand"})
    assert r.status_code == 422 and "username" in r.json()["errors"]
    now = timezone.now()
    r = call(
        client,
        "post",
        url,
        team.member,
        {
            "username": team.other.username,
            "valid_from": now.isoformat(),
            "valid_to": (now - dt.timedelta(days=3)).isoformat(),
        },
    )
    assert r.status_code == 422 and "valid_to" in r.json()["errors"]
    # A date that cannot be read at all is malformed input: 400 naming the field (core.dates).
    r = call(client, "post", url, team.member, {"username": team.other.username, "valid_from": "gisteren"})
    assert r.status_code == 400 and "valid_from" in r.json()["errors"]
    r = call(client, "delete", f"{url}/{team.colleague.username}", team.member)
    assert r.status_code == 200 and r.json()["current"] is False
    r = call(client, "delete", f"{url}/{team.colleague.username}", team.member)
    assert r.status_code == 404


def test_dates_in_wrong_order(client, team):
    base = f"/gezinsplannen/{team.gezinsplan.pk}"
    r = call(client, "post", f"{base}/agreements", team.member, {"what": "x", "due_date": "2000-01-01"})
    assert r.status_code == 422 and "due_date" in r.json()["errors"]
    r = call(
        client,
        "post",
        f"{base}/consents/{team.consent.pk}/withdraw",
        team.member,
        {"withdrawn_on": "2000-01-01"},
    )
    assert r.status_code == 422 and "withdrawn_on" in r.json()["errors"]
    assert Consent.objects.get(pk=team.consent.pk).withdrawn_on is None


def test_conflict_returns_409_with_both_versions(client, team):
    url = f"/gezinsplannen/{team.gezinsplan.pk}/plan/2"
    first = call(client, "put", url, team.member, {"content": "Versie A", "considerations": "", "version": 0})
    assert first.status_code == 200
    second = call(
        client, "put", url, team.colleague, {"content": "Versie B", "considerations": "", "version": 0}
    )
    assert second.status_code == 409
    body = second.json()
    assert body["mine"]["content"] == "Versie B" and body["theirs"]["content"] == "Versie A"
    assert "detail" in body
    assert PlanSection.objects.get(gezinsplan=team.gezinsplan, step=2).content == "Versie A"


def test_oversized_and_wrong_types_in_plan(client, team):
    url = f"/gezinsplannen/{team.gezinsplan.pk}/plan/3"
    r = call(client, "put", url, team.member, {"content": "x" * 10_001, "version": 0})
    assert r.status_code == 422 and "content" in r.json()["errors"]
    r = call(client, "put", url, team.member, {"content": "ok", "version": "nul"})
    assert r.status_code == 422 and "version" in r.json()["errors"]
    assert (
        call(
            client, "put", f"/gezinsplannen/{team.gezinsplan.pk}/plan/9", team.member, {"content": "", "version": 0}
        ).status_code
        == 404
    )


def test_script_is_stored_as_text_and_returned_as_json(client, team):
    url = f"/gezinsplannen/{team.gezinsplan.pk}/plan/1"
    payload = "<script>alert('x')</script>"
    assert call(client, "put", url, team.member, {"content": payload, "version": 0}).status_code == 200
    r = call(client, "get", url, team.member)
    assert r["Content-Type"].startswith("application/json")
    assert r.json()["content"] == payload


def test_closed_case_is_read_only(client, team):
    base = f"/gezinsplannen/{team.gezinsplan.pk}"
    assert call(client, "post", f"{base}/close", team.member).status_code == 200
    assert call(client, "get", base, team.member).json()["status"] == "closed"
    r = call(client, "post", f"{base}/agreements", team.member, {"what": "x"})
    assert r.status_code == 409


def test_staff_cannot_create_cases(client, team):
    assert call(client, "post", "/gezinsplannen", team.policy, {"label": "Gezin"}).status_code == 403
    assert call(client, "get", "/gezinsplannen", team.admin).json()["results"] == []


def test_denied_attempt_is_logged_for_existing_case(client, team):
    call(client, "get", f"/gezinsplannen/{team.gezinsplan.pk}", team.other)
    assert AccessLogEntry.objects.filter(
        gezinsplan_id=str(team.gezinsplan.pk), outcome="denied", username=team.other.username
    ).exists()


def _plans_operations():
    """(path as OpenAPI writes it, method) for every operation of plans/api.py."""
    from wegwijzer.gezinsplan.api import router

    for path, view in router.path_operations.items():
        route = re.sub(r"{[^}:]+:", "{", path)  # "{uuid:case_id}" → "{gezinsplan_id}"
        for operation in view.operations:
            for method in operation.methods:
                yield route, method.lower()


def test_openapi_documents_every_route_with_its_error_responses():
    """The generated document (no hand-written plans paths left) has every plans operation, its path
    parameters, its request body and the error answers it can give, each in the one error shape."""
    import importlib.util

    from wegwijzer.conf.api import openapi_document

    assert importlib.util.find_spec("wegwijzer.gezinsplan.openapi") is None
    doc = openapi_document()
    error = {"$ref": "#/components/schemas/ErrorOut"}
    checked = 0
    for route, method in _plans_operations():
        assert route in doc["paths"] and method in doc["paths"][route], (route, method)
        documented = doc["paths"][route][method]
        responses = documented["responses"]
        names = {p["name"] for p in documented.get("parameters", []) if p["in"] == "path"}
        assert names == set(re.findall(r"{(\w+)}", route)), (route, names)
        assert {"401", "405"} <= set(responses), (route, method)
        if "gezinsplan_id" in route:
            assert responses["404"]["content"]["application/json"]["schema"] == error, (route, method)
        if method in ("post", "put", "patch"):
            assert "requestBody" in documented, (route, method)
            for code in ("400", "403", "415", "422") + (("409",) if "gezinsplan_id" in route else ()):
                assert code in responses, (route, method, code)  # 409: a closed case (or a stale version)
        success = [c for c in responses if c.startswith("2")]
        assert len(success) == 1, (route, method, success)
        checked += 1
    assert checked >= 33
    # The 409 of a stale version documents both versions; the body schemas refuse unknown fields.
    put = doc["paths"]["/gezinsplannen/{gezinsplan_id}/plan/{step}"]["put"]
    conflict = put["responses"]["409"]["content"]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/ConflictOut"} in conflict["anyOf"]
    schemas = doc["components"]["schemas"]
    assert set(schemas["ConflictOut"]["required"]) == {"detail", "mine", "theirs"}
    assert schemas["StepIn"]["additionalProperties"] is False and "version" in schemas["StepIn"]["required"]
    assert schemas["ConsentIn"]["properties"]["given_on"]["format"] == "date"
    ics = doc["paths"]["/gezinsplannen/{gezinsplan_id}/meetings/{meeting_id}.ics"]["get"]["responses"]["200"]
    assert list(ics["content"]) == ["text/calendar"]
    # Components are keyed by class name across all apps: each plans schema must be the one documented.
    from pydantic import BaseModel

    from wegwijzer.gezinsplan import schemas as plan_schemas

    mine = [c for c in vars(plan_schemas).values() if isinstance(c, type) and issubclass(c, BaseModel)]
    documented = [c for c in mine if c.__name__ in schemas]
    assert len(documented) >= 30
    for cls in documented:
        assert set(schemas[cls.__name__].get("properties", {})) == set(cls.model_fields), cls.__name__


def test_openapi_document_validates():
    from openapi_spec_validator import validate

    from wegwijzer.conf.api import openapi_document

    validate(openapi_document())


def test_crash_mid_request_leaves_nothing(client, team, monkeypatch):
    from wegwijzer.gezinsplan import services
    from wegwijzer.gezinsplan.models import Meeting, MeetingDecision

    def boom(*args, **kwargs):
        raise RuntimeError("crash")

    monkeypatch.setattr(services, "_log", boom)
    before = (Meeting.objects.count(), MeetingDecision.objects.count())
    with pytest.raises(RuntimeError):
        call(
            client,
            "post",
            f"/gezinsplannen/{team.gezinsplan.pk}/meetings",
            team.member,
            {"starts_at": timezone.now().isoformat(), "decisions": ["a", "b"]},
        )
    assert (Meeting.objects.count(), MeetingDecision.objects.count()) == before


def test_denied_write_attempt_is_logged_too(client, team):
    r = call(client, "post", f"/gezinsplannen/{team.gezinsplan.pk}/agreements", team.other, {"what": "x"})
    assert r.status_code == 404
    entry = AccessLogEntry.objects.get(
        gezinsplan_id=str(team.gezinsplan.pk), outcome="denied", username=team.other.username
    )
    assert entry.action == "update"


def test_conflict_via_api_is_logged(client, team):
    url = f"/gezinsplannen/{team.gezinsplan.pk}/plan/4"
    call(client, "put", url, team.member, {"content": "A", "version": 0})
    assert call(client, "put", url, team.colleague, {"content": "B", "version": 0}).status_code == 409
    assert AccessLogEntry.objects.filter(
        gezinsplan_id=str(team.gezinsplan.pk),
        username=team.colleague.username,
        action="read",
        detail__startswith="conflict",
    ).exists()
