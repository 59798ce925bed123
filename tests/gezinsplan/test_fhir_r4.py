"""The FHIR export is R4 (4.0.1): every export parses with fhirclient's R4 models (strict) AND validates
against the official R4 JSON Schema (node + ajv, pinned in package.json); references resolve inside the
Bundle; ids are stable; the mapping carries the regie lead, the consent's patient and a referral's status."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from fhirclient.models.bundle import Bundle
from fhirclient.models.fhirabstractbase import FHIRValidationError

from accounts.helpers import bearer, verified_client
from wegwijzer.gezinsplan import exports, services

from .factories import make_case, membership, professional

pytestmark = pytest.mark.django_db
SCHEMA_SCRIPT = Path(__file__).with_name("fhir_schema_validate.js")
UUID_URN = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def schema_errors(resources: list[dict]) -> list[list[dict]]:
    """Each resource's errors against R4's fhir.schema.json (an empty list when it is valid)."""
    node = shutil.which("node")
    assert node, "node is needed for the R4 JSON Schema check"
    done = subprocess.run(
        [node, str(SCHEMA_SCRIPT)],
        input=json.dumps(resources),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=SCHEMA_SCRIPT.parent,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def assert_r4(*bundles: dict) -> None:
    for bundle in bundles:
        parsed = Bundle(
            bundle, strict=True
        )  # raises on any unknown element, wrong type or missing required one
        assert (
            parsed.as_json()["entry"][0]["resource"]["resourceType"]
            == bundle["entry"][0]["resource"]["resourceType"]
        )
    errors = schema_errors(list(bundles))
    assert errors == [[] for _ in bundles], json.dumps(errors)[:2000]


def resources(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def by_url(bundle):
    return {e["fullUrl"]: e["resource"] for e in bundle["entry"]}


def references(node):
    """Every Reference.reference anywhere in a resource."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def assert_references_resolve(bundle):
    urls = by_url(bundle)
    assert len(urls) == len(bundle["entry"])
    for entry in bundle["entry"]:
        assert UUID_URN.match(entry["fullUrl"]) and entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
    dangling = [ref for e in bundle["entry"] for ref in references(e["resource"]) if ref not in urls]
    assert dangling == []


def full_plan(team):
    """The team's case with every part filled: steps, regie, a withdrawn consent, a referral on the list."""
    services.plan_section_update(
        actor=team.member,
        gezinsplan=team.gezinsplan,
        step=1,
        content="Hulp bij <huilen> & slapen",
        considerations="Ouders uitgeput",
        expected_version=0,
    )
    services.regie_set(
        actor=team.member,
        gezinsplan=team.gezinsplan,
        lead="member",
        expected_version=0,
        lead_member=membership(team.gezinsplan, team.colleague).pk,
        monitors_member=membership(team.gezinsplan, team.member).pk,
    )
    services.consent_withdraw(actor=team.member, consent=team.consent, withdrawn_on=timezone.localdate())
    services.verwijzing_status_change(actor=team.member, verwijzing=team.verwijzing, status="wachtlijst")
    return team.gezinsplan


def test_every_kind_of_export_is_r4_with_every_reference_resolved(team):
    fresh = make_case(professional("nieuw"), label="Gezin Klaproos")
    parents_lead = make_case(professional("ouders-steun"), label="Gezin Madelief")
    services.regie_set(
        actor=parents_lead.created_by,
        gezinsplan=parents_lead,
        lead="ouders",
        expected_version=0,
        support_member=membership(parents_lead, parents_lead.created_by).pk,
    )
    closed = make_case(professional("sluiter"), label="Gezin Boterbloem")
    services.gezinsplan_close(actor=closed.created_by, gezinsplan=closed)
    bundles = [exports.plan_fhir_bundle(case) for case in (full_plan(team), fresh, parents_lead, closed)]
    assert_r4(*bundles)
    for bundle in bundles:
        assert_references_resolve(bundle)
        kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
        assert {"Patient", "RelatedPerson", "PractitionerRole", "CareTeam", "CarePlan"} <= kinds
        for entry in bundle["entry"]:
            text = entry["resource"]["text"]
            assert text["status"] == "generated"
            assert text["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')
    [closed_plan] = resources(bundles[3], "CarePlan")
    assert closed_plan["status"] == "completed" and "end" in closed_plan["period"]
    # The team's free text is escaped in the narrative, kept as typed in the data.
    [plan] = resources(bundles[0], "CarePlan")
    assert plan["activity"][0]["detail"]["description"] == "Hulp bij <huilen> & slapen"


def test_both_validators_reject_what_r4_does_not_allow(team):
    bundle = exports.plan_fhir_bundle(team.gezinsplan)
    # An element R4 does not have (R5's CarePlan.custodian), a missing required one, a date in Dutch notation.
    broken, missing, dutch_date = (json.loads(json.dumps(bundle)) for _ in range(3))
    resources(broken, "CarePlan")[0]["custodian"] = {"display": "R5 only"}
    del resources(missing, "Consent")[0]["scope"]
    resources(dutch_date, "Task")[0]["authoredOn"] = "03-12-2026"
    for bad in (broken, missing, dutch_date):
        with pytest.raises(FHIRValidationError):
            Bundle(bad, strict=True).as_json()
        with pytest.raises(ValueError, match="FHIR-bundel is ongeldig"):
            exports.validate_bundle(bad)
    assert all(errors for errors in schema_errors([broken, missing, dutch_date]))
    # Consent.patient as an identifier of a Group (what the earlier export did) is not what R4 means.
    [consent] = resources(bundle, "Consent")
    assert by_url(bundle)[consent["patient"]["reference"]]["resourceType"] == "Patient"


def test_ids_are_stable_across_exports(team):
    first, second = exports.plan_fhir_bundle(team.gezinsplan), exports.plan_fhir_bundle(team.gezinsplan)
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]
    assert first["identifier"] != second["identifier"]  # the export itself is a new Bundle each time
    # Another case names none of its resources like this one (only an organisation both work with is shared).
    other = exports.plan_fhir_bundle(make_case(professional("ander-team")))
    own = {e["fullUrl"] for e in first["entry"] if e["resource"]["resourceType"] != "Organization"}
    assert own and not own & {e["fullUrl"] for e in other["entry"]}


def test_patient_parents_team_and_consent(team):
    bundle = exports.plan_fhir_bundle(full_plan(team))
    urls = by_url(bundle)
    [patient] = resources(bundle, "Patient")
    assert set(patient) == {
        "resourceType",
        "id",
        "text",
    }  # no name, BSN or other identifier: none is recorded
    [parents] = resources(bundle, "RelatedPerson")
    assert urls[parents["patient"]["reference"]] is patient
    assert parents["relationship"][0]["coding"][0]["code"] == "PRN" and "telecom" not in parents
    [consent] = resources(bundle, "Consent")
    assert urls[consent["patient"]["reference"]] is patient
    assert consent["scope"]["coding"][0]["code"] == "patient-privacy" and consent["category"]
    assert consent["status"] == "inactive" and consent["provision"]["period"]["end"]
    assert consent["provision"]["actor"][0]["reference"]["display"] == "Huisarts en JGZ"
    assert urls[consent["performer"][0]["reference"]] is parents
    [care_team] = resources(bundle, "CareTeam")
    members = [urls[p["member"]["reference"]] for p in care_team["participant"]]
    assert parents in members
    roles = sorted(
        m["code"][0]["coding"][0]["code"] for m in members if m["resourceType"] == "PractitionerRole"
    )
    assert roles == ["buurtteam-jeugd-gezin", "jgz", "verloskundige"]
    [former] = [m for m in members if m["resourceType"] == "PractitionerRole" and not m["active"]]
    assert "end" in former["period"]
    [buurtteam] = [
        r for r in resources(bundle, "PractitionerRole") if r["practitioner"]["display"] == str(team.member)
    ]
    assert urls[buurtteam["organization"]["reference"]]["identifier"][0]["value"] == "buurtteam"


def test_care_plan_author_category_and_tasks(team):
    bundle = exports.plan_fhir_bundle(full_plan(team))
    urls = by_url(bundle)
    [plan] = resources(bundle, "CarePlan")
    assert plan["category"][0]["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": "135411000146103",
        "display": "Multidisciplinary care regime",
    }
    author = urls[plan["author"]["reference"]]
    assert author["resourceType"] == "PractitionerRole" and author["practitioner"]["display"] == str(
        team.colleague
    )
    assert urls[plan["subject"]["reference"]]["resourceType"] == "Patient"
    steps = [a["detail"] for a in plan["activity"] if "detail" in a]
    assert [d["code"]["coding"][0]["code"] for d in steps] == ["1", "2", "3", "4", "5"]
    assert steps[0]["status"] == "completed" and steps[1]["status"] == "not-started"
    tasks = [urls[a["reference"]["reference"]] for a in plan["activity"] if "reference" in a]
    assert {t["resourceType"] for t in tasks} == {"Task"}
    [agreement] = [t for t in tasks if t["code"]["text"] == "Afspraak"]
    assert agreement["description"] == "Huisbezoek plannen" and agreement["status"] == "ready"
    assert urls[agreement["owner"]["reference"]]["practitioner"]["display"] == str(team.member)
    assert agreement["restriction"]["period"]["end"] == timezone.localdate().isoformat()
    assert urls[agreement["basedOn"][0]["reference"]] is plan


def test_parents_as_regie_lead_author_the_plan(team):
    services.regie_set(
        actor=team.member,
        gezinsplan=team.gezinsplan,
        lead="ouders",
        expected_version=0,
        support_member=membership(team.gezinsplan, team.member).pk,
    )
    bundle = exports.plan_fhir_bundle(team.gezinsplan)
    [plan] = resources(bundle, "CarePlan")
    assert by_url(bundle)[plan["author"]["reference"]]["resourceType"] == "RelatedPerson"
    assert by_url(bundle)[plan["contributor"][0]["reference"]]["practitioner"]["display"] == str(team.member)


def test_no_regie_yet_means_no_author(team):
    [plan] = resources(exports.plan_fhir_bundle(team.gezinsplan), "CarePlan")
    assert "author" not in plan


@pytest.mark.parametrize(
    ("status", "reason", "request_status", "task_status"),
    [
        ("geaccepteerd", "", "active", "accepted"),
        ("wachtlijst", "", "active", "accepted"),
        ("gestart", "", "active", "in-progress"),
        ("afgerond", "", "completed", "completed"),
        ("afgewezen", "Geen plek", "revoked", "rejected"),
    ],
)
def test_a_referrals_status_shows_in_its_task(team, status, reason, request_status, task_status):
    services.verwijzing_status_change(
        actor=team.member, verwijzing=team.verwijzing, status=status, reason=reason
    )
    bundle = exports.plan_fhir_bundle(team.gezinsplan)
    assert_r4(bundle)
    urls = by_url(bundle)
    [request] = resources(bundle, "ServiceRequest")
    [task] = [t for t in resources(bundle, "Task") if t["code"]["text"] == "Verwijzing"]
    assert request["status"] == request_status and request["code"]["text"] == "Voorbeeldaanbod"
    assert task["status"] == task_status
    team.verwijzing.refresh_from_db()
    assert task["businessStatus"]["text"].startswith(team.verwijzing.get_status_display())
    assert urls[task["focus"]["reference"]] is request
    assert urls[request["supportingInfo"][0]["reference"]]["resourceType"] == "Consent"
    assert urls[request["requester"]["reference"]]["practitioner"]["display"] == str(team.member)
    [plan] = resources(bundle, "CarePlan")
    activity = {"reference": {"reference": f"urn:uuid:{task['id']}", "display": "Verwijzing naar Voorbeeldaanbod"}}
    assert activity in plan["activity"]
    if status == "afgewezen":
        assert task["statusReason"]["text"] == "Geen plek" and "end" in task["executionPeriod"]


def test_the_exported_file_is_r4_and_need_to_know_is_unchanged(client, team):
    api = reverse("api:api-gezinsplan-export-fhir", kwargs={"gezinsplan_id": team.gezinsplan.pk})
    response = client.get(api, **bearer(team.member))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/fhir+json")
    assert_r4(response.json())
    page = reverse("gezinsplan:export-fhir", kwargs={"gezinsplan_id": team.gezinsplan.pk})
    assert_r4(json.loads(verified_client(client, team.member).get(page).content))
    for outsider in (team.other, team.former, team.admin):
        assert client.get(api, **bearer(outsider)).status_code == 404
    client.logout()
    assert verified_client(client, team.other).get(page).status_code == 404
