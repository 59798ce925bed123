"""FHIR export validates (fhir.resources R4B) and carries the plan; the print context is plain Dutch."""

from __future__ import annotations

import pytest
from django.utils import timezone

from wegwijzer.gezinsplan import exports, services

pytestmark = pytest.mark.django_db


def resources(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_fhir_bundle_validates_and_maps_plan(team):
    services.plan_section_update(
        actor=team.member,
        gezinsplan=team.gezinsplan,
        step=1,
        content="Hulp bij huilen",
        considerations="Ouders uitgeput",
        expected_version=0,
    )
    services.consent_withdraw(actor=team.member, consent=team.consent, withdrawn_on=timezone.localdate())
    bundle = exports.plan_fhir_bundle(team.gezinsplan)
    exports.validate_bundle(bundle)  # again, explicitly
    from fhir.resources.R4B.bundle import Bundle

    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    [plan] = resources(bundle, "CarePlan")
    assert plan["status"] == "active" and plan["intent"] == "plan"
    steps = [a["detail"] for a in plan["activity"] if a.get("detail", {}).get("code", {}).get("coding")]
    assert [d["code"]["coding"][0]["code"] for d in steps] == ["1", "2", "3", "4", "5"]
    assert steps[0]["description"] == "Hulp bij huilen"
    assert plan["activity"][0]["progress"][0]["text"] == "Ouders uitgeput"
    tasks = [a["detail"] for a in plan["activity"] if a.get("detail", {}).get("kind") == "Task"]
    assert tasks[0]["description"] == "Huisbezoek plannen" and tasks[0]["status"] == "not-started"
    [team_resource] = resources(bundle, "CareTeam")
    roles = sorted(p["role"][0]["coding"][0]["code"] for p in team_resource["participant"])
    assert roles == ["buurtteam-jeugd-gezin", "jgz", "verloskundige"]
    former = [
        p for p in team_resource["participant"] if p["role"][0]["coding"][0]["code"] == "verloskundige"
    ][0]
    assert "end" in former["period"]
    [consent] = resources(bundle, "Consent")
    assert consent["status"] == "inactive" and consent["provision"]["period"]["end"]


def _references(node):
    """Every Reference.reference anywhere in a resource."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def test_referrals_are_service_requests_with_a_status_task_and_every_reference_resolves(team):
    services.verwijzing_status_change(
        actor=team.member, verwijzing=team.verwijzing, status="afgewezen", reason="Geen plek"
    )
    bundle = exports.plan_fhir_bundle(team.gezinsplan)
    [request] = resources(bundle, "ServiceRequest")
    assert request["status"] == "revoked" and request["code"]["text"] == "Voorbeeldaanbod"
    [task] = resources(bundle, "Task")
    assert task["status"] == "rejected" and task["statusReason"]["text"] == "Geen plek"
    full_urls = {e["fullUrl"] for e in bundle["entry"]}
    assert len(full_urls) == len(bundle["entry"])
    assert task["focus"]["reference"] in full_urls
    [plan] = resources(bundle, "CarePlan")
    assert {"reference": {"reference": task["focus"]["reference"]}} in plan["activity"]
    dangling = [ref for e in bundle["entry"] for ref in _references(e["resource"]) if ref not in full_urls]
    assert dangling == []
    # Stable ids: a second export names the same resources the same way.
    assert {e["fullUrl"] for e in exports.plan_fhir_bundle(team.gezinsplan)["entry"]} == full_urls


def test_validation_is_real():
    with pytest.raises(ValueError):
        exports.validate_bundle(
            {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [{"resource": {"resourceType": "CarePlan", "status": "active"}}],
            }
        )


def test_print_context_plain_dutch(team):
    context = exports.plan_print_context(team.gezinsplan)
    assert context["wijk"] == "Overvecht" and context["phase"] == "Zwangerschap"
    assert [s["number"] for s in context["steps"]] == [1, 2, 3, 4, 5]
    assert context["steps"][1]["content"] == "onbekend"
    assert context["regie"]["lead"] == "Nog niet afgesproken"
    assert {t["role"] for t in context["team"]} == {
        "Buurtteam Jeugd en Gezin (gezinswerker of voordeurmedewerker)",
        "Jeugdgezondheidszorg (JGZ)",
    }
