"""OpenAPI 3 description of the gezinsplan API (merged by wegwijzer.core.openapi)."""

from __future__ import annotations

from typing import Any

TAG = "gezinsplan"
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}


UUID = {"type": "string", "format": "uuid"}
P_CASE = _param("case_id", "Id van de casus (uuid)", UUID)
P_STEP = _param("step", "Stap 1 tot en met 5 (Bijlage 3)", {"type": "integer", "minimum": 1, "maximum": 5})
P_AGREEMENT = _param("agreement_id", "Id van de afspraak", UUID)
P_CONSENT = _param("consent_id", "Id van de toestemming", UUID)
P_MEETING = _param("meeting_id", "Id van het MDO", UUID)
P_USERNAME = _param("username", "Gebruikersnaam van het teamlid", {"type": "string"})


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


COMMON = {
    "401": _error("Niet ingelogd of token ongeldig"),
    "404": _error("Niet gevonden: de casus bestaat niet of u bent geen huidig teamlid (need-to-know)"),
}
WRITE = {
    "400": _error(
        "Geen geldige JSON, geen JSON-object, of een datum die niet te lezen is of buiten 1900–2100 valt "
        "(errors noemt het veld)"
    ),
    "409": _error("De casus is gesloten"),
    "422": _error("Ongeldige invoer; per veld een Nederlandse melding"),
}


def _json(schema: dict[str, Any], description: str = "Gelukt") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _results(item: str) -> dict[str, Any]:
    return {"type": "object", "properties": {"results": {"type": "array", "items": _ref(item)}}}


def _op(
    op_id: str,
    summary: str,
    params: list,
    responses: dict[str, Any],
    body: str | None = None,
    write: bool = False,
):
    operation: dict[str, Any] = {
        "tags": [TAG],
        "operationId": op_id,
        "summary": summary,
        "security": SECURITY,
        "parameters": params,
        # The operation's own responses win (e.g. its 409 with both versions of a conflict).
        "responses": {**COMMON, **(WRITE if write else {}), **responses},
    }
    if body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(body)}}}
    return operation


CASE = "/cases/{case_id}"
PATHS: dict[str, Any] = {
    "/cases": {
        "get": _op(
            "listCases",
            "Mijn casussen (alleen waar ik huidig teamlid ben); elke weergave wordt gelogd",
            [],
            {
                "200": _json(
                    {
                        "type": "object",
                        "properties": {
                            "count": {"type": "integer"},
                            "results": {"type": "array", "items": _ref("Case")},
                        },
                    }
                )
            },
        ),
        "post": _op(
            "createCase",
            "Start een gezinsplan; de maker wordt teamlid",
            [],
            {
                "201": _json(_ref("CaseDetail"), "Aangemaakt"),
                "403": _error("Alleen professionals kunnen een gezinsplan starten"),
            },
            body="CaseCreate",
            write=True,
        ),
    },
    CASE: {
        "get": _op("getCase", "Een casus met team en regie", [P_CASE], {"200": _json(_ref("CaseDetail"))}),
        "patch": _op(
            "updateCase",
            "Label, fase, wijk of contactgegevens wijzigen",
            [P_CASE],
            {"200": _json(_ref("CaseDetail"))},
            body="CaseUpdate",
            write=True,
        ),
    },
    f"{CASE}/close": {
        "post": _op(
            "closeCase",
            "Sluit de casus (daarna alleen-lezen; bewaartermijn begint)",
            [P_CASE],
            {"200": _json(_ref("CaseDetail"))},
            write=True,
        ),
    },
    f"{CASE}/members": {
        "get": _op(
            "listMembers",
            "Het zorgteam (huidige en vroegere leden)",
            [P_CASE],
            {"200": _json(_results("Member"))},
        ),
        "post": _op(
            "addMember",
            "Voeg een professional toe aan het team",
            [P_CASE],
            {
                "201": _json(_ref("Member"), "Toegevoegd"),
                "409": _error("Al lid van het team in (een deel van) deze periode, of de casus is gesloten"),
            },
            body="MemberAdd",
            write=True,
        ),
    },
    f"{CASE}/members/{{username}}": {
        "delete": _op(
            "removeMember",
            "Beëindig het lidmaatschap nu (toegang stopt direct)",
            [P_CASE, P_USERNAME],
            {"200": _json(_ref("Member"))},
            write=True,
        ),
    },
    f"{CASE}/regie": {
        "get": _op(
            "getRegie", "Wie heeft de regie, en de regieafspraken", [P_CASE], {"200": _json(_ref("Regie"))}
        ),
        "put": _op(
            "setRegie",
            "Leg de regie en de regieafspraken vast (optimistische vergrendeling: stuur de versie mee die u las)",
            [P_CASE],
            {
                "200": _json(_ref("Regie")),
                "409": _json(
                    {"oneOf": [_ref("RegieConflict"), _ref("Error")]},
                    "Conflict: iemand anders sloeg de regie intussen op (beide versies), of de casus is gesloten",
                ),
            },
            body="RegieSet",
            write=True,
        ),
    },
    f"{CASE}/plan": {
        "get": _op(
            "getPlan",
            "De vijf stappen met afwegingen",
            [P_CASE],
            {
                "200": _json(
                    {
                        "type": "object",
                        "properties": {"steps": {"type": "array", "items": _ref("PlanSection")}},
                    }
                )
            },
        ),
    },
    f"{CASE}/plan/{{step}}": {
        "get": _op("getPlanStep", "Eén stap", [P_CASE, P_STEP], {"200": _json(_ref("PlanSection"))}),
        "put": _op(
            "updatePlanStep",
            "Sla een stap op (optimistische vergrendeling: stuur de versie mee die u las)",
            [P_CASE, P_STEP],
            {
                "200": _json(_ref("PlanSection")),
                "409": _json(
                    {"oneOf": [_ref("Conflict"), _ref("Error")]},
                    "Conflict: iemand anders sloeg intussen op (beide versies), of de casus is gesloten",
                ),
            },
            body="PlanSectionUpdate",
            write=True,
        ),
    },
    f"{CASE}/agreements": {
        "get": _op("listAgreements", "Afspraken en acties", [P_CASE], {"200": _json(_results("Agreement"))}),
        "post": _op(
            "createAgreement",
            "Nieuwe afspraak",
            [P_CASE],
            {"201": _json(_ref("Agreement"), "Aangemaakt")},
            body="AgreementCreate",
            write=True,
        ),
    },
    f"{CASE}/agreements/{{agreement_id}}": {
        "get": _op("getAgreement", "Eén afspraak", [P_CASE, P_AGREEMENT], {"200": _json(_ref("Agreement"))}),
        "patch": _op(
            "updateAgreement",
            "Wijzig een afspraak (ook status)",
            [P_CASE, P_AGREEMENT],
            {"200": _json(_ref("Agreement"))},
            body="AgreementUpdate",
            write=True,
        ),
    },
    f"{CASE}/consents": {
        "get": _op(
            "listConsents", "Toestemmingen van de ouders", [P_CASE], {"200": _json(_results("Consent"))}
        ),
        "post": _op(
            "recordConsent",
            "Leg toestemming vast",
            [P_CASE],
            {"201": _json(_ref("Consent"), "Vastgelegd")},
            body="ConsentRecord",
            write=True,
        ),
    },
    f"{CASE}/consents/{{consent_id}}/withdraw": {
        "post": _op(
            "withdrawConsent",
            "Leg de intrekking van een toestemming vast",
            [P_CASE, P_CONSENT],
            {"200": _json(_ref("Consent"))},
            body="ConsentWithdraw",
            write=True,
        ),
    },
    f"{CASE}/meetings": {
        "get": _op("listMeetings", "MDO's", [P_CASE], {"200": _json(_results("Meeting"))}),
        "post": _op(
            "planMeeting",
            "Plan of verslag een MDO",
            [P_CASE],
            {"201": _json(_ref("Meeting"), "Gepland")},
            body="MeetingPlan",
            write=True,
        ),
    },
    f"{CASE}/meetings/{{meeting_id}}": {
        "get": _op("getMeeting", "Eén MDO", [P_CASE, P_MEETING], {"200": _json(_ref("Meeting"))}),
        "patch": _op(
            "recordMinutes",
            "Verslag en extra besluiten",
            [P_CASE, P_MEETING],
            {"200": _json(_ref("Meeting"))},
            body="MeetingMinutes",
            write=True,
        ),
    },
    f"{CASE}/meetings/{{meeting_id}}.ics": {
        "get": _op(
            "meetingInvite",
            "iCalendar-uitnodiging voor het MDO (zonder label van het gezin)",
            [P_CASE, P_MEETING],
            {
                "200": {
                    "description": "text/calendar",
                    "content": {"text/calendar": {"schema": {"type": "string"}}},
                }
            },
        ),
    },
    f"{CASE}/meetings/{{meeting_id}}/agreements": {
        "post": _op(
            "decisionsToAgreements",
            "Maak van besluiten afspraken",
            [P_CASE, P_MEETING],
            {"201": _json(_results("Agreement"), "Aangemaakt")},
            body="DecisionsToAgreements",
            write=True,
        ),
    },
    f"{CASE}/handovers": {
        "get": _op("listHandovers", "Warme overdrachten", [P_CASE], {"200": _json(_results("Handover"))}),
        "post": _op(
            "handover",
            "Warme overdracht: de opvolger neemt over, de toegang van wie vertrekt stopt",
            [P_CASE],
            {"201": _json(_ref("Handover"), "Overgedragen")},
            body="HandoverCreate",
            write=True,
        ),
    },
    f"{CASE}/feedback": {
        "get": _op(
            "listFeedback",
            "Terugkoppelingen aan huisarts en JGZ",
            [P_CASE],
            {"200": _json(_results("Feedback"))},
        ),
        "post": _op(
            "sendFeedback",
            "Koppel terug aan huisarts of JGZ (record + e-mail)",
            [P_CASE],
            {"201": _json(_ref("Feedback"), "Verstuurd")},
            body="FeedbackSend",
            write=True,
        ),
    },
    f"{CASE}/timeline": {
        "get": _op(
            "timeline",
            "Tijdlijn van alles wat er in het plan gebeurde",
            [P_CASE],
            {"200": _json(_results("TimelineEvent"))},
        ),
    },
    f"{CASE}/audit": {
        "get": _op(
            "caseAuditLog",
            "Het toegangslog van de casus (voor teamleden)",
            [P_CASE],
            {"200": _json(_results("AuditEntry"))},
        ),
    },
    f"{CASE}/export/fhir": {
        "get": _op(
            "exportFhir",
            "FHIR R4-bundel (CarePlan, CareTeam, Consent); de export wordt gelogd",
            [P_CASE],
            {
                "200": {
                    "description": "FHIR Bundle (type collection)",
                    "content": {"application/fhir+json": {"schema": {"type": "object"}}},
                }
            },
        ),
    },
}

_S = {"type": "string"}
_S_NULL = {"type": ["string", "null"]}
_DATE = {"type": ["string", "null"], "format": "date"}
_DATETIME = {"type": ["string", "null"], "format": "date-time"}


def _obj(props: dict[str, Any], required: list[str] | None = None, closed: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        schema["required"] = required
    if closed:
        schema["additionalProperties"] = False
    return schema


CASE_PROPS = {
    "id": UUID,
    "label": _S,
    "phase": _S,
    "phase_label": _S,
    "wijk": _S,
    "wijk_label": _S,
    "status": {"type": "string", "enum": ["open", "closed"]},
    "created_at": _DATETIME,
    "closed_at": _DATETIME,
    "content_version": _S,
}

SCHEMAS: dict[str, Any] = {
    "Case": _obj(CASE_PROPS),
    "CaseDetail": _obj(
        {
            **CASE_PROPS,
            "contact": _obj({"name": _S, "phone": _S, "email": _S}),
            "advice_snapshot": {"type": ["object", "null"]},
            "purged_at": _DATETIME,
            "members": {"type": "array", "items": _ref("Member")},
            "regie": {"oneOf": [_ref("Regie"), {"type": "null"}]},
        }
    ),
    "CaseCreate": _obj(
        {
            "label": {
                "type": "string",
                "maxLength": 100,
                "description": "Label dat het team kiest; geen BSN",
            },
            "phase": {"type": "string", "description": "Fasecode (vocabulaire)"},
            "wijk": {"type": "string", "description": "Wijkcode (vocabulaire)"},
            "contact_name": {"type": "string", "maxLength": 200},
            "contact_phone": {"type": "string", "maxLength": 40},
            "contact_email": {"type": "string", "maxLength": 254},
        },
        ["label"],
        closed=True,
    ),
    "CaseUpdate": _obj(
        {
            k: {"type": "string"}
            for k in ("label", "phase", "wijk", "contact_name", "contact_phone", "contact_email")
        },
        closed=True,
    ),
    "Member": _obj(
        {
            "id": UUID,
            "username": _S,
            "name": _S,
            "role": _S,
            "role_label": _S,
            "organisation": _S,
            "valid_from": _DATETIME,
            "valid_to": _DATETIME,
            "current": {"type": "boolean"},
        }
    ),
    "MemberAdd": _obj(
        {
            "username": _S,
            "role": {"type": "string", "description": "Rolcode; standaard de rol van de gebruiker"},
            "valid_from": _DATETIME,
            "valid_to": _DATETIME,
        },
        ["username"],
        closed=True,
    ),
    "Regie": _obj(
        {
            "lead": {"type": "string", "enum": ["member", "ouders"]},
            "lead_member": _S_NULL,
            "support_member": _S_NULL,
            "records_member": _S_NULL,
            "monitors_member": _S_NULL,
            "informs_member": _S_NULL,
            "informs_text": _S,
            "notes": _S,
            "version": {"type": "integer"},
            "updated_by": _S_NULL,
            "updated_at": _DATETIME,
        }
    ),
    "RegieSet": _obj(
        {
            "lead": {"type": "string", "enum": ["member", "ouders"]},
            "lead_member": {"type": "string", "description": "Gebruikersnaam; verplicht bij lead=member"},
            "support_member": {"type": "string", "description": "Gebruikersnaam; verplicht bij lead=ouders"},
            "records_member": {"type": "string", "description": "Wie legt afspraken vast"},
            "monitors_member": {"type": "string", "description": "Wie ziet toe op het nakomen"},
            "informs_member": {"type": "string", "description": "Wie informeert de anderen"},
            "informs_text": {"type": "string", "maxLength": 2000},
            "notes": {"type": "string", "maxLength": 2000},
            "version": {"type": "integer", "minimum": 0, "description": "De versie van de regie die u las"},
        },
        ["lead", "version"],
        closed=True,
    ),
    "PlanSection": _obj(
        {
            "step": {"type": "integer"},
            "title": _S,
            "question": _S,
            "content": _S,
            "considerations": _S,
            "version": {"type": "integer"},
            "author": _S_NULL,
            "updated_at": _DATETIME,
        }
    ),
    "PlanSectionUpdate": _obj(
        {
            "content": {"type": "string", "maxLength": 10000},
            "considerations": {"type": "string", "maxLength": 10000},
            "version": {"type": "integer", "minimum": 0, "description": "De versie die u las"},
        },
        ["version"],
        closed=True,
    ),
    "Conflict": _obj({"detail": _S, "mine": _ref("PlanSection"), "theirs": _ref("PlanSection")}),
    "RegieConflict": _obj({"detail": _S, "mine": _ref("Regie"), "theirs": _ref("Regie")}),
    "Agreement": _obj(
        {
            "id": UUID,
            "what": _S,
            "owner": _S_NULL,
            "due_date": _DATE,
            "status": {"type": "string", "enum": ["open", "done", "cancelled"]},
            "overdue": {"type": "boolean"},
            "from_meeting": _S_NULL,
            "created_at": _DATETIME,
            "updated_at": _DATETIME,
        }
    ),
    "AgreementCreate": _obj(
        {
            "what": {"type": "string", "maxLength": 2000},
            "owner": {"type": "string", "description": "Gebruikersnaam"},
            "due_date": _DATE,
        },
        ["what"],
        closed=True,
    ),
    "AgreementUpdate": _obj(
        {
            "what": {"type": "string", "maxLength": 2000},
            "owner": _S_NULL,
            "due_date": _DATE,
            "status": {"type": "string", "enum": ["open", "done", "cancelled"]},
        },
        closed=True,
    ),
    "Consent": _obj(
        {
            "id": UUID,
            "what": _S,
            "with_whom": _S,
            "given_by": _S,
            "given_on": _DATE,
            "recorded_by": _S_NULL,
            "recorded_at": _DATETIME,
            "withdrawn_on": _DATE,
            "withdrawn_by": _S_NULL,
            "active": {"type": "boolean"},
        }
    ),
    "ConsentRecord": _obj(
        {
            "what": {"type": "string", "maxLength": 2000},
            "with_whom": {"type": "string", "maxLength": 2000},
            "given_on": {"type": "string", "format": "date"},
            "given_by": {"type": "string", "maxLength": 200},
        },
        ["what", "with_whom", "given_on"],
        closed=True,
    ),
    "ConsentWithdraw": _obj({"withdrawn_on": _DATE}, closed=True),
    "Meeting": _obj(
        {
            "id": UUID,
            "starts_at": _DATETIME,
            "duration_minutes": {"type": "integer"},
            "location": _S,
            "participants": {"type": "array", "items": _S},
            "family_participates": {"type": "boolean"},
            "other_participants": _S,
            "minutes": _S,
            "decisions": {
                "type": "array",
                "items": _obj({"id": {"type": "integer"}, "text": _S, "agreement": _S_NULL}),
            },
        }
    ),
    "MeetingPlan": _obj(
        {
            "starts_at": {"type": "string", "format": "date-time"},
            "duration_minutes": {"type": "integer", "minimum": 5, "maximum": 600, "default": 60},
            "location": {"type": "string", "maxLength": 200},
            "participants": {"type": "array", "items": _S, "description": "Gebruikersnamen van teamleden"},
            "family_participates": {"type": "boolean"},
            "other_participants": {"type": "string", "maxLength": 2000},
            "minutes": {"type": "string", "maxLength": 10000},
            "decisions": {"type": "array", "items": {"type": "string", "maxLength": 2000}},
        },
        ["starts_at"],
        closed=True,
    ),
    "MeetingMinutes": _obj(
        {"minutes": {"type": "string", "maxLength": 10000}, "decisions": {"type": "array", "items": _S}},
        closed=True,
    ),
    "DecisionsToAgreements": _obj(
        {
            "items": {
                "type": "array",
                "items": _obj(
                    {"decision": {"type": "integer"}, "owner": _S, "due_date": _DATE}, ["decision"]
                ),
            }
        },
        ["items"],
        closed=True,
    ),
    "Handover": _obj(
        {
            "id": UUID,
            "leaving": _S,
            "successor": _S,
            "note": _S,
            "family_informed": {"type": "boolean"},
            "at": _DATETIME,
            "by": _S_NULL,
        }
    ),
    "HandoverCreate": _obj(
        {
            "leaving": {"type": "string", "description": "Gebruikersnaam; standaard de aanroeper"},
            "successor": {
                "type": "string",
                "description": "Gebruikersnaam; wordt teamlid als dat nog niet zo is",
            },
            "note": {"type": "string", "maxLength": 10000},
            "family_informed": {"type": "boolean"},
        },
        ["successor"],
        closed=True,
    ),
    "Feedback": _obj(
        {
            "id": UUID,
            "recipient_role": {"type": "string", "enum": ["huisarts", "jgz"]},
            "recipient_email": _S,
            "message": _S,
            "sent_at": _DATETIME,
            "sent_by": _S_NULL,
        }
    ),
    "FeedbackSend": _obj(
        {
            "recipient_role": {"type": "string", "enum": ["huisarts", "jgz"]},
            "recipient_email": {"type": "string", "format": "email"},
            "message": {"type": "string", "maxLength": 5000},
        },
        ["recipient_role", "recipient_email", "message"],
        closed=True,
    ),
    "TimelineEvent": _obj({"at": _DATETIME, "kind": _S, "text": _S, "object_id": _S}),
    "AuditEntry": _obj(
        {
            "event_id": UUID,
            "user": _S,
            "role": _S,
            "organisation": _S,
            "action": _S,
            "outcome": {"type": "string", "enum": ["success", "denied", "failure"]},
            "time": _DATETIME,
            "client_address": _S_NULL,
            "object_type": _S,
            "object_id": _S,
        }
    ),
}
