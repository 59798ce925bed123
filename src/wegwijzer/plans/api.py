"""The gezinsplan JSON API under /api/v1/cases… (django-ninja; mounted in wegwijzer.conf.api).

Thin operations: authenticate (bearer token or 2FA session with CSRF, `API_AUTH`), check need-to-know through
the selectors (404 for anyone who is not a current member, identical to an unknown id), then validate the
body (schemas.py: 400 for a body that is no JSON object or holds no usable date, 422 with Dutch messages
per field), call one service (which logs and is atomic) and let the output schema shape the answer. Every
GET that returns case data goes through `selectors.casus_read`, which logs the read (not for HEAD).

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
from .models import Casus, Step
from .schemas import (
    AgreementIn,
    AgreementOut,
    AgreementPatch,
    AgreementsOut,
    CaseAuditOut,
    CaseDetailOut,
    CaseIn,
    CasePatch,
    CasesOut,
    CloseIn,
    ConflictOut,
    ConsentIn,
    ConsentOut,
    ConsentsOut,
    DecisionsIn,
    FeedbackIn,
    FeedbackListOut,
    FeedbackOut,
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

C = "/cases/{uuid:case_id}"
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


def case_operation(view: Callable[..., Any]) -> Callable[..., Any]:
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
    request: HttpRequest, case_id: UUID, object_type: str, object_id: Any = "", action: Action = Action.READ
) -> Casus:
    return selectors.casus_read(
        context=access_context(request),
        user=request.user,
        casus_id=case_id,
        object_type=object_type,
        object_id=object_id,
        action=action,
    )


def _for_change(request: HttpRequest, case_id: UUID) -> Casus:
    return selectors.casus_get_for_user(request.user, case_id, context=access_context(request))


# ---- cases ----


@router.get("/cases", response=CasesOut, url_name="api-cases", summary="Mijn gezinsplannen")
@case_operation
def cases_get(request: HttpRequest) -> dict[str, Any]:
    cases = selectors.casus_list_read(context=access_context(request), user=request.user)
    return {"count": len(cases), "results": cases}


@router.post(
    "/cases",
    response={201: CaseDetailOut, **errors(403, *BODY_ERRORS)},
    url_name="api-cases",
    summary="Een gezinsplan starten (alleen professionals)",
)
@case_operation
def cases_post(request: HttpRequest, payload: CaseIn = Body(None)) -> Status[Casus]:  # noqa: B008
    body = CaseIn.check(payload)
    casus = services.casus_create(actor=request.user, context=access_context(request), **body.model_dump())
    return Status(201, casus)


@router.get(C, response={200: CaseDetailOut, **READ}, url_name="api-case", summary="Een gezinsplan")
@case_operation
def case_get(request: HttpRequest, case_id: UUID) -> Casus:
    return _read(request, case_id, "casus")


@router.patch(
    C, response={200: CaseDetailOut, **WRITE}, url_name="api-case", summary="Gegevens van het gezinsplan wijzigen"
)
@case_operation
def case_patch(request: HttpRequest, case_id: UUID, payload: CasePatch = Body(None)) -> Casus:  # noqa: B008
    casus = _for_change(request, case_id)
    body = CasePatch.check(payload)
    return services.casus_update(actor=request.user, context=access_context(request), casus=casus, **body.given())


@router.post(
    f"{C}/close", response={200: CaseDetailOut, **WRITE}, url_name="api-case-close", summary="Het gezinsplan sluiten"
)
@case_operation
def case_close_post(request: HttpRequest, case_id: UUID, payload: CloseIn = Body(None)) -> Casus:  # noqa: B008
    casus = _for_change(request, case_id)
    CloseIn.check(payload)
    return services.casus_close(actor=request.user, context=access_context(request), casus=casus)


# ---- team ----


@router.get(f"{C}/members", response={200: TeamOut, **READ}, url_name="api-case-members", summary="Het team")
@case_operation
def members_get(request: HttpRequest, case_id: UUID) -> dict[str, Any]:
    casus = _read(request, case_id, "membership")
    return {"results": selectors.members_all(casus)}


@router.post(
    f"{C}/members",
    response={201: TeamMemberOut, **WRITE},
    url_name="api-case-members",
    summary="Een professional aan het team toevoegen (409 als die al lid is)",
)
@case_operation
def members_post(request: HttpRequest, case_id: UUID, payload: TeamMemberIn = Body(None)) -> Status[Any]:  # noqa: B008
    casus = _for_change(request, case_id)
    body = TeamMemberIn.check(payload)
    membership = services.member_add(
        actor=request.user,
        context=access_context(request),
        casus=casus,
        username=body.username,
        role=body.role,
        valid_from=body.valid_from,
        valid_to=body.valid_to,
    )
    return Status(201, membership)


@router.delete(
    f"{C}/members/{{username}}",
    response={200: TeamMemberOut, **errors(404, 409)},
    url_name="api-case-member",
    summary="Een teamlid uit het team halen",
)
@case_operation
def member_delete(request: HttpRequest, case_id: UUID, username: str) -> Any:
    casus = _for_change(request, case_id)
    membership = selectors.member_get_current(casus, username)
    return services.member_remove(actor=request.user, context=access_context(request), casus=casus, membership=membership)


# ---- regie and plan ----


@router.get(
    f"{C}/regie", response={200: RegieOut | None, **READ}, url_name="api-case-regie", summary="Wie heeft de regie"
)
@case_operation
def regie_get(request: HttpRequest, case_id: UUID) -> Any:
    casus = _read(request, case_id, "regie")
    return selectors.regie_for_casus(casus)


@router.put(
    f"{C}/regie",
    response={200: RegieOut, **WRITE, **CONFLICT},
    url_name="api-case-regie",
    summary="De regie vastleggen (met de gelezen versie; 409 met beide versies als die verouderd is)",
)
@case_operation
def regie_put(request: HttpRequest, case_id: UUID, payload: RegieIn = Body(None)) -> Any:  # noqa: B008
    casus = _for_change(request, case_id)
    body = RegieIn.check(payload, casus=casus)
    services.regie_set(
        actor=request.user,
        context=access_context(request),
        casus=casus,
        lead=body.lead,
        expected_version=body.version,
        informs_text=body.informs_text,
        notes=body.notes,
        **{name: getattr(body, name) for name in RegieIn.MEMBERS},
    )
    return selectors.regie_for_casus(casus)


@router.get(f"{C}/plan", response={200: PlanOut, **READ}, url_name="api-case-plan", summary="De vijf stappen")
@case_operation
def plan_get(request: HttpRequest, case_id: UUID) -> dict[str, Any]:
    casus = _read(request, case_id, "plansection")
    return {"steps": selectors.sections_for_casus(casus)}


@router.get(
    f"{C}/plan/{{int:step}}", response={200: SectionOut, **READ}, url_name="api-case-plan-step", summary="Eén stap"
)
@case_operation
def plan_step_get(request: HttpRequest, case_id: UUID, step: int) -> Any:
    casus = selectors.casus_get_for_user(request.user, case_id, context=access_context(request))
    section = selectors.section_get(casus, step)
    _read(request, case_id, "plansection", step)
    return section


@router.put(
    f"{C}/plan/{{int:step}}",
    response={200: SectionOut, **WRITE, **CONFLICT},
    url_name="api-case-plan-step",
    summary="Een stap opslaan (met de gelezen versie; 409 met beide versies als die verouderd is)",
)
@case_operation
def plan_step_put(request: HttpRequest, case_id: UUID, step: int, payload: StepIn = Body(None)) -> Any:  # noqa: B008
    casus = _for_change(request, case_id)
    if step not in Step.values:
        raise policy.NotFound("Onbekende stap.")
    body = StepIn.check(payload)
    return services.plan_section_update(
        actor=request.user,
        context=access_context(request),
        casus=casus,
        step=step,
        content=body.content,
        considerations=body.considerations,
        expected_version=body.version,
    )


# ---- agreements and consents ----


@router.get(
    f"{C}/agreements", response={200: AgreementsOut, **READ}, url_name="api-case-agreements", summary="Afspraken"
)
@case_operation
def agreements_get(request: HttpRequest, case_id: UUID) -> dict[str, Any]:
    casus = _read(request, case_id, "agreement")
    return {"results": selectors.agreements_for_casus(casus)}


@router.post(
    f"{C}/agreements",
    response={201: AgreementOut, **WRITE},
    url_name="api-case-agreements",
    summary="Een afspraak maken",
)
@case_operation
def agreements_post(request: HttpRequest, case_id: UUID, payload: AgreementIn = Body(None)) -> Status[Any]:  # noqa: B008
    casus = _for_change(request, case_id)
    body = AgreementIn.check(payload, casus=casus)
    agreement = services.agreement_create(
        actor=request.user, context=access_context(request), casus=casus, what=body.what, owner=body.owner, due_date=body.due_date
    )
    return Status(201, agreement)


@router.get(
    f"{C}/agreements/{{uuid:agreement_id}}",
    response={200: AgreementOut, **READ},
    url_name="api-case-agreement",
    summary="Eén afspraak",
)
@case_operation
def agreement_get(request: HttpRequest, case_id: UUID, agreement_id: UUID) -> Any:
    casus = selectors.casus_get_for_user(request.user, case_id, context=access_context(request))
    agreement = selectors.agreement_get(casus, agreement_id)
    _read(request, case_id, "agreement", agreement.pk)
    return agreement


@router.patch(
    f"{C}/agreements/{{uuid:agreement_id}}",
    response={200: AgreementOut, **WRITE},
    url_name="api-case-agreement",
    summary="Een afspraak wijzigen (alleen de meegestuurde velden)",
)
@case_operation
def agreement_patch(
    request: HttpRequest,
    case_id: UUID,
    agreement_id: UUID,
    payload: AgreementPatch = Body(None),  # noqa: B008
) -> Any:
    casus = _for_change(request, case_id)
    agreement = selectors.agreement_get(casus, agreement_id)
    body = AgreementPatch.check(payload, casus=casus)
    return services.agreement_update(actor=request.user, context=access_context(request), agreement=agreement, **body.given())


@router.get(f"{C}/consents", response={200: ConsentsOut, **READ}, url_name="api-case-consents", summary="Toestemmingen")
@case_operation
def consents_get(request: HttpRequest, case_id: UUID) -> dict[str, Any]:
    casus = _read(request, case_id, "consent")
    return {"results": selectors.consents_for_casus(casus)}


@router.post(
    f"{C}/consents",
    response={201: ConsentOut, **WRITE},
    url_name="api-case-consents",
    summary="Een toestemming vastleggen",
)
@case_operation
def consents_post(request: HttpRequest, case_id: UUID, payload: ConsentIn = Body(None)) -> Status[Any]:  # noqa: B008
    casus = _for_change(request, case_id)
    body = ConsentIn.check(payload)
    consent = services.consent_record(
        actor=request.user,
        context=access_context(request),
        casus=casus,
        what=body.what,
        with_whom=body.with_whom,
        given_on=body.given_on,
        given_by=body.given_by,
    )
    return Status(201, consent)


@router.post(
    f"{C}/consents/{{uuid:consent_id}}/withdraw",
    response={200: ConsentOut, **WRITE},
    url_name="api-case-consent-withdraw",
    summary="Een toestemming intrekken",
)
@case_operation
def consent_withdraw_post(
    request: HttpRequest,
    case_id: UUID,
    consent_id: UUID,
    payload: WithdrawIn = Body(None),  # noqa: B008
) -> Any:
    casus = _for_change(request, case_id)
    consent = selectors.consent_get(casus, consent_id)
    body = WithdrawIn.check(payload)
    return services.consent_withdraw(
        actor=request.user, context=access_context(request), consent=consent, withdrawn_on=body.withdrawn_on
    )


# ---- meetings (MDO) ----


@router.get(f"{C}/meetings", response={200: MeetingsOut, **READ}, url_name="api-case-meetings", summary="MDO's")
@case_operation
def meetings_get(request: HttpRequest, case_id: UUID) -> dict[str, Any]:
    casus = _read(request, case_id, "meeting")
    return {"results": selectors.meetings_for_casus(casus)}


@router.post(
    f"{C}/meetings",
    response={201: MeetingOut, **WRITE},
    url_name="api-case-meetings",
    summary="Een MDO plannen",
)
@case_operation
def meetings_post(request: HttpRequest, case_id: UUID, payload: MeetingIn = Body(None)) -> Status[Any]:  # noqa: B008
    casus = _for_change(request, case_id)
    body = MeetingIn.check(payload, casus=casus)
    meeting = services.meeting_plan(
        actor=request.user,
        context=access_context(request),
        casus=casus,
        starts_at=body.starts_at,
        duration_minutes=body.duration_minutes,
        location=body.location,
        participants=body.participants,
        family_participates=body.family_participates,
        other_participants=body.other_participants,
        minutes=body.minutes,
        decisions=body.decisions,
    )
    return Status(201, selectors.meeting_get(casus, meeting.pk))


@router.get(
    f"{C}/meetings/{{uuid:meeting_id}}", response={200: MeetingOut, **READ}, url_name="api-case-meeting", summary="Eén MDO"
)
@case_operation
def meeting_get(request: HttpRequest, case_id: UUID, meeting_id: UUID) -> Any:
    casus = selectors.casus_get_for_user(request.user, case_id, context=access_context(request))
    meeting = selectors.meeting_get(casus, meeting_id)
    _read(request, case_id, "meeting", meeting.pk)
    return meeting


@router.patch(
    f"{C}/meetings/{{uuid:meeting_id}}",
    response={200: MeetingOut, **WRITE},
    url_name="api-case-meeting",
    summary="Het verslag vastleggen en besluiten toevoegen",
)
@case_operation
def meeting_patch(
    request: HttpRequest,
    case_id: UUID,
    meeting_id: UUID,
    payload: MeetingPatch = Body(None),  # noqa: B008
) -> Any:
    casus = _for_change(request, case_id)
    meeting = selectors.meeting_get(casus, meeting_id)
    body = MeetingPatch.check(payload)
    minutes = meeting.minutes if body.minutes is None else body.minutes
    services.meeting_record_minutes(
        actor=request.user, context=access_context(request), meeting=meeting, minutes=minutes, decisions=body.decisions
    )
    return selectors.meeting_get(casus, meeting.pk)


@router.get(
    f"{C}/meetings/{{uuid:meeting_id}}.ics",
    response={200: None, **READ},
    url_name="api-case-meeting-ics",
    summary="Het MDO als agenda-uitnodiging (iCalendar)",
    openapi_extra={"responses": {200: {"content": {"text/calendar": {"schema": {"type": "string"}}}}}},
)
@case_operation
def meeting_ics_get(request: HttpRequest, case_id: UUID, meeting_id: UUID) -> HttpResponse:
    casus = selectors.casus_get_for_user(request.user, case_id, context=access_context(request))
    meeting = selectors.meeting_get(casus, meeting_id)
    _read(request, case_id, "meeting", meeting.pk, action=Action.EXPORT)
    response = HttpResponse(services.meeting_ical(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mdo-{meeting.pk}.ics"'
    return response


@router.post(
    f"{C}/meetings/{{uuid:meeting_id}}/agreements",
    response={201: AgreementsOut, **WRITE},
    url_name="api-case-meeting-agreements",
    summary="Besluiten van het MDO omzetten in afspraken",
)
@case_operation
def meeting_agreements_post(
    request: HttpRequest,
    case_id: UUID,
    meeting_id: UUID,
    payload: DecisionsIn = Body(None),  # noqa: B008
) -> Status[Any]:
    casus = _for_change(request, case_id)
    meeting = selectors.meeting_get(casus, meeting_id)
    body = DecisionsIn.check(payload, casus=casus)
    items = [{"decision": i.decision, "owner": i.owner, "due_date": i.due_date} for i in body.items]
    agreements = services.decisions_to_agreements(actor=request.user, context=access_context(request), meeting=meeting, items=items)
    return Status(201, {"results": agreements})


# ---- handovers, feedback, timeline, audit, export ----


@router.get(
    f"{C}/handovers", response={200: HandoversOut, **READ}, url_name="api-case-handovers", summary="Warme overdrachten"
)
@case_operation
def handovers_get(request: HttpRequest, case_id: UUID) -> dict[str, Any]:
    casus = _read(request, case_id, "handover")
    return {"results": selectors.handovers_for_casus(casus)}


@router.post(
    f"{C}/handovers",
    response={201: HandoverOut, **WRITE},
    url_name="api-case-handovers",
    summary="Warme overdracht aan een opvolger (zonder leaving: de aanroeper vertrekt)",
)
@case_operation
def handovers_post(request: HttpRequest, case_id: UUID, payload: HandoverIn = Body(None)) -> Status[Any]:  # noqa: B008
    casus = _for_change(request, case_id)
    body = HandoverIn.check(payload, casus=casus)
    leaving = body.leaving if "leaving" in body.model_fields_set else policy.current_membership(request.user, casus)
    if leaving is None:
        raise ApiError(422, _("De invoer is niet geldig."), {"leaving": [_("Kies wie vertrekt.")]})
    record = services.handover(
        actor=request.user,
        context=access_context(request),
        casus=casus,
        leaving=leaving,
        successor_username=body.successor,
        note=body.note,
        family_informed=body.family_informed,
    )
    return Status(201, record)


@router.get(
    f"{C}/feedback", response={200: FeedbackListOut, **READ}, url_name="api-case-feedback", summary="Terugkoppelingen"
)
@case_operation
def feedback_get(request: HttpRequest, case_id: UUID) -> dict[str, Any]:
    casus = _read(request, case_id, "feedback")
    return {"results": selectors.feedback_for_casus(casus)}


@router.post(
    f"{C}/feedback",
    response={201: FeedbackOut, **WRITE},
    url_name="api-case-feedback",
    summary="Terugkoppeling aan de verwijzer sturen",
)
@case_operation
def feedback_post(request: HttpRequest, case_id: UUID, payload: FeedbackIn = Body(None)) -> Status[Any]:  # noqa: B008
    casus = _for_change(request, case_id)
    body = FeedbackIn.check(payload)
    feedback = services.feedback_send(
        actor=request.user,
        context=access_context(request),
        casus=casus,
        recipient_role=body.recipient_role,
        recipient_email=body.recipient_email,
        message=body.message,
    )
    # case_operation commits after this returns and ninja serialises after that. The mail task's on_commit
    # was registered first, so this one reloads its outcome (sent/failed) into the answer; with a queueing
    # backend the row still says queued, which is then the truth.
    transaction.on_commit(lambda: feedback.refresh_from_db(fields=["mail_status", "mail_sent_at"]))
    return Status(201, feedback)


@router.get(f"{C}/timeline", response={200: TimelineOut, **READ}, url_name="api-case-timeline", summary="Tijdlijn")
@case_operation
def timeline_get(request: HttpRequest, case_id: UUID) -> dict[str, Any]:
    casus = _read(request, case_id, "timeline")
    return {"results": selectors.casus_timeline(casus)}


@router.get(
    f"{C}/audit",
    response={200: CaseAuditOut, **READ},
    url_name="api-case-audit",
    summary="Wie zag of wijzigde wat (de nieuwste 1000 regels)",
)
@case_operation
def audit_get(request: HttpRequest, case_id: UUID) -> dict[str, Any]:
    casus = _read(request, case_id, "auditlog")
    return {"results": selectors.audit_entries_for_casus(casus)[:1000]}


@router.get(
    f"{C}/export/fhir",
    response={200: None, **READ},
    url_name="api-case-export-fhir",
    summary="Het gezinsplan als FHIR R4B-bundel (application/fhir+json)",
    openapi_extra={"responses": {200: {"content": {"application/fhir+json": {"schema": {"type": "object"}}}}}},
)
@case_operation
def export_fhir_get(request: HttpRequest, case_id: UUID) -> HttpResponse:
    casus = _read(request, case_id, "fhir", action=Action.EXPORT)
    response = json_response(exports.plan_fhir_bundle(casus))
    response["Content-Type"] = "application/fhir+json; charset=utf-8"
    return response
