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

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Body, Query, Router
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
    GezinsplannenQueryIn,
    GezinsplanPatch,
    HandoverIn,
    HandoverOut,
    HandoversOut,
    InvolvedIn,
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
    VerwijzingenOut,
    VerwijzingIn,
    VerwijzingOut,
    VerwijzingStatusIn,
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


def _read_part(
    request: HttpRequest,
    gezinsplan_id: UUID,
    object_type: str,
    get: Callable[[Gezinsplan, Any], Any],
    key: Any,
    action: Action = Action.READ,
) -> Any:
    """One part of a gezinsplan (a step, an agreement, a meeting): need-to-know first, then the part (404 if
    it is not of this gezinsplan), and only then the read is logged, with the part's key."""
    gezinsplan = _for_change(request, gezinsplan_id)
    part = get(gezinsplan, key)
    # The case is already checked: log the part's read without looking the case up a second time.
    selectors.gezinsplan_part_read(
        context=access_context(request),
        user=request.user,
        gezinsplan=gezinsplan,
        object_type=object_type,
        object_id=key,
        action=action,
    )
    return part


def _part_for_change(
    request: HttpRequest, gezinsplan_id: UUID, get: Callable[[Gezinsplan, Any], Any], key: Any
) -> tuple[Gezinsplan, Any]:
    """The gezinsplan (need-to-know) and one of its parts to change (404 if the part is not of it)."""
    gezinsplan = _for_change(request, gezinsplan_id)
    return gezinsplan, get(gezinsplan, key)


def _acting(request: HttpRequest) -> dict[str, Any]:
    """The keyword arguments every service takes: who acts, and from where (for the access log)."""
    return {"actor": request.user, "context": access_context(request)}


def _operation(method: str, path: str, response: dict[int, Any], url_name: str, summary: str, **options: Any) -> Any:
    """`router.<method>` and `gezinsplan_operation` in one: every operation of this router has both."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        operation = router.api_operation([method], path, response=response, url_name=url_name, summary=summary, **options)
        return operation(gezinsplan_operation(view))

    return decorator


def _list_operation(
    part: str, out: Any, object_type: str, select: Callable[[Gezinsplan], Any], summary: str, url_part: str = ""
) -> None:
    """GET …/{part}: the gezinsplan's {part} as {"results": [...]}, the read logged once for the list."""

    def view(request: HttpRequest, gezinsplan_id: UUID) -> dict[str, Any]:
        return {"results": select(_read(request, gezinsplan_id, object_type))}

    view.__name__ = f"{part}_get"  # the operationId stays gezinsplan_api_<part>_get
    _operation("GET", f"{C}/{part}", {200: out, **READ}, f"api-gezinsplan-{url_part or part}", summary)(view)


def _part_operation(
    part: str, key: str, out: Any, object_type: str, get: Callable[[Gezinsplan, Any], Any], summary: str
) -> None:
    """GET …/{part}s/{key}: one part of the gezinsplan, its read logged with its key (see `_read_part`)."""

    def view(request: HttpRequest, gezinsplan_id: UUID, **path: UUID) -> Any:
        return _read_part(request, gezinsplan_id, object_type, get, path[key])

    view.__name__ = f"{part}_get"  # the operationId stays gezinsplan_api_<part>_get
    view.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation)
            for name, annotation in (("request", HttpRequest), ("gezinsplan_id", UUID), (key, UUID))
        ]
    )
    _operation("GET", f"{C}/{part}s/{{uuid:{key}}}", {200: out, **READ}, f"api-gezinsplan-{part}", summary)(view)


def _audit_entries(gezinsplan: Gezinsplan) -> Any:
    return selectors.audit_entries_for_gezinsplan(gezinsplan)[:1000]


# ---- cases ----


@router.get("/gezinsplannen", response={200: GezinsplannenOut, **errors(422)}, url_name="api-gezinsplannen", summary="Mijn gezinsplannen")
@gezinsplan_operation
def gezinsplannen_get(request: HttpRequest, query: Query[GezinsplannenQueryIn]) -> HttpResponse:
    # One page at a time (20 by default, as the social map pages): every shown case is an access-log row (issue 9). Rendered straight
    # to JSON (`json_of`): the answer is exactly the response schema's (test_read_paths).
    page = selectors.gezinsplan_page_read(
        context=access_context(request), user=request.user, page=query.page, per_page=query.per_page
    )
    return HttpResponse(GezinsplannenOut.json_of(page), content_type="application/json; charset=utf-8")


@_operation(
    "POST", "/gezinsplannen", {201: GezinsplanDetailOut, **errors(403, *BODY_ERRORS)}, "api-gezinsplannen",
    "Een gezinsplan starten (alleen professionals)",
)
def gezinsplannen_post(request: HttpRequest, payload: GezinsplanIn = Body(None)) -> Status[Gezinsplan]:  # noqa: B008
    return Status(201, services.gezinsplan_create(**_acting(request), **dict(GezinsplanIn.check(payload))))


@_operation("GET", C, {200: GezinsplanDetailOut, **READ}, "api-gezinsplan", "Een gezinsplan")
def gezinsplan_get(request: HttpRequest, gezinsplan_id: UUID) -> HttpResponse:
    # Read as plain values and rendered straight to JSON: the answer is exactly the response schema's
    # (test_read_paths), at a fraction of the cost of model instances (issue 9).
    detail = selectors.gezinsplan_detail_read(context=access_context(request), user=request.user, gezinsplan_id=gezinsplan_id)
    return HttpResponse(GezinsplanDetailOut.json_of(detail), content_type="application/json; charset=utf-8")


@_operation("PATCH", C, {200: GezinsplanDetailOut, **WRITE}, "api-gezinsplan", "Gegevens van het gezinsplan wijzigen")
def gezinsplan_patch(request: HttpRequest, gezinsplan_id: UUID, payload: GezinsplanPatch = Body(None)) -> Gezinsplan:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    body = GezinsplanPatch.check(payload)
    return services.gezinsplan_update(**_acting(request), gezinsplan=gezinsplan, **body.given())


@_operation("POST", f"{C}/close", {200: GezinsplanDetailOut, **WRITE}, "api-gezinsplan-close", "Het gezinsplan sluiten")
def gezinsplan_close_post(request: HttpRequest, gezinsplan_id: UUID, payload: CloseIn = Body(None)) -> Gezinsplan:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    CloseIn.check(payload)
    return services.gezinsplan_close(**_acting(request), gezinsplan=gezinsplan)


# ---- the lists of a gezinsplan's parts (GET …/{part}) ----

_list_operation("members", TeamOut, "membership", selectors.members_all, "Het team")
_list_operation("agreements", AgreementsOut, "agreement", selectors.agreements_for_gezinsplan, "Afspraken")
_list_operation("consents", ConsentsOut, "consent", selectors.consents_for_gezinsplan, "Toestemmingen")
_list_operation("meetings", MeetingsOut, "meeting", selectors.meetings_for_gezinsplan, "MDO's")
_list_operation("handovers", HandoversOut, "handover", selectors.handovers_for_gezinsplan, "Warme overdrachten")
_list_operation("feedback", FeedbackListOut, "feedback", selectors.feedback_for_gezinsplan, "Terugkoppelingen")
_list_operation("timeline", TimelineOut, "timeline", selectors.gezinsplan_timeline, "Tijdlijn")
_list_operation("audit", GezinsplanAuditOut, "auditlog", _audit_entries, "Wie zag of wijzigde wat (de nieuwste 1000 regels)")
_list_operation("verwijzingen", VerwijzingenOut, "verwijzing", selectors.verwijzingen_for_gezinsplan, "Verwijzingen")
_part_operation("agreement", "agreement_id", AgreementOut, "agreement", selectors.agreement_get, "Eén afspraak")
_part_operation("meeting", "meeting_id", MeetingOut, "meeting", selectors.meeting_get, "Eén MDO")


# ---- team ----


@_operation(
    "POST", f"{C}/members", {201: TeamMemberOut, **WRITE}, "api-gezinsplan-members",
    "Een professional aan het team toevoegen (409 als die al lid is)",
)
def members_post(request: HttpRequest, gezinsplan_id: UUID, payload: TeamMemberIn = Body(None)) -> Status[Any]:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    body = TeamMemberIn.check(payload)
    return Status(201, services.member_add(**_acting(request), gezinsplan=gezinsplan, **dict(body)))


@_operation(
    "DELETE", f"{C}/members/{{username}}", {200: TeamMemberOut, **errors(404, 409)}, "api-gezinsplan-member",
    "Een teamlid uit het team halen",
)
def member_delete(request: HttpRequest, gezinsplan_id: UUID, username: str) -> Any:
    gezinsplan, membership = _part_for_change(request, gezinsplan_id, selectors.member_get_current, username)
    return services.member_remove(**_acting(request), gezinsplan=gezinsplan, membership=membership)


# ---- regie and plan ----


@_operation("GET", f"{C}/regie", {200: RegieOut | None, **READ}, "api-gezinsplan-regie", "Wie heeft de regie")
def regie_get(request: HttpRequest, gezinsplan_id: UUID) -> Any:
    return selectors.regie_for_gezinsplan(_read(request, gezinsplan_id, "regie"))


@_operation(
    "PUT", f"{C}/regie", {200: RegieOut, **WRITE, **CONFLICT}, "api-gezinsplan-regie",
    "De regie vastleggen (met de gelezen versie; 409 met beide versies als die verouderd is)",
)
def regie_put(request: HttpRequest, gezinsplan_id: UUID, payload: RegieIn = Body(None)) -> Any:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    fields = dict(RegieIn.check(payload, gezinsplan=gezinsplan))
    services.regie_set(**_acting(request), gezinsplan=gezinsplan, expected_version=fields.pop("version"), **fields)
    return selectors.regie_for_gezinsplan(gezinsplan)


@_operation("GET", f"{C}/plan", {200: PlanOut, **READ}, "api-gezinsplan-plan", "De vijf stappen")
def plan_get(request: HttpRequest, gezinsplan_id: UUID) -> dict[str, Any]:
    return {"steps": selectors.sections_for_gezinsplan(_read(request, gezinsplan_id, "plansection"))}


@_operation("GET", f"{C}/plan/{{int:step}}", {200: SectionOut, **READ}, "api-gezinsplan-plan-step", "Eén stap")
def plan_step_get(request: HttpRequest, gezinsplan_id: UUID, step: int) -> Any:
    return _read_part(request, gezinsplan_id, "plansection", selectors.section_get, step)


@_operation(
    "PUT", f"{C}/plan/{{int:step}}", {200: SectionOut, **WRITE, **CONFLICT}, "api-gezinsplan-plan-step",
    "Een stap opslaan (met de gelezen versie; 409 met beide versies als die verouderd is)",
)
def plan_step_put(request: HttpRequest, gezinsplan_id: UUID, step: int, payload: StepIn = Body(None)) -> Any:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    if step not in Step.values:
        raise policy.NotFound("Onbekende stap.")
    fields = dict(StepIn.check(payload))
    return services.plan_section_update(
        **_acting(request), gezinsplan=gezinsplan, step=step, expected_version=fields.pop("version"), **fields
    )


# ---- agreements and consents ----


@_operation("POST", f"{C}/agreements", {201: AgreementOut, **WRITE}, "api-gezinsplan-agreements", "Een afspraak maken")
def agreements_post(request: HttpRequest, gezinsplan_id: UUID, payload: AgreementIn = Body(None)) -> Status[Any]:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    body = AgreementIn.check(payload, gezinsplan=gezinsplan)
    return Status(201, services.agreement_create(**_acting(request), gezinsplan=gezinsplan, **dict(body)))


@_operation(
    "PATCH", f"{C}/agreements/{{uuid:agreement_id}}", {200: AgreementOut, **WRITE}, "api-gezinsplan-agreement",
    "Een afspraak wijzigen (alleen de meegestuurde velden)",
)
def agreement_patch(request: HttpRequest, gezinsplan_id: UUID, agreement_id: UUID, payload: AgreementPatch = Body(None)) -> Any:  # noqa: B008
    gezinsplan, agreement = _part_for_change(request, gezinsplan_id, selectors.agreement_get, agreement_id)
    return services.agreement_update(
        **_acting(request), agreement=agreement, **AgreementPatch.check(payload, gezinsplan=gezinsplan).given()
    )


@_operation("POST", f"{C}/consents", {201: ConsentOut, **WRITE}, "api-gezinsplan-consents", "Een toestemming vastleggen")
def consents_post(request: HttpRequest, gezinsplan_id: UUID, payload: ConsentIn = Body(None)) -> Status[Any]:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    return Status(201, services.consent_record(**_acting(request), gezinsplan=gezinsplan, **dict(ConsentIn.check(payload))))


@_operation(
    "POST", f"{C}/consents/{{uuid:consent_id}}/withdraw", {200: ConsentOut, **WRITE}, "api-gezinsplan-consent-withdraw",
    "Een toestemming intrekken",
)
def consent_withdraw_post(request: HttpRequest, gezinsplan_id: UUID, consent_id: UUID, payload: WithdrawIn = Body(None)) -> Any:  # noqa: B008
    _gezinsplan, consent = _part_for_change(request, gezinsplan_id, selectors.consent_get, consent_id)
    return services.consent_withdraw(**_acting(request), consent=consent, **dict(WithdrawIn.check(payload)))


# ---- who is already involved; referrals (verwijzingen) ----


@_operation("PUT", f"{C}/involved", {200: GezinsplanDetailOut, **WRITE}, "api-gezinsplan-involved", "Wie is er al betrokken")
def involved_put(request: HttpRequest, gezinsplan_id: UUID, payload: InvolvedIn = Body(None)) -> Any:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    return services.gezinsplan_involved_set(**_acting(request), gezinsplan=gezinsplan, **dict(InvolvedIn.check(payload)))


@_operation("POST", f"{C}/verwijzingen", {201: VerwijzingOut, **WRITE}, "api-gezinsplan-verwijzingen", "Een verwijzing maken")
def verwijzingen_post(request: HttpRequest, gezinsplan_id: UUID, payload: VerwijzingIn = Body(None)) -> Status[Any]:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    body = VerwijzingIn.check(payload, gezinsplan=gezinsplan)
    verwijzing = services.verwijzing_create(**_acting(request), gezinsplan=gezinsplan, **dict(body))
    return Status(201, selectors.verwijzing_get(gezinsplan, verwijzing.pk))


@_operation(
    "POST", f"{C}/verwijzingen/{{uuid:verwijzing_id}}/status", {200: VerwijzingOut, **WRITE},
    "api-gezinsplan-verwijzing-status", "De status van een verwijzing wijzigen",
)
def verwijzing_status_post(request: HttpRequest, gezinsplan_id: UUID, verwijzing_id: UUID, payload: VerwijzingStatusIn = Body(None)) -> Any:  # noqa: B008
    gezinsplan, verwijzing = _part_for_change(request, gezinsplan_id, selectors.verwijzing_get, verwijzing_id)
    body = VerwijzingStatusIn.check(payload)
    services.verwijzing_status_change(**_acting(request), verwijzing=verwijzing, **dict(body))
    return selectors.verwijzing_get(gezinsplan, verwijzing.pk)


# ---- meetings (MDO) ----


@_operation("POST", f"{C}/meetings", {201: MeetingOut, **WRITE}, "api-gezinsplan-meetings", "Een MDO plannen")
def meetings_post(request: HttpRequest, gezinsplan_id: UUID, payload: MeetingIn = Body(None)) -> Status[Any]:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    body = MeetingIn.check(payload, gezinsplan=gezinsplan)
    meeting = services.meeting_plan(**_acting(request), gezinsplan=gezinsplan, **dict(body))
    return Status(201, selectors.meeting_get(gezinsplan, meeting.pk))


@_operation(
    "PATCH", f"{C}/meetings/{{uuid:meeting_id}}", {200: MeetingOut, **WRITE}, "api-gezinsplan-meeting",
    "Het verslag vastleggen en besluiten toevoegen",
)
def meeting_patch(request: HttpRequest, gezinsplan_id: UUID, meeting_id: UUID, payload: MeetingPatch = Body(None)) -> Any:  # noqa: B008
    gezinsplan, meeting = _part_for_change(request, gezinsplan_id, selectors.meeting_get, meeting_id)
    body = MeetingPatch.check(payload)
    minutes = meeting.minutes if body.minutes is None else body.minutes
    services.meeting_record_minutes(**_acting(request), meeting=meeting, minutes=minutes, decisions=body.decisions)
    return selectors.meeting_get(gezinsplan, meeting.pk)


@_operation(
    "GET", f"{C}/meetings/{{uuid:meeting_id}}.ics", {200: None, **READ}, "api-gezinsplan-meeting-ics",
    "Het MDO als agenda-uitnodiging (iCalendar)",
    openapi_extra={"responses": {200: {"content": {"text/calendar": {"schema": {"type": "string"}}}}}},
)
def meeting_ics_get(request: HttpRequest, gezinsplan_id: UUID, meeting_id: UUID) -> HttpResponse:
    meeting = _read_part(request, gezinsplan_id, "meeting", selectors.meeting_get, meeting_id, action=Action.EXPORT)
    response = HttpResponse(services.meeting_ical(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mdo-{meeting.pk}.ics"'
    return response


@_operation(
    "POST", f"{C}/meetings/{{uuid:meeting_id}}/agreements", {201: AgreementsOut, **WRITE},
    "api-gezinsplan-meeting-agreements", "Besluiten van het MDO omzetten in afspraken",
)
def meeting_agreements_post(request: HttpRequest, gezinsplan_id: UUID, meeting_id: UUID, payload: DecisionsIn = Body(None)) -> Status[Any]:  # noqa: B008
    gezinsplan, meeting = _part_for_change(request, gezinsplan_id, selectors.meeting_get, meeting_id)
    items = [dict(item) for item in DecisionsIn.check(payload, gezinsplan=gezinsplan).items]
    return Status(201, {"results": services.decisions_to_agreements(**_acting(request), meeting=meeting, items=items)})


# ---- handovers, feedback, export ----


@_operation(
    "POST", f"{C}/handovers", {201: HandoverOut, **WRITE}, "api-gezinsplan-handovers",
    "Warme overdracht aan een opvolger (zonder leaving: de aanroeper vertrekt)",
)
def handovers_post(request: HttpRequest, gezinsplan_id: UUID, payload: HandoverIn = Body(None)) -> Status[Any]:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    body = HandoverIn.check(payload, gezinsplan=gezinsplan)
    leaving = body.leaving if "leaving" in body.model_fields_set else policy.current_membership(request.user, gezinsplan)
    if leaving is None:
        raise ApiError(422, _("De invoer is niet geldig."), {"leaving": [_("Kies wie vertrekt.")]})
    record = services.handover(
        **_acting(request),
        gezinsplan=gezinsplan,
        leaving=leaving,
        successor_username=body.successor,
        note=body.note,
        family_informed=body.family_informed,
        agreement_owners={str(k): v for k, v in body.agreements.items()},
        meeting_participants={str(k): v for k, v in body.meetings.items()},
    )
    return Status(201, record)


@_operation("POST", f"{C}/feedback", {201: FeedbackOut, **WRITE}, "api-gezinsplan-feedback", "Terugkoppeling aan de verwijzer sturen")
def feedback_post(request: HttpRequest, gezinsplan_id: UUID, payload: FeedbackIn = Body(None)) -> Status[Any]:  # noqa: B008
    gezinsplan = _for_change(request, gezinsplan_id)
    feedback = services.feedback_send(**_acting(request), gezinsplan=gezinsplan, **dict(FeedbackIn.check(payload)))
    # gezinsplan_operation commits after this returns and ninja serialises after that. The mail task's
    # on_commit was registered first, so this one reloads its outcome (sent/failed) into the answer; with a
    # queueing backend the row still says queued, which is then the truth.
    transaction.on_commit(lambda: feedback.refresh_from_db(fields=["mail_status", "mail_sent_at"]))
    return Status(201, feedback)


@_operation(
    "GET", f"{C}/export/fhir", {200: None, **READ}, "api-gezinsplan-export-fhir",
    "Het gezinsplan als FHIR R4-bundel (4.0.1, application/fhir+json)",
    openapi_extra={"responses": {200: {"content": {"application/fhir+json": {"schema": {"type": "object"}}}}}},
)
def export_fhir_get(request: HttpRequest, gezinsplan_id: UUID) -> HttpResponse:
    response = json_response(exports.plan_fhir_bundle(_read(request, gezinsplan_id, "fhir", action=Action.EXPORT)))
    response["Content-Type"] = "application/fhir+json; charset=utf-8"
    return response
