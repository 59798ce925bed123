"""Where a gezinsplan leaves the system: a FHIR R4 (4.0.1) Bundle and a printable plain-Dutch plan.

FHIR mapping (validated with fhirclient 4.4.0, SMART's R4 4.0.1 models, in strict mode; the test suite also
checks every export against the official R4 JSON Schema). Aligned with Santeon's Shared Care Planning IG
(CarePlan + CareTeam + Task, SNOMED category); where and why it departs: docs/gezinsplan.md.
- Patient: the child, with no name or identifier (Wegwijzer records neither); RelatedPerson: the parents
- Organization per member organisation, PractitionerRole per (former) member; CareTeam: those + the parents
- CarePlan: subject → Patient, author → the regie lead (PractitionerRole, or the parents' RelatedPerson), the
  five steps of Bijlage 3 as activity details, agreements and referrals as activities referencing Tasks
- Task per agreement (owner, due date as restriction.period.end); a referral is a ServiceRequest + a Task
  carrying its status (waiting list as businessStatus, refusal as statusReason)
- Consent per consent record: patient → Patient, performer → the parents, provision for what and with whom
Resource ids are uuid5 of the model's key, so two exports of one plan name every resource the same way.

Callers must first pass need-to-know (`selectors.gezinsplan_read(..., action="export")` logs the export).
"""

from __future__ import annotations

import uuid
from html import escape
from typing import Any

from django.utils import timezone

from wegwijzer.socialmap import selectors as socialmap

from . import selectors, vocab
from .models import Agreement, Gezinsplan, Step, Verwijzing

ROLE_SYSTEM = "https://wegwijzer.utrecht.nl/fhir/CodeSystem/rol"
STEP_SYSTEM = "https://wegwijzer.utrecht.nl/fhir/CodeSystem/gezinsplan-stap"
GEZINSPLAN_SYSTEM = "https://wegwijzer.utrecht.nl/fhir/NamingSystem/gezinsplan"
ORGANIZATION_SYSTEM = "https://wegwijzer.utrecht.nl/fhir/NamingSystem/sociale-kaart"
SNOMED = "http://snomed.info/sct"
ROLE_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
# Santeon SCP fixes CarePlan.category to this concept; we use it so a receiving SCP node finds the plan.
CARE_PLAN_CATEGORY = {"system": SNOMED, "code": "135411000146103", "display": "Multidisciplinary care regime"}
PARENT = {"system": ROLE_CODE_SYSTEM, "code": "PRN", "display": "parent"}

# Referral status → (ServiceRequest.status, Task.status): the request stays active while the party works on
# it; the Task carries the referral's own status (R4 task-status), the waiting list as its businessStatus.
_VERWIJZING_STATUS: dict[str, tuple[str, str]] = {
    Verwijzing.Status.AANGEVRAAGD: ("active", "requested"),
    Verwijzing.Status.GEACCEPTEERD: ("active", "accepted"),
    Verwijzing.Status.WACHTLIJST: ("active", "accepted"),
    Verwijzing.Status.GESTART: ("active", "in-progress"),
    Verwijzing.Status.AFGEROND: ("completed", "completed"),
    Verwijzing.Status.AFGEWEZEN: ("revoked", "rejected"),
}

# Agreement → R4 task-status: an open agreement was made in the team, so assignment and acceptance are given
# ("ready"); "not-started" is a CarePlan activity status, not a Task status.
_AGREEMENT_STATUS: dict[str, str] = {
    Agreement.Status.OPEN: "ready",
    Agreement.Status.DONE: "completed",
    Agreement.Status.CANCELLED: "cancelled",
}


def _id(kind: str, key: Any) -> str:
    """A stable resource id: the same model row gives the same id in every export."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{kind}/{key}"))


def _ref(resource: dict[str, Any], display: str = "") -> dict[str, Any]:
    ref = {"reference": f"urn:uuid:{resource['id']}"}
    if display:
        ref["display"] = display
    return ref


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def _narrative(*lines: str) -> dict[str, str]:
    """A generated narrative: one escaped paragraph per line (our text or the team's, never markup)."""
    body = "".join(f"<p>{escape(line)}</p>" for line in lines if line)
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat()


def _period(start, end) -> dict[str, Any]:
    period = {"start": _iso(start)}
    if end:
        period["end"] = _iso(end)
    return period


def _who(membership) -> str:
    return f"{membership.user} ({vocab.label('roles', membership.role)})"


def _organizations(slugs: set[str]) -> dict[str, dict[str, Any]]:
    """One Organization per member organisation, named from the social map where it is known there."""
    names = dict(socialmap.organizations_qs().filter(slug__in=slugs).values_list("slug", "name"))
    resources = {}
    for slug in sorted(slugs):
        name = names.get(slug) or slug
        resources[slug] = {
            "resourceType": "Organization",
            "id": _id("organization", slug),
            "text": _narrative(f"Organisatie: {name}"),
            "identifier": [{"system": ORGANIZATION_SYSTEM, "value": slug}],
            "active": True,
            "name": name,
        }
    return resources


def plan_fhir_bundle(gezinsplan: Gezinsplan) -> dict[str, Any]:
    """The plan as a FHIR R4 Bundle (type collection), validated; raises ValueError if it does not validate."""
    identifier = [{"system": GEZINSPLAN_SYSTEM, "value": str(gezinsplan.pk)}]
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": _id("patient", gezinsplan.pk),
        "text": _narrative(f"Het kind in gezinsplan {gezinsplan.label}. Naam en BSN worden niet vastgelegd."),
    }
    patient_ref = _ref(patient, gezinsplan.label)
    parents: dict[str, Any] = {
        "resourceType": "RelatedPerson",
        "id": _id("relatedperson", gezinsplan.pk),
        "text": _narrative(
            f"De ouders in gezinsplan {gezinsplan.label}. Contactgegevens blijven in Wegwijzer."
        ),
        "patient": patient_ref,
        "relationship": [{"coding": [PARENT], "text": "Ouders"}],
    }
    parents_ref = _ref(parents, "Ouders")

    members = list(selectors.members_all(gezinsplan))
    organizations = _organizations({m.organization_slug for m in members if m.organization_slug})
    roles: dict[Any, dict[str, Any]] = {}
    for m in members:
        role_label = vocab.label("roles", m.role)
        role: dict[str, Any] = {
            "resourceType": "PractitionerRole",
            "id": _id("practitionerrole", m.pk),
            "text": _narrative(
                f"{m.user}: {role_label}",
                f"Organisatie: {organizations[m.organization_slug]['name']}" if m.organization_slug else "",
                f"In het team van {m.valid_from:%d-%m-%Y}"
                + (f" tot {m.valid_to:%d-%m-%Y}" if m.valid_to else ""),
            ),
            "active": m.valid_to is None,
            "period": _period(m.valid_from, m.valid_to),
            "practitioner": {"display": str(m.user)},
            "code": [{"coding": [{"system": ROLE_SYSTEM, "code": m.role, "display": role_label}]}],
        }
        if m.organization_slug:
            org = organizations[m.organization_slug]
            role["organization"] = _ref(org, org["name"])
        roles[m.pk] = role

    def role_ref(membership) -> dict[str, Any]:
        return _ref(roles[membership.pk], _who(membership))

    participants: list[dict[str, Any]] = [
        {"role": [{"coding": [PARENT], "text": "Ouders"}], "member": parents_ref}
    ]
    for m in members:
        participant: dict[str, Any] = {
            "role": roles[m.pk]["code"],
            "member": role_ref(m),
            "period": _period(m.valid_from, m.valid_to),
        }
        if m.organization_slug:
            participant["onBehalfOf"] = roles[m.pk]["organization"]
        participants.append(participant)
    care_team: dict[str, Any] = {
        "resourceType": "CareTeam",
        "id": _id("careteam", gezinsplan.pk),
        "text": _narrative(
            "Zorgteam rond het gezin: de ouders en "
            + ", ".join(_who(m) for m in members if m.valid_to is None)
        ),
        "identifier": identifier,
        "status": "active" if gezinsplan.is_open else "inactive",
        "name": "Zorgteam rond het gezin",
        "subject": patient_ref,
        "participant": participants,
    }

    care_plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": _id("careplan", gezinsplan.pk),
        "identifier": identifier,
        "status": "active" if gezinsplan.is_open else "completed",
        "intent": "plan",
        "category": [{"coding": [CARE_PLAN_CATEGORY]}],
        "title": "Gezinsplan",
        "description": "De vijf onderzoeksstappen (Bijlage 3 van de wegwijzer) met afwegingen en afspraken.",
        "subject": patient_ref,
        "period": _period(gezinsplan.created_at, gezinsplan.closed_at),
        "created": _iso(gezinsplan.created_at),
        "careTeam": [_ref(care_team, care_team["name"])],
    }
    plan_ref = _ref(care_plan, "Gezinsplan")
    regie = selectors.regie_for_gezinsplan(gezinsplan, members)
    lead_text = "Regie: nog niet afgesproken"
    if regie is not None and regie.lead == regie.Lead.OUDERS:
        care_plan["author"] = parents_ref
        lead_text = "Regie: de ouders" + (
            f", met steun van {_who(regie.support_member)}" if regie.support_member else ""
        )
        if regie.support_member:
            care_plan["contributor"] = [role_ref(regie.support_member)]
    elif regie is not None and regie.lead_member is not None:
        care_plan["author"] = role_ref(regie.lead_member)
        lead_text = f"Regie: {_who(regie.lead_member)}"

    activities: list[dict[str, Any]] = []
    for section in selectors.sections_for_gezinsplan(gezinsplan):
        activity: dict[str, Any] = {
            "detail": {
                "code": {
                    "coding": [{"system": STEP_SYSTEM, "code": str(section.step)}],
                    "text": str(Step(section.step).label),
                },
                "status": "completed" if section.content else "not-started",
                "description": section.content or "onbekend",
            }
        }
        if section.considerations:
            note: dict[str, Any] = {"text": section.considerations}
            if section.updated_at:
                note["time"] = _iso(section.updated_at)
            if section.author:
                note["authorString"] = str(section.author)
            activity["progress"] = [note]
        activities.append(activity)

    tasks: list[dict[str, Any]] = []
    for agreement in selectors.agreements_for_gezinsplan(gezinsplan):
        owner = _who(agreement.owner) if agreement.owner else "nog niemand"
        due = f", uiterlijk {agreement.due_date:%d-%m-%Y}" if agreement.due_date else ""
        task: dict[str, Any] = {
            "resourceType": "Task",
            "id": _id("task/afspraak", agreement.pk),
            "text": _narrative(
                f"Afspraak: {agreement.what}", f"Wie: {owner}{due}. Status: {agreement.get_status_display()}"
            ),
            "basedOn": [plan_ref],
            "status": _AGREEMENT_STATUS[agreement.status],
            "intent": "plan",
            "code": {"text": "Afspraak"},
            "description": agreement.what,
            "for": patient_ref,
            "authoredOn": _iso(agreement.created_at),
            "lastModified": _iso(agreement.updated_at),
        }
        if agreement.owner:
            task["owner"] = role_ref(agreement.owner)
        if agreement.due_date:
            task["restriction"] = {"period": {"end": agreement.due_date.isoformat()}}
        if agreement.from_meeting:
            task["note"] = [
                {"text": f"Afgesproken in het MDO van {agreement.from_meeting.starts_at:%d-%m-%Y}"}
            ]
        tasks.append(task)

    consents: list[dict[str, Any]] = []
    for consent in selectors.consents_for_gezinsplan(gezinsplan):
        provision: dict[str, Any] = {
            "type": "permit",
            "period": _period(consent.given_on, consent.withdrawn_on),
            "actor": [
                {
                    "role": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                "code": "IRCP",
                                "display": "information recipient",
                            }
                        ]
                    },
                    "reference": {"display": consent.with_whom},
                }
            ],
            "code": [{"text": consent.what}],
        }
        withdrawn = f" Ingetrokken op {consent.withdrawn_on:%d-%m-%Y}." if consent.withdrawn_on else ""
        consents.append(
            {
                "resourceType": "Consent",
                "id": _id("consent", consent.pk),
                "text": _narrative(
                    f"Toestemming om te delen: {consent.what}",
                    f"Met: {consent.with_whom}. Gegeven op {consent.given_on:%d-%m-%Y}"
                    + (f" door {consent.given_by}" if consent.given_by else "")
                    + f".{withdrawn}",
                ),
                "identifier": [{"system": GEZINSPLAN_SYSTEM + "/toestemming", "value": str(consent.pk)}],
                "status": "active" if consent.is_active else "inactive",
                "scope": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                            "code": "patient-privacy",
                        }
                    ]
                },
                "category": [
                    {
                        "coding": [
                            {"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}
                        ]
                    }
                ],
                "patient": patient_ref,
                "dateTime": _iso(consent.recorded_at),
                "performer": [_ref(parents, consent.given_by or "Ouders")],
                "policyRule": {"text": "Toestemming van de ouders voor het delen van informatie (AVG)"},
                "provision": provision,
            }
        )

    referrals: list[dict[str, Any]] = []
    for v in selectors.verwijzingen_for_gezinsplan(gezinsplan):
        request_status, task_status = _VERWIJZING_STATUS[v.status]
        history = list(v.statuses.all())
        status_text = str(v.get_status_display())
        if v.status == Verwijzing.Status.WACHTLIJST and history and history[-1].wait_weeks is not None:
            last = history[-1]
            status_text += f" (wachttijd ongeveer {last.wait_weeks} weken"
            status_text += f", gemeten op {last.wait_measured_on:%d-%m-%Y})" if last.wait_measured_on else ")"
        request: dict[str, Any] = {
            "resourceType": "ServiceRequest",
            "id": _id("servicerequest", v.pk),
            "text": _narrative(
                f"Verwijzing naar {v.target_name}",
                f"Verwezen door {_who(v.referred_by)}" if v.referred_by else "",
                v.note,
            ),
            "basedOn": [plan_ref],
            "status": request_status,
            "intent": "order",
            "code": {"text": v.target_name},
            "subject": patient_ref,
            "authoredOn": _iso(v.created_at),
            "performer": [{"display": v.target_name}],
        }
        if v.referred_by:
            request["requester"] = role_ref(v.referred_by)
        linked = [
            _ref(c) for c in consents if c["identifier"][0]["value"] in {str(x.pk) for x in v.consents.all()}
        ]
        if linked:
            request["supportingInfo"] = linked
        if v.note:
            request["note"] = [{"text": v.note}]
        task = {
            "resourceType": "Task",
            "id": _id("task", v.pk),
            "text": _narrative(
                f"Verwijzing naar {v.target_name}: {status_text}",
                f"Volgt de verwijzing: {_who(v.monitors)}" if v.monitors else "",
                f"Reden: {v.reason}" if v.status == Verwijzing.Status.AFGEWEZEN and v.reason else "",
            ),
            "basedOn": [_ref(request)],
            "status": task_status,
            "businessStatus": {"text": status_text},
            "intent": "order",
            "code": {"text": "Verwijzing"},
            "description": f"Verwijzing naar {v.target_name}",
            "focus": _ref(request),
            "for": patient_ref,
            "authoredOn": _iso(v.created_at),
            "lastModified": _iso(v.updated_at),
            # The receiving party does the work; our member who monitors it (wegwijzer §3) is in the note.
            "owner": {"display": v.target_name},
        }
        if v.referred_by:
            task["requester"] = role_ref(v.referred_by)
        if v.monitors:
            task["note"] = [{"text": f"Volgt de verwijzing: {_who(v.monitors)}"}]
        if v.status == Verwijzing.Status.AFGEWEZEN and v.reason:
            task["statusReason"] = {"text": v.reason}
        if history:
            task["executionPeriod"] = _period(history[0].on, None if v.is_open else history[-1].on)
        referrals += [request, task]
        tasks.append(task)

    activities += [{"reference": _ref(t, t["description"])} for t in tasks]
    care_plan["activity"] = activities
    care_plan["text"] = _narrative(
        f"Gezinsplan {gezinsplan.label} ({gezinsplan.get_status_display()})",
        lead_text,
        f"{len(tasks)} afspraken en verwijzingen als taken",
    )

    agreement_tasks = [t for t in tasks if t["code"]["text"] == "Afspraak"]
    resources = [
        patient,
        parents,
        *organizations.values(),
        *roles.values(),
        care_team,
        care_plan,
        *agreement_tasks,
        *consents,
        *referrals,
    ]
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _iso(timezone.now()),
        "identifier": {"system": GEZINSPLAN_SYSTEM + "/export", "value": str(uuid.uuid4())},
        "entry": [_entry(r) for r in resources],
    }
    validate_bundle(bundle)
    return bundle


def validate_bundle(bundle: dict[str, Any]) -> None:
    """Validate with fhirclient's R4 (4.0.1) models, strict; ValueError with its message if invalid."""
    # Imported here: the models package loads every R4 resource module, only needed when exporting.
    from fhirclient.models.bundle import Bundle
    from fhirclient.models.fhirabstractbase import FHIRValidationError

    try:
        Bundle(bundle, strict=True).as_json()
    except (FHIRValidationError, ValueError, TypeError) as exc:
        raise ValueError(f"FHIR-bundel is ongeldig: {exc}") from exc


def plan_print_context(gezinsplan: Gezinsplan) -> dict[str, Any]:
    """Everything a printable plan for the family needs, in plain Dutch (the web engineer renders it)."""
    regie = getattr(gezinsplan, "regie", None)
    members = list(selectors.members_current(gezinsplan))

    def who(membership) -> str:
        return f"{membership.user} ({vocab.label('roles', membership.role)})" if membership else "onbekend"

    if regie is None or (regie.lead == regie.Lead.MEMBER and regie.lead_member is None):
        lead_text = "Nog niet afgesproken"
    elif regie.lead == regie.Lead.OUDERS:
        lead_text = f"De ouders, met steun van {who(regie.support_member)}"
    else:
        lead_text = who(regie.lead_member)
    return {
        "gezinsplan": gezinsplan,
        "title": f"Gezinsplan {gezinsplan.label}",
        "phase": vocab.label("phases", gezinsplan.phase),
        "wijk": vocab.label("wijken", gezinsplan.wijk),
        "status": gezinsplan.get_status_display(),
        "team": [
            {
                "name": str(m.user),
                "role": vocab.label("roles", m.role),
                "organization": m.organization_slug or "onbekend",
            }
            for m in members
        ],
        "regie": {
            "lead": lead_text,
            "records": who(regie.records_member) if regie else "onbekend",
            "monitors": who(regie.monitors_member) if regie else "onbekend",
            "informs": who(regie.informs_member) if regie else "onbekend",
            "informs_text": (regie.informs_text if regie else "") or "onbekend",
        },
        "steps": [
            {
                "number": s.step,
                "title": s.title,
                "question": s.help_text,
                "content": s.content or "onbekend",
                "considerations": s.considerations or "onbekend",
            }
            for s in selectors.sections_for_gezinsplan(gezinsplan)
        ],
        "agreements": [
            {
                "what": a.what,
                "owner": who(a.owner),
                "due_date": a.due_date,
                "status": a.get_status_display(),
                "overdue": a.is_overdue(),
            }
            for a in selectors.agreements_for_gezinsplan(gezinsplan)
        ],
        "consents": [
            {
                "what": c.what,
                "with_whom": c.with_whom,
                "given_on": c.given_on,
                "withdrawn_on": c.withdrawn_on,
                "active": c.is_active,
            }
            for c in selectors.consents_for_gezinsplan(gezinsplan)
        ],
        "verwijzingen": [
            {
                "target": v.target_name,
                "status": v.get_status_display(),
                "since": ([None] + [st.on for st in v.statuses.all()])[-1],  # the current status's date
                "monitors": who(v.monitors) if v.monitors else "",
                "reason": v.reason if v.status == Verwijzing.Status.AFGEWEZEN else "",
            }
            for v in selectors.verwijzingen_for_gezinsplan(gezinsplan)
        ],
        "meetings": [
            {"starts_at": m.starts_at, "location": m.location or "onbekend", "family": m.family_participates}
            for m in selectors.meetings_for_gezinsplan(gezinsplan)
        ],
        "printed_at": timezone.now(),
    }
