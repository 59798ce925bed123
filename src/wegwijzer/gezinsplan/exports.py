"""Where a gezinsplan leaves the system: a FHIR R4 Bundle and a printable plain-Dutch plan.

FHIR mapping (validated with fhir.resources' R4B models, the R4-compatible release in fhir.resources 8):
- Group (the family, display = the team's label; no BSN, no contact data)
- CarePlan: status active|completed, intent plan, subject → Group, careTeam → CareTeam; the five steps of
  Bijlage 3 as activities (detail.code.text = step title, detail.description = content, progress = the
  considerations), agreements as activities (status, owner as performer, due date as scheduledPeriod.end)
- CareTeam: participants with the vocabulary role code (system below), organisation, period from/to
- Consent: one per consent record; status active|inactive (withdrawn), provision period given→withdrawn,
  provision.actor = with whom (information recipient), provision.code = what may be shared

Callers must first pass need-to-know (`selectors.gezinsplan_read(..., action="export")` logs the export).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from . import selectors, vocab
from .models import Agreement, Gezinsplan, Step, Verwijzing

ROLE_SYSTEM = "https://wegwijzer.utrecht.nl/fhir/CodeSystem/rol"
STEP_SYSTEM = "https://wegwijzer.utrecht.nl/fhir/CodeSystem/gezinsplan-stap"
GEZINSPLAN_SYSTEM = "https://wegwijzer.utrecht.nl/fhir/NamingSystem/gezinsplan"

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

_AGREEMENT_STATUS: dict[str, str] = {
    Agreement.Status.OPEN: "not-started",
    Agreement.Status.DONE: "completed",
    Agreement.Status.CANCELLED: "cancelled",
}


def _urn(namespace: str, key: Any) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{namespace}/{key}')}"


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat()


def _member_ref(membership) -> dict[str, Any]:
    return {"display": f"{membership.user} ({vocab.label('roles', membership.role)})"}


def plan_fhir_bundle(gezinsplan: Gezinsplan) -> dict[str, Any]:
    """The plan as a FHIR R4 Bundle (type collection), validated; raises ValueError if it does not validate."""
    group_url = _urn("group", gezinsplan.pk)
    team_url = _urn("careteam", gezinsplan.pk)
    plan_url = _urn("careplan", gezinsplan.pk)
    identifier = [{"system": GEZINSPLAN_SYSTEM, "value": str(gezinsplan.pk)}]

    group = {
        "resourceType": "Group",
        "identifier": identifier,
        "type": "person",
        "actual": True,
        "name": gezinsplan.label,
    }

    participants = []
    for m in selectors.members_all(gezinsplan):
        participant: dict[str, Any] = {
            "role": [
                {"coding": [{"system": ROLE_SYSTEM, "code": m.role, "display": vocab.label("roles", m.role)}]}
            ],
            "member": {"display": str(m.user)},
            "period": {"start": _iso(m.valid_from)},
        }
        if m.valid_to:
            participant["period"]["end"] = _iso(m.valid_to)
        if m.organization_slug:
            participant["onBehalfOf"] = {"display": m.organization_slug}
        participants.append(participant)
    care_team = {
        "resourceType": "CareTeam",
        "identifier": identifier,
        "status": "active" if gezinsplan.is_open else "inactive",
        "name": "Zorgteam rond het gezin",
        "subject": {"reference": group_url},
        "participant": participants,
    }

    activities = []
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
            note = {"text": section.considerations}
            if section.updated_at:
                note["time"] = _iso(section.updated_at)
            if section.author:
                note["authorString"] = str(section.author)
            activity["progress"] = [note]
        activities.append(activity)
    for agreement in selectors.agreements_for_gezinsplan(gezinsplan):
        detail: dict[str, Any] = {
            "kind": "Task",
            "code": {"text": "Afspraak"},
            "status": _AGREEMENT_STATUS[agreement.status],
            "description": agreement.what,
        }
        if agreement.owner:
            detail["performer"] = [_member_ref(agreement.owner)]
        if agreement.due_date:
            detail["scheduledPeriod"] = {"end": agreement.due_date.isoformat()}
        activities.append({"detail": detail})

    referral_entries: list[dict[str, Any]] = []
    for v in selectors.verwijzingen_for_gezinsplan(gezinsplan):
        request_url, task_url = _urn("servicerequest", v.pk), _urn("task", v.pk)
        request_status, task_status = _VERWIJZING_STATUS[v.status]
        request: dict[str, Any] = {
            "resourceType": "ServiceRequest",
            "status": request_status,
            "intent": "order",
            "code": {"text": v.target_name},
            "subject": {"reference": group_url},
            "authoredOn": _iso(v.created_at),
            "performer": [{"display": v.target_name}],
            "supportingInfo": [{"reference": _urn("consent", c.pk)} for c in v.consents.all()],
        }
        if v.referred_by:
            request["requester"] = _member_ref(v.referred_by)
        if v.note:
            request["note"] = [{"text": v.note}]
        if not request["supportingInfo"]:
            del request["supportingInfo"]
        history = list(v.statuses.all())
        task: dict[str, Any] = {
            "resourceType": "Task",
            "status": task_status,
            "intent": "order",
            "code": {"text": "Verwijzing"},
            "focus": {"reference": request_url},
            "for": {"reference": group_url},
            "authoredOn": _iso(v.created_at),
            "lastModified": _iso(v.updated_at),
            "businessStatus": {"text": str(v.get_status_display())},
        }
        if v.monitors:
            task["owner"] = _member_ref(v.monitors)
        if v.status == Verwijzing.Status.AFGEWEZEN and v.reason:
            task["statusReason"] = {"text": v.reason}
        if history:
            task["executionPeriod"] = {"start": history[0].on.isoformat()}
            if not v.is_open:
                task["executionPeriod"]["end"] = history[-1].on.isoformat()
        activities.append({"reference": {"reference": request_url}})
        referral_entries += [{"fullUrl": request_url, "resource": request}, {"fullUrl": task_url, "resource": task}]

    care_plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "identifier": identifier,
        "status": "active" if gezinsplan.is_open else "completed",
        "intent": "plan",
        "title": "Gezinsplan",
        "description": "De vijf onderzoeksstappen (Bijlage 3 van de wegwijzer) met afwegingen en afspraken.",
        "subject": {"reference": group_url},
        "created": _iso(gezinsplan.created_at),
        "period": {"start": _iso(gezinsplan.created_at)},
        "careTeam": [{"reference": team_url}],
        "activity": activities,
    }
    if gezinsplan.closed_at:
        care_plan["period"]["end"] = _iso(gezinsplan.closed_at)

    entries = [
        {"fullUrl": group_url, "resource": group},
        {"fullUrl": plan_url, "resource": care_plan},
        {"fullUrl": team_url, "resource": care_team},
    ]
    for consent in selectors.consents_for_gezinsplan(gezinsplan):
        provision: dict[str, Any] = {
            "type": "permit",
            "period": {"start": consent.given_on.isoformat()},
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
        if consent.withdrawn_on:
            provision["period"]["end"] = consent.withdrawn_on.isoformat()
        resource = {
            "resourceType": "Consent",
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
                {"coding": [{"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}]}
            ],
            "patient": {"identifier": identifier[0], "display": gezinsplan.label},
            "dateTime": _iso(consent.recorded_at),
            "policyRule": {"text": "Toestemming van de ouders voor het delen van informatie (AVG)"},
            "provision": provision,
        }
        if consent.given_by:
            resource["performer"] = [{"display": consent.given_by}]
        entries.append({"fullUrl": _urn("consent", consent.pk), "resource": resource})
    entries += referral_entries

    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _iso(timezone.now()),
        "identifier": {"system": GEZINSPLAN_SYSTEM + "/export", "value": str(uuid.uuid4())},
        "entry": entries,
    }
    validate_bundle(bundle)
    return bundle


def validate_bundle(bundle: dict[str, Any]) -> None:
    """Validate with fhir.resources (R4B models); ValueError with the validator's message if invalid."""
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    try:
        Bundle.model_validate(bundle)
    except ValidationError as exc:
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
        "meetings": [
            {"starts_at": m.starts_at, "location": m.location or "onbekend", "family": m.family_participates}
            for m in selectors.meetings_for_gezinsplan(gezinsplan)
        ],
        "printed_at": timezone.now(),
    }
