"""The gezinsplan JSON API under /api/v1/gezinsplannen… (django-ninja; mounted in wegwijzer.conf.api).

Thin operations: authenticate (bearer token or 2FA session with CSRF, `API_AUTH`), check need-to-know through
the selectors (404 for anyone who is not a current member, identical to an unknown id), then validate the
body (schemas.py: 400 for a body that is no JSON object or holds no usable date, 422 with Dutch messages
per field), call one service (which logs and is atomic) and let the output schema shape the answer. Every
GET that returns case data goes through `selectors.gezinsplan_read`, which logs the read (not for HEAD).

`case_operation` keeps the rules of the old `endpoint()` wrapper: one transaction per unsafe request, the
access-log entries of a refusal (denied, conflict) written again after the rollback, and the domain errors
of the services answered in the one error shape.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Body, Router
from ninja.responses import Status

from wegwijzer.accounts.auth import API_AUTH
from wegwijzer.audit.context import access_context
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.audit.service import access_log_write
from wegwijzer.core.api import json_response
from wegwijzer.core.apikit import BODY_ERRORS, ApiError, ErrorOut, errors

from . import exports, policy, selectors, services
from .models import Gezinsplan, Step
from .schemas import (
    AgreementIn,
    AgreementOut,
    AgreementPatch,
    AgreementsOut,
    CloseIn,
    ConflictOut,
    ConsentIn,
    ConsentOut,
    ConsentsOut,
    DecisionsIn,
    FeedbackIn,
    FeedbackListOut,
    FeedbackOut,
    GezinsplanAuditOut,
    GezinsplanDetailOut,
    GezinsplanIn,
    GezinsplannenOut,
    GezinsplanPatch,
    HandoverIn,
    HandoverOut,
    HandoversOut,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
    MeetingsOut,
    PlanOut,
    RegieIn,
    RegieOut,
    SectionOut,
    StepIn,
    TeamMemberIn,
    TeamMemberOut,
    TeamOut,
    TimelineOut,
    WithdrawIn,
)

router = Router(tags=["gezinsplan"], auth=API_AUTH)
Action = AccessLogEntry.Action

C = "/gezinsplannen/{uuid:gezinsplan_id}"
SAFE = ("GET", "HEAD")
READ = errors(404)  # a GET on a case: not found (or not a current member)
WRITE = errors(404, 409, *BODY_ERRORS)  # 409: the case is closed
CONFLICT = {409: ConflictOut | ErrorOut}  # 409: a stale version (mine/theirs), or the case is closed


def _errors_of(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if k == "__all__" else k): [str(m) for m in v]
            for k, v in exc.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def _relog_after_rollback(view: Callable[..., Any], request: HttpRequest, kwargs: dict[str, Any]) -> Any:
    try:
        with transaction.atomic():
            return view(request, **kwargs)
    except policy.NotFound as exc:
        # The denied attempt was logged inside the rolled-back transaction: log it again.
        if exc.access_log:
            access_log_write(**exc.access_log)
        raise
    except services.ConflictError as exc:
        for entry in exc.access_log_entries:
            access_log_write(**entry)
        raise


def gezinsplan_operation(view: Callable[..., Any]) -> Callable[..., Any]:
    """An operation on the gezinsplan: a transaction per unsafe request (refusals stay in the access log)
    and the services' refusals in the one error shape."""

    @wraps(view)
    def wrapper(request: HttpRequest, **kwargs: Any) -> Any:
        try:
            if request.method in SAFE:
                return view(request, **kwargs)
            return _relog_after_rollback(view, request, kwargs)
        except policy.NotFound as exc:
            # The same answer as for an unknown id: nobody can tell a case (or a part of it) exists.
            raise ApiError(404, _("Niet gevonden.")) from exc
        except services.DuplicateMemberError as exc:
            raise ApiError(409, _("Deze professional is al lid van het team."), _errors_of(exc)) from exc
        except ValidationError as exc:
            raise ApiError(422, _("De invoer is niet geldig."), _errors_of(exc)) from exc
        except services.ConflictError as exc:
            detail = _(
                "Iemand anders heeft dit onderdeel intussen opgeslagen. Beide versies staan hieronder; "
                "voeg ze samen en sla opnieuw op met de nieuwste versie."
            )
            raise ApiError(409, detail, extra={"mine": exc.mine, "theirs": exc.theirs}) from exc
        except policy.ClosedCaseError as exc:
            raise ApiError(409, str(exc)) from exc
        except policy.NotProfessionalError as exc:
            raise ApiError(403, str(exc)) from exc

    return wrapper


def _read(
    request: HttpRequest, gezinsplan_id: UUID, object_type: str, object_id: Any = "", action: Action = Action.READ
) -> Gezinsplan:
    return selectors.gezinsplan_read(
        context=access_context(request),
        user=request.user,
        gezinsplan_id=gezinsplan_id,
        object_type=object_type,
        object_id=object_id,
        action=action,
    )


def _for_change(request: HttpRequest, gezinsplan_id: UUID) -> Gezinsplan:
    return selectors.gezinsplan_get_for_user(request.user, gezinsplan_id, context=access_context(request))


# ---- cases ----


@router.get("/gezinsplannen", response=GezinsplannenOut, url_name="api-gezinsplannen", summary="Mijn gezinsplannen")
@gezinsplan_operation
def gezinsplannen_get(request: HttpRequest) -> dict[str, Any]:
    gezinsplannen = selectors.gezinsplan_list_read(context=access_context(request), user=request.user)
    return {"count": len(gezinsplannen), "results": gezinsplannen}


@router.post(
    "/gezinsplannen",
    response={201: GezinsplanDetailOut, **errors(403, *BODY_ERRORS)},
    url_name="api-gezinsplannen",
    summary="Een gezinsplan starten (alleen professionals)",
)
@gezinsplan_operation
def gezinsplannen_post(request: HttpRequest, payload: GezinsplanIn = Body(None)) -> Status[Gezinsplan]:  # noqa: B008
    body = GezinsplanIn.check(payload)
    gezinsplan = services.gezinsplan_create(actor=request.user, context=access_context(request), **body.model_dump())
    return Status(201, gezinsplan)


@router.get(C, response={200: GezinsplanDetailOut, **READ}, url_name="api-gezinsplan", summary="Een gezinsplan")
@gezinsplan_operation
def gezinsplan_get(request: HttpRequest, gezinsplan_id: UUID) -> Gezinsplan:
    return _read(request, gezinsplan_id, "gezinsplan")


@router.patch(
    C, response={200: GezinsplanDetailOut, **WRITE}, url_name="api-gezinsplan", summary="Gegevens van het gezinsplan wijzigen"
)
@gezinsplan_operation
def gezinsplan_patch(request: HttpRequest, gezinsplan_id: UUID, payload: GezinsplanPatch = Body(None)) -> Gezinsplan:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    body = GezinsplanPatch.check(payload)
    return services.gezinsplan_update(actor=request.user, context=access_context(request), gezinsplan=gezinsplan, **body.given())


@router.post(
    f"{C}/close", response={200: GezinsplanDetailOut, **WRITE}, url_name="api-gezinsplan-close", summary="Het gezinsplan sluiten"
)
@gezinsplan_operation
def gezinsplan_close_post(request: HttpRequest, gezinsplan_id: UUID, payload: CloseIn = Body(None)) -> Gezinsplan:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    CloseIn.check(payload)
    return services.gezinsplan_close(actor=request.user, context=access_context(request), gezinsplan=gezinsplan)


# ---- team ----


@router.get(f"{C}/members", response={200: TeamOut, **READ}, url_name="api-gezinsplan-members", summary="Het team")
@gezinsplan_operation
def members_get(request: HttpRequest, gezinsplan_id: UUID) -> dict[str, Any]:
    gezinsplan = _read(request, gezinsplan_id, "membership")
    return {"results": selectors.members_all(gezinsplan)}


@router.post(
    f"{C}/members",
    response={201: TeamMemberOut, **WRITE},
    url_name="api-gezinsplan-members",
    summary="Een professional aan het team toevoegen (409 als die al lid is)",
)
@gezinsplan_operation
def members_post(request: HttpRequest, gezinsplan_id: UUID, payload: TeamMemberIn = Body(None)) -> Status[Any]:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    body = TeamMemberIn.check(payload)
    membership = services.member_add(
        actor=request.user,
        context=access_context(request),
        gezinsplan=gezinsplan,
        username=body.username,
        role=body.role,
        valid_from=body.valid_from,
        valid_to=body.valid_to,
    )
    return Status(201, membership)


@router.delete(
    f"{C}/members/{{username}}",
    response={200: TeamMemberOut, **errors(404, 409)},
    url_name="api-gezinsplan-member",
    summary="Een teamlid uit het team halen",
)
@gezinsplan_operation
def member_delete(request: HttpRequest, gezinsplan_id: UUID, username: str) -> Any:
    gezinsplan = _for_change(request, gezinsplan_id)
    membership = selectors.member_get_current(gezinsplan, username)
    return services.member_remove(actor=request.user, context=access_context(request), gezinsplan=gezinsplan, membership=membership)


# ---- regie and plan ----


@router.get(
    f"{C}/regie", response={200: RegieOut | None, **READ}, url_name="api-gezinsplan-regie", summary="Wie heeft de regie"
)
@gezinsplan_operation
def regie_get(request: HttpRequest, gezinsplan_id: UUID) -> Any:
    gezinsplan = _read(request, gezinsplan_id, "regie")
    return selectors.regie_for_gezinsplan(gezinsplan)


@router.put(
    f"{C}/regie",
    response={200: RegieOut, **WRITE, **CONFLICT},
    url_name="api-gezinsplan-regie",
    summary="De regie vastleggen (met de gelezen versie; 409 met beide versies als die verouderd is)",
)
@gezinsplan_operation
def regie_put(request: HttpRequest, gezinsplan_id: UUID, payload: RegieIn = Body(None)) -> Any:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    body = RegieIn.check(payload, gezinsplan=gezinsplan)
    services.regie_set(
        actor=request.user,
        context=access_context(request),
        gezinsplan=gezinsplan,
        lead=body.lead,
        expected_version=body.version,
        informs_text=body.informs_text,
        notes=body.notes,
        **{name: getattr(body, name) for name in RegieIn.MEMBERS},
    )
    return selectors.regie_for_gezinsplan(gezinsplan)


@router.get(f"{C}/plan", response={200: PlanOut, **READ}, url_name="api-gezinsplan-plan", summary="De vijf stappen")
@gezinsplan_operation
def plan_get(request: HttpRequest, gezinsplan_id: UUID) -> dict[str, Any]:
    gezinsplan = _read(request, gezinsplan_id, "plansection")
    return {"steps": selectors.sections_for_gezinsplan(gezinsplan)}


@router.get(
    f"{C}/plan/{{int:step}}", response={200: SectionOut, **READ}, url_name="api-gezinsplan-plan-step", summary="Eén stap"
)
@gezinsplan_operation
def plan_step_get(request: HttpRequest, gezinsplan_id: UUID, step: int) -> Any:
    gezinsplan = selectors.gezinsplan_get_for_user(request.user, gezinsplan_id, context=access_context(request))
    section = selectors.section_get(gezinsplan, step)
    _read(request, gezinsplan_id, "plansection", step)
    return section


@router.put(
    f"{C}/plan/{{int:step}}",
    response={200: SectionOut, **WRITE, **CONFLICT},
    url_name="api-gezinsplan-plan-step",
    summary="Een stap opslaan (met de gelezen versie; 409 met beide versies als die verouderd is)",
)
@gezinsplan_operation
def plan_step_put(request: HttpRequest, gezinsplan_id: UUID, step: int, payload: StepIn = Body(None)) -> Any:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    if step not in Step.values:
        raise policy.NotFound("Onbekende stap.")
    body = StepIn.check(payload)
    return services.plan_section_update(
        actor=request.user,
        context=access_context(request),
        gezinsplan=gezinsplan,
        step=step,
        content=body.content,
        considerations=body.considerations,
        expected_version=body.version,
    )


# ---- agreements and consents ----


@router.get(
    f"{C}/agreements", response={200: AgreementsOut, **READ}, url_name="api-gezinsplan-agreements", summary="Afspraken"
)
@gezinsplan_operation
def agreements_get(request: HttpRequest, gezinsplan_id: UUID) -> dict[str, Any]:
    gezinsplan = _read(request, gezinsplan_id, "agreement")
    return {"results": selectors.agreements_for_gezinsplan(gezinsplan)}


@router.post(
    f"{C}/agreements",
    response={201: AgreementOut, **WRITE},
    url_name="api-gezinsplan-agreements",
    summary="Een afspraak maken",
)
@gezinsplan_operation
def agreements_post(request: HttpRequest, gezinsplan_id: UUID, payload: AgreementIn = Body(None)) -> Status[Any]:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    body = AgreementIn.check(payload, gezinsplan=gezinsplan)
    agreement = services.agreement_create(
        actor=request.user, context=access_context(request), gezinsplan=gezinsplan, what=body.what, owner=body.owner, due_date=body.due_date
    )
    return Status(201, agreement)


@router.get(
    f"{C}/agreements/{{uuid:agreement_id}}",
    response={200: AgreementOut, **READ},
    url_name="api-gezinsplan-agreement",
    summary="Eén afspraak",
)
@gezinsplan_operation
def agreement_get(request: HttpRequest, gezinsplan_id: UUID, agreement_id: UUID) -> Any:
    gezinsplan = selectors.gezinsplan_get_for_user(request.user, gezinsplan_id, context=access_context(request))
    agreement = selectors.agreement_get(gezinsplan, agreement_id)
    _read(request, gezinsplan_id, "agreement", agreement.pk)
    return agreement


@router.patch(
    f"{C}/agreements/{{uuid:agreement_id}}",
    response={200: AgreementOut, **WRITE},
    url_name="api-gezinsplan-agreement",
    summary="Een afspraak wijzigen (alleen de meegestuurde velden)",
)
@gezinsplan_operation
def agreement_patch(
    request: HttpRequest,
    gezinsplan_id: UUID,
    agreement_id: UUID,
    payload: AgreementPatch = Body(None),  # noqa: B008
) -> Any:
    gezinsplan = _for_change(request, gezinsplan_id)
    agreement = selectors.agreement_get(gezinsplan, agreement_id)
    body = AgreementPatch.check(payload, gezinsplan=gezinsplan)
    return services.agreement_update(actor=request.user, context=access_context(request), agreement=agreement, **body.given())


@router.get(f"{C}/consents", response={200: ConsentsOut, **READ}, url_name="api-gezinsplan-consents", summary="Toestemmingen")
@gezinsplan_operation
def consents_get(request: HttpRequest, gezinsplan_id: UUID) -> dict[str, Any]:
    gezinsplan = _read(request, gezinsplan_id, "consent")
    return {"results": selectors.consents_for_gezinsplan(gezinsplan)}


@router.post(
    f"{C}/consents",
    response={201: ConsentOut, **WRITE},
    url_name="api-gezinsplan-consents",
    summary="Een toestemming vastleggen",
)
@gezinsplan_operation
def consents_post(request: HttpRequest, gezinsplan_id: UUID, payload: ConsentIn = Body(None)) -> Status[Any]:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    body = ConsentIn.check(payload)
    consent = services.consent_record(
        actor=request.user,
        context=access_context(request),
        gezinsplan=gezinsplan,
        what=body.what,
        with_whom=body.with_whom,
        given_on=body.given_on,
        given_by=body.given_by,
    )
    return Status(201, consent)


@router.post(
    f"{C}/consents/{{uuid:consent_id}}/withdraw",
    response={200: ConsentOut, **WRITE},
    url_name="api-gezinsplan-consent-withdraw",
    summary="Een toestemming intrekken",
)
@gezinsplan_operation
def consent_withdraw_post(
    request: HttpRequest,
    gezinsplan_id: UUID,
    consent_id: UUID,
    payload: WithdrawIn = Body(None),  # noqa: B008
) -> Any:
    gezinsplan = _for_change(request, gezinsplan_id)
    consent = selectors.consent_get(gezinsplan, consent_id)
    body = WithdrawIn.check(payload)
    return services.consent_withdraw(
        actor=request.user, context=access_context(request), consent=consent, withdrawn_on=body.withdrawn_on
    )


# ---- meetings (MDO) ----


@router.get(f"{C}/meetings", response={200: MeetingsOut, **READ}, url_name="api-gezinsplan-meetings", summary="MDO's")
@gezinsplan_operation
def meetings_get(request: HttpRequest, gezinsplan_id: UUID) -> dict[str, Any]:
    gezinsplan = _read(request, gezinsplan_id, "meeting")
    return {"results": selectors.meetings_for_gezinsplan(gezinsplan)}


@router.post(
    f"{C}/meetings",
    response={201: MeetingOut, **WRITE},
    url_name="api-gezinsplan-meetings",
    summary="Een MDO plannen",
)
@gezinsplan_operation
def meetings_post(request: HttpRequest, gezinsplan_id: UUID, payload: MeetingIn = Body(None)) -> Status[Any]:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    body = MeetingIn.check(payload, gezinsplan=gezinsplan)
    meeting = services.meeting_plan(
        actor=request.user,
        context=access_context(request),
        gezinsplan=gezinsplan,
        starts_at=body.starts_at,
        duration_minutes=body.duration_minutes,
        location=body.location,
        participants=body.participants,
        family_participates=body.family_participates,
        other_participants=body.other_participants,
        minutes=body.minutes,
        decisions=body.decisions,
    )
    return Status(201, selectors.meeting_get(gezinsplan, meeting.pk))


@router.get(
    f"{C}/meetings/{{uuid:meeting_id}}", response={200: MeetingOut, **READ}, url_name="api-gezinsplan-meeting", summary="Eén MDO"
)
@gezinsplan_operation
def meeting_get(request: HttpRequest, gezinsplan_id: UUID, meeting_id: UUID) -> Any:
    gezinsplan = selectors.gezinsplan_get_for_user(request.user, gezinsplan_id, context=access_context(request))
    meeting = selectors.meeting_get(gezinsplan, meeting_id)
    _read(request, gezinsplan_id, "meeting", meeting.pk)
    return meeting


@router.patch(
    f"{C}/meetings/{{uuid:meeting_id}}",
    response={200: MeetingOut, **WRITE},
    url_name="api-gezinsplan-meeting",
    summary="Het verslag vastleggen en besluiten toevoegen",
)
@gezinsplan_operation
def meeting_patch(
    request: HttpRequest,
    gezinsplan_id: UUID,
    meeting_id: UUID,
    payload: MeetingPatch = Body(None),  # noqa: B008
) -> Any:
    gezinsplan = _for_change(request, gezinsplan_id)
    meeting = selectors.meeting_get(gezinsplan, meeting_id)
    body = MeetingPatch.check(payload)
    minutes = meeting.minutes if body.minutes is None else body.minutes
    services.meeting_record_minutes(
        actor=request.user, context=access_context(request), meeting=meeting, minutes=minutes, decisions=body.decisions
    )
    return selectors.meeting_get(gezinsplan, meeting.pk)


@router.get(
    f"{C}/meetings/{{uuid:meeting_id}}.ics",
    response={200: None, **READ},
    url_name="api-gezinsplan-meeting-ics",
    summary="Het MDO als agenda-uitnodiging (iCalendar)",
    openapi_extra={"responses": {200: {"content": {"text/calendar": {"schema": {"type": "string"}}}}}},
)
@gezinsplan_operation
def meeting_ics_get(request: HttpRequest, gezinsplan_id: UUID, meeting_id: UUID) -> HttpResponse:
    gezinsplan = selectors.gezinsplan_get_for_user(request.user, gezinsplan_id, context=access_context(request))
    meeting = selectors.meeting_get(gezinsplan, meeting_id)
    _read(request, gezinsplan_id, "meeting", meeting.pk, action=Action.EXPORT)
    response = HttpResponse(services.meeting_ical(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mdo-{meeting.pk}.ics"'
    return response


@router.post(
    f"{C}/meetings/{{uuid:meeting_id}}/agreements",
    response={201: AgreementsOut, **WRITE},
    url_name="api-gezinsplan-meeting-agreements",
    summary="Besluiten van het MDO omzetten in afspraken",
)
@gezinsplan_operation
def meeting_agreements_post(
    request: HttpRequest,
    gezinsplan_id: UUID,
    meeting_id: UUID,
    payload: DecisionsIn = Body(None),  # noqa: B008
) -> Status[Any]:
    gezinsplan = _for_change(request, gezinsplan_id)
    meeting = selectors.meeting_get(gezinsplan, meeting_id)
    body = DecisionsIn.check(payload, gezinsplan=gezinsplan)
    items = [{"decision": i.decision, "owner": i.owner, "due_date": i.due_date} for i in body.items]
    agreements = services.decisions_to_agreements(actor=request.user, context=access_context(request), meeting=meeting, items=items)
    return Status(201, {"results": agreements})


# ---- handovers, feedback, timeline, audit, export ----


@router.get(
    f"{C}/handovers", response={200: HandoversOut, **READ}, url_name="api-gezinsplan-handovers", summary="Warme overdrachten"
)
@gezinsplan_operation
def handovers_get(request: HttpRequest, gezinsplan_id: UUID) -> dict[str, Any]:
    gezinsplan = _read(request, gezinsplan_id, "handover")
    return {"results": selectors.handovers_for_gezinsplan(gezinsplan)}


@router.post(
    f"{C}/handovers",
    response={201: HandoverOut, **WRITE},
    url_name="api-gezinsplan-handovers",
    summary="Warme overdracht aan een opvolger (zonder leaving: de aanroeper vertrekt)",
)
@gezinsplan_operation
def handovers_post(request: HttpRequest, gezinsplan_id: UUID, payload: HandoverIn = Body(None)) -> Status[Any]:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    body = HandoverIn.check(payload, gezinsplan=gezinsplan)
    leaving = body.leaving if "leaving" in body.model_fields_set else policy.current_membership(request.user, gezinsplan)
    if leaving is None:
        raise ApiError(422, _("De invoer is niet geldig."), {"leaving": [_("Kies wie vertrekt.")]})
    record = services.handover(
        actor=request.user,
        context=access_context(request),
        gezinsplan=gezinsplan,
        leaving=leaving,
        successor_username=body.successor,
        note=body.note,
        family_informed=body.family_informed,
    )
    return Status(201, record)


@router.get(
    f"{C}/feedback", response={200: FeedbackListOut, **READ}, url_name="api-gezinsplan-feedback", summary="Terugkoppelingen"
)
@gezinsplan_operation
def feedback_get(request: HttpRequest, gezinsplan_id: UUID) -> dict[str, Any]:
    gezinsplan = _read(request, gezinsplan_id, "feedback")
    return {"results": selectors.feedback_for_gezinsplan(gezinsplan)}


@router.post(
    f"{C}/feedback",
    response={201: FeedbackOut, **WRITE},
    url_name="api-gezinsplan-feedback",
    summary="Terugkoppeling aan de verwijzer sturen",
)
@gezinsplan_operation
def feedback_post(request: HttpRequest, gezinsplan_id: UUID, payload: FeedbackIn = Body(None)) -> Status[Any]:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    body = FeedbackIn.check(payload)
    feedback = services.feedback_send(
        actor=request.user,
        context=access_context(request),
        gezinsplan=gezinsplan,
        recipient_role=body.recipient_role,
        recipient_email=body.recipient_email,
        message=body.message,
    )
    # case_operation commits after this returns and ninja serialises after that. The mail task's on_commit
    # was registered first, so this one reloads its outcome (sent/failed) into the answer; with a queueing
    # backend the row still says queued, which is then the truth.
    transaction.on_commit(lambda: feedback.refresh_from_db(fields=["mail_status", "mail_sent_at"]))
    return Status(201, feedback)


@router.get(f"{C}/timeline", response={200: TimelineOut, **READ}, url_name="api-gezinsplan-timeline", summary="Tijdlijn")
@gezinsplan_operation
def timeline_get(request: HttpRequest, gezinsplan_id: UUID) -> dict[str, Any]:
    gezinsplan = _read(request, gezinsplan_id, "timeline")
    return {"results": selectors.gezinsplan_timeline(gezinsplan)}


@router.get(
    f"{C}/audit",
    response={200: GezinsplanAuditOut, **READ},
    url_name="api-gezinsplan-audit",
    summary="Wie zag of wijzigde wat (de nieuwste 1000 regels)",
)
@gezinsplan_operation
def audit_get(request: HttpRequest, gezinsplan_id: UUID) -> dict[str, Any]:
    gezinsplan = _read(request, gezinsplan_id, "auditlog")
    return {"results": selectors.audit_entries_for_gezinsplan(gezinsplan)[:1000]}


@router.get(
    f"{C}/export/fhir",
    response={200: None, **READ},
    url_name="api-gezinsplan-export-fhir",
    summary="Het gezinsplan als FHIR R4B-bundel (application/fhir+json)",
    openapi_extra={"responses": {200: {"content": {"application/fhir+json": {"schema": {"type": "object"}}}}}},
)
@gezinsplan_operation
def export_fhir_get(request: HttpRequest, gezinsplan_id: UUID) -> HttpResponse:
    gezinsplan = _read(request, gezinsplan_id, "fhir", action=Action.EXPORT)
    response = json_response(exports.plan_fhir_bundle(gezinsplan))
    response["Content-Type"] = "application/fhir+json; charset=utf-8"
    return response
