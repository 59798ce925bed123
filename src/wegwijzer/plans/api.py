"""The gezinsplan JSON API under /api/v1/cases… (documented in openapi.py).

Thin views: authenticate (bearer token or 2FA session), check need-to-know through the selectors (404 for
anyone who is not a current member, identical to an unknown id), parse and validate the body (400 for
unparsable JSON, 422 with Dutch messages per field), call one service (which logs and is atomic), shape
the answer. Every GET that returns case data goes through `selectors.casus_read`, which logs the read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from wegwijzer.accounts.auth import api_auth_required
from wegwijzer.audit.service import access_log_write
from wegwijzer.core import dates
from wegwijzer.core.api import BadRequestBody, json_error, json_response, parse_json_body

from . import exports, policy, selectors, services, vocab
from .models import (
    LONG_TEXT,
    MEDIUM_TEXT,
    Agreement,
    Casus,
    Consent,
    Feedback,
    Handover,
    Meeting,
    Membership,
    Regie,
    Step,
)

NOT_FOUND = "Niet gevonden."
SAFE = ("GET", "HEAD")


class BodyErrors(Exception):
    """Per-field errors. `status` 400 when a value is malformed (a date that cannot be parsed or lies
    outside 1900–2100), else 422 (well-formed but not valid here)."""

    def __init__(self, errors: dict[str, list[str]], *, status: int = 422, detail: str = ""):
        super().__init__("invalid body")
        self.errors = errors
        self.status = status
        self.detail = detail or "De invoer is niet geldig."


def _errors_of(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if k == "__all__" else k): [str(m) for m in v]
            for k, v in exc.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def endpoint(**handlers: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """One URL: authentication, method dispatch and one error shape for every failure."""

    @api_auth_required
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        method = "GET" if request.method == "HEAD" else (request.method or "")
        handler = handlers.get(method)
        if handler is None:
            response = json_error(405, "Deze methode is niet toegestaan.")
            response["Allow"] = ", ".join(sorted(handlers))
            return response
        try:
            if method in SAFE:
                return handler(request, **kwargs)
            try:
                with transaction.atomic():
                    return handler(request, **kwargs)
            except Http404 as exc:
                # The denied attempt was logged inside the rolled-back transaction: log it again.
                entry = getattr(exc, "access_log", None)
                if entry:
                    access_log_write(**entry)
                raise
            except services.ConflictError as exc:
                for entry in exc.access_log_entries:
                    access_log_write(**entry)
                raise
        except Http404:
            return json_error(404, NOT_FOUND)
        except BadRequestBody as exc:
            return json_error(exc.status, exc.detail)
        except BodyErrors as exc:
            return json_error(exc.status, exc.detail, exc.errors)
        except services.DuplicateMemberError as exc:
            return json_error(409, "Deze professional is al lid van het team.", _errors_of(exc))
        except ValidationError as exc:
            return json_error(422, "De invoer is niet geldig.", _errors_of(exc))
        except services.ConflictError as exc:
            body = {
                "detail": "Iemand anders heeft dit onderdeel intussen opgeslagen. Beide versies staan hieronder; "
                "voeg ze samen en sla opnieuw op met de nieuwste versie.",
                "mine": exc.mine,
                "theirs": exc.theirs,
            }
            return json_response(body, status=409)
        except policy.ClosedCaseError as exc:
            return json_error(409, str(exc))
        except policy.NotProfessionalError as exc:
            return json_error(403, str(exc))

    view.allowed_methods = tuple(sorted(handlers))  # type: ignore[attr-defined]
    return view


# ---- body parsing ----


class Body:
    """A JSON object body, read field by field; collects Dutch errors and rejects unknown fields."""

    def __init__(self, request: HttpRequest, allowed: tuple[str, ...]):
        data = parse_json_body(request)
        if data is None:  # an empty body is an empty object
            data = {}
        if not isinstance(data, dict):
            raise BadRequestBody("De inhoud moet een JSON-object zijn.")
        self.data = data
        self.errors: dict[str, list[str]] = {}
        self.malformed: list[str] = []  # fields whose value could not be read at all (→ 400)
        for key in data:
            if key not in allowed:
                self.errors[str(key)[:100]] = [f"Onbekend veld. Toegestaan: {', '.join(allowed)}."]

    def has(self, name: str) -> bool:
        return name in self.data

    def _fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def text(
        self, name: str, *, required: bool = False, max_length: int = LONG_TEXT, default: str = ""
    ) -> str:
        value = self.data.get(name)
        if value is None:
            if required:
                self._fail(name, "Dit veld is verplicht.")
            return default
        if not isinstance(value, str):
            self._fail(name, "Verwacht tekst.")
            return default
        if required and not value.strip():
            self._fail(name, "Dit veld is verplicht.")
        if len(value) > max_length:
            self._fail(name, f"Te lang: maximaal {max_length} tekens (nu {len(value)}).")
        return value

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.data.get(name, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            self._fail(name, "Verwacht true of false.")
            return default
        return value

    def integer(
        self,
        name: str,
        *,
        required: bool = False,
        default: int = 0,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int:
        value = self.data.get(name)
        if value is None:
            if required:
                self._fail(name, "Dit veld is verplicht.")
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self._fail(name, "Verwacht een geheel getal.")
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self._fail(name, f"Verwacht een getal van {minimum} tot en met {maximum}.")
        return value

    def date(self, name: str, *, required: bool = False) -> dt.date | None:
        """A date (YYYY-MM-DD, years 1900–2100) through the one parser in core.dates."""
        value = self.data.get(name)
        if value is None:
            if required:
                self._fail(name, "Dit veld is verplicht.")
            return None
        try:
            return dates.parse_date(value)
        except dates.DateError as exc:
            self._malformed(name, exc.message)
            return None

    def datetime(self, name: str, *, required: bool = False) -> dt.datetime | None:
        """An ISO 8601 datetime (naive = Europe/Amsterdam), as UTC, years 1900–2100 (core.dates)."""
        value = self.data.get(name)
        if value is None:
            if required:
                self._fail(name, "Dit veld is verplicht.")
            return None
        try:
            return dates.parse_datetime(value)
        except dates.DateError as exc:
            self._malformed(name, exc.message)
            return None

    def _malformed(self, name: str, message: str) -> None:
        self._fail(name, message)
        self.malformed.append(name)

    def string_list(self, name: str, *, max_items: int = 50, max_length: int = MEDIUM_TEXT) -> list[str]:
        value = self.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self._fail(name, "Verwacht een lijst met teksten.")
            return []
        if len(value) > max_items:
            self._fail(name, f"Maximaal {max_items} items.")
        if any(len(v) > max_length for v in value):
            self._fail(name, f"Elk item is maximaal {max_length} tekens.")
        return value

    def member(self, name: str, casus: Casus, *, required: bool = False) -> Membership | None:
        """A current team member, given by username."""
        username = self.text(name, required=required, max_length=150)
        if not username:
            return None
        membership = selectors.members_current(casus).filter(user__username=username).first()
        if membership is None:
            self._fail(name, f"'{username}' is geen huidig teamlid van deze casus.")
        return membership

    def check(self) -> None:
        if self.errors and self.malformed:
            names = ", ".join(dict.fromkeys(self.malformed))
            raise BodyErrors(self.errors, status=400, detail=f"Ongeldige datum in: {names}.")
        if self.errors:
            raise BodyErrors(self.errors)


# ---- shaping ----


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _username(user: Any) -> str | None:
    return user.get_username() if user else None


def member_dict(m: Membership) -> dict[str, Any]:
    return {
        "id": str(m.pk),
        "username": m.user.get_username(),
        "name": str(m.user),
        "role": m.role,
        "role_label": vocab.label("roles", m.role),
        "organisation": m.organisation_slug,
        "valid_from": _iso(m.valid_from),
        "valid_to": _iso(m.valid_to),
        "current": m.is_current(),
    }


def _member_name(m: Membership | None) -> str | None:
    return m.user.get_username() if m else None


def regie_dict(regie: Regie | None) -> dict[str, Any] | None:
    if regie is None:
        return None
    return services.regie_as_dict(regie)


def casus_dict(casus: Casus, *, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(casus.pk),
        "label": casus.label,
        "phase": casus.phase,
        "phase_label": vocab.label("phases", casus.phase),
        "wijk": casus.wijk,
        "wijk_label": vocab.label("wijken", casus.wijk),
        "status": casus.status,
        "created_at": _iso(casus.created_at),
        "closed_at": _iso(casus.closed_at),
        "content_version": casus.content_version,
    }
    if detail:
        data["contact"] = {
            "name": casus.contact_name,
            "phone": casus.contact_phone,
            "email": casus.contact_email,
        }
        data["advice_snapshot"] = casus.advice_snapshot
        data["purged_at"] = _iso(casus.purged_at)
        data["members"] = [member_dict(m) for m in selectors.members_all(casus)]
        data["regie"] = regie_dict(Regie.objects.filter(casus=casus).first())
    return data


def section_dict(section) -> dict[str, Any]:
    data = services.section_as_dict(section)
    data["question"] = section.help_text
    return data


def agreement_dict(a: Agreement) -> dict[str, Any]:
    return {
        "id": str(a.pk),
        "what": a.what,
        "owner": _member_name(a.owner),
        "due_date": _iso(a.due_date),
        "status": a.status,
        "overdue": a.is_overdue(),
        "from_meeting": str(a.from_meeting_id) if a.from_meeting_id else None,
        "created_at": _iso(a.created_at),
        "updated_at": _iso(a.updated_at),
    }


def consent_dict(c: Consent) -> dict[str, Any]:
    return {
        "id": str(c.pk),
        "what": c.what,
        "with_whom": c.with_whom,
        "given_by": c.given_by,
        "given_on": _iso(c.given_on),
        "recorded_by": _username(c.recorded_by),
        "recorded_at": _iso(c.recorded_at),
        "withdrawn_on": _iso(c.withdrawn_on),
        "withdrawn_by": _username(c.withdrawn_by),
        "active": c.is_active,
    }


def meeting_dict(m: Meeting) -> dict[str, Any]:
    return {
        "id": str(m.pk),
        "starts_at": _iso(m.starts_at),
        "duration_minutes": m.duration_minutes,
        "location": m.location,
        "participants": [p.user.get_username() for p in m.participants.all()],
        "family_participates": m.family_participates,
        "other_participants": m.other_participants,
        "minutes": m.minutes,
        "decisions": [
            {
                "id": d.pk,
                "text": d.text,
                "agreement": str(d.agreement.pk) if hasattr(d, "agreement") else None,
            }
            for d in m.decisions.all()
        ],
    }


def handover_dict(h: Handover) -> dict[str, Any]:
    return {
        "id": str(h.pk),
        "leaving": h.leaving.user.get_username(),
        "successor": h.successor.user.get_username(),
        "note": h.note,
        "family_informed": h.family_informed,
        "at": _iso(h.at),
        "by": _username(h.by),
    }


def feedback_dict(f: Feedback) -> dict[str, Any]:
    return {
        "id": str(f.pk),
        "recipient_role": f.recipient_role,
        "recipient_email": f.recipient_email,
        "message": f.message,
        "sent_at": _iso(f.sent_at),
        "sent_by": _username(f.sent_by),
    }


def audit_dict(entry: Any) -> dict[str, Any]:
    return {
        "event_id": str(entry.event_id),
        "user": entry.username,
        "role": entry.role,
        "organisation": entry.organisation_slug,
        "action": entry.action,
        "outcome": entry.outcome,
        "time": _iso(entry.occurred_at),
        "client_address": entry.client_address,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
    }


# ---- handlers ----


def _read(
    request: HttpRequest, case_id: Any, object_type: str, object_id: Any = "", action: str = "read"
) -> Casus:
    return selectors.casus_read(
        request=request,
        user=request.user,
        casus_id=case_id,
        object_type=object_type,
        object_id=object_id,
        action=action,
    )


def _for_change(request: HttpRequest, case_id: Any) -> Casus:
    return selectors.casus_get_for_user(request.user, case_id, request=request)


def cases_get(request: HttpRequest) -> HttpResponse:
    cases = selectors.casus_list_read(request=request, user=request.user)
    return json_response({"count": len(cases), "results": [casus_dict(c) for c in cases]})


def cases_post(request: HttpRequest) -> HttpResponse:
    body = Body(request, ("label", "phase", "wijk", "contact_name", "contact_phone", "contact_email"))
    values: dict[str, Any] = {
        "label": body.text("label", required=True, max_length=100),
        "phase": body.text("phase", max_length=32),
        "wijk": body.text("wijk", max_length=32),
        "contact_name": body.text("contact_name", max_length=200),
        "contact_phone": body.text("contact_phone", max_length=40),
        "contact_email": body.text("contact_email", max_length=254),
    }
    body.check()
    casus = services.casus_create(actor=request.user, request=request, **values)
    return json_response(casus_dict(casus, detail=True), status=201)


def case_get(request: HttpRequest, case_id) -> HttpResponse:
    casus = _read(request, case_id, "casus")
    return json_response(casus_dict(casus, detail=True))


def case_patch(request: HttpRequest, case_id) -> HttpResponse:
    casus = _for_change(request, case_id)
    fields = services.CASUS_EDITABLE
    body = Body(request, fields)
    limits = {
        "label": 100,
        "phase": 32,
        "wijk": 32,
        "contact_name": 200,
        "contact_phone": 40,
        "contact_email": 254,
    }
    changes = {
        name: body.text(name, max_length=limits[name], required=name == "label")
        for name in fields
        if body.has(name)
    }
    body.check()
    casus = services.casus_update(actor=request.user, request=request, casus=casus, **changes)
    return json_response(casus_dict(casus, detail=True))


def case_close_post(request: HttpRequest, case_id) -> HttpResponse:
    casus = _for_change(request, case_id)
    Body(request, ()).check()
    casus = services.casus_close(actor=request.user, request=request, casus=casus)
    return json_response(casus_dict(casus, detail=True))


def members_get(request: HttpRequest, case_id) -> HttpResponse:
    casus = _read(request, case_id, "membership")
    return json_response({"results": [member_dict(m) for m in selectors.members_all(casus)]})


def members_post(request: HttpRequest, case_id) -> HttpResponse:
    casus = _for_change(request, case_id)
    body = Body(request, ("username", "role", "valid_from", "valid_to"))
    username = body.text("username", required=True, max_length=150)
    role = body.text("role", max_length=64)
    valid_from = body.datetime("valid_from")
    valid_to = body.datetime("valid_to")
    if valid_to and valid_to < (valid_from or timezone.now()):
        body._fail("valid_to", "De einddatum ligt vóór de begindatum.")
    body.check()
    membership = services.member_add(
        actor=request.user,
        request=request,
        casus=casus,
        username=username,
        role=role,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    return json_response(member_dict(membership), status=201)


def member_delete(request: HttpRequest, case_id, username: str) -> HttpResponse:
    casus = _for_change(request, case_id)
    membership = selectors.member_get_current(casus, username)
    membership = services.member_remove(
        actor=request.user, request=request, casus=casus, membership=membership
    )
    return json_response(member_dict(membership))


def regie_get(request: HttpRequest, case_id) -> HttpResponse:
    casus = _read(request, case_id, "regie")
    return json_response(regie_dict(Regie.objects.filter(casus=casus).first()))


def regie_put(request: HttpRequest, case_id) -> HttpResponse:
    casus = _for_change(request, case_id)
    names = ("lead_member", "support_member", "records_member", "monitors_member", "informs_member")
    body = Body(request, ("lead", *names, "informs_text", "notes", "version"))
    lead = body.text("lead", required=True, max_length=10)
    members = {name: body.member(name, casus) for name in names}
    informs_text = body.text("informs_text", max_length=MEDIUM_TEXT)
    notes = body.text("notes", max_length=MEDIUM_TEXT)
    # Required, as for the plan steps: without it a save would silently overwrite a colleague's.
    version = body.integer("version", required=True, minimum=0, maximum=2**31 - 1)
    body.check()
    regie = services.regie_set(
        actor=request.user,
        request=request,
        casus=casus,
        lead=lead,
        expected_version=version,
        informs_text=informs_text,
        notes=notes,
        **members,
    )
    return json_response(regie_dict(regie))


def plan_get(request: HttpRequest, case_id) -> HttpResponse:
    casus = _read(request, case_id, "plansection")
    return json_response({"steps": [section_dict(s) for s in selectors.sections_for_casus(casus)]})


def plan_step_get(request: HttpRequest, case_id, step: int) -> HttpResponse:
    casus = selectors.casus_get_for_user(request.user, case_id, request=request)
    section = selectors.section_get(casus, step)
    _read(request, case_id, "plansection", step)
    return json_response(section_dict(section))


def plan_step_put(request: HttpRequest, case_id, step: int) -> HttpResponse:
    casus = _for_change(request, case_id)
    if step not in Step.values:
        raise Http404
    body = Body(request, ("content", "considerations", "version"))
    content = body.text("content", max_length=LONG_TEXT)
    considerations = body.text("considerations", max_length=LONG_TEXT)
    version = body.integer("version", required=True, minimum=0, maximum=2**31 - 1)
    body.check()
    section = services.plan_section_update(
        actor=request.user,
        request=request,
        casus=casus,
        step=step,
        content=content,
        considerations=considerations,
        expected_version=version,
    )
    return json_response(section_dict(section))


def agreements_get(request: HttpRequest, case_id) -> HttpResponse:
    casus = _read(request, case_id, "agreement")
    return json_response({"results": [agreement_dict(a) for a in selectors.agreements_for_casus(casus)]})


def agreements_post(request: HttpRequest, case_id) -> HttpResponse:
    casus = _for_change(request, case_id)
    body = Body(request, ("what", "owner", "due_date"))
    what = body.text("what", required=True, max_length=MEDIUM_TEXT)
    owner = body.member("owner", casus)
    due_date = body.date("due_date")
    body.check()
    agreement = services.agreement_create(
        actor=request.user, request=request, casus=casus, what=what, owner=owner, due_date=due_date
    )
    return json_response(agreement_dict(agreement), status=201)


def agreement_get(request: HttpRequest, case_id, agreement_id) -> HttpResponse:
    casus = selectors.casus_get_for_user(request.user, case_id, request=request)
    agreement = selectors.agreement_get(casus, agreement_id)
    _read(request, case_id, "agreement", agreement.pk)
    return json_response(agreement_dict(agreement))


def agreement_patch(request: HttpRequest, case_id, agreement_id) -> HttpResponse:
    casus = _for_change(request, case_id)
    agreement = selectors.agreement_get(casus, agreement_id)
    body = Body(request, ("what", "owner", "due_date", "status"))
    changes: dict[str, Any] = {}
    if body.has("what"):
        changes["what"] = body.text("what", required=True, max_length=MEDIUM_TEXT)
    if body.has("owner"):
        changes["owner"] = body.member("owner", casus)
    if body.has("due_date"):
        changes["due_date"] = body.date("due_date")
    if body.has("status"):
        changes["status"] = body.text("status", required=True, max_length=10)
    body.check()
    agreement = services.agreement_update(actor=request.user, request=request, agreement=agreement, **changes)
    return json_response(agreement_dict(agreement))


def consents_get(request: HttpRequest, case_id) -> HttpResponse:
    casus = _read(request, case_id, "consent")
    return json_response({"results": [consent_dict(c) for c in selectors.consents_for_casus(casus)]})


def consents_post(request: HttpRequest, case_id) -> HttpResponse:
    casus = _for_change(request, case_id)
    body = Body(request, ("what", "with_whom", "given_on", "given_by"))
    what = body.text("what", required=True, max_length=MEDIUM_TEXT)
    with_whom = body.text("with_whom", required=True, max_length=MEDIUM_TEXT)
    given_on = body.date("given_on", required=True)
    given_by = body.text("given_by", max_length=200)
    body.check()
    assert given_on is not None
    consent = services.consent_record(
        actor=request.user,
        request=request,
        casus=casus,
        what=what,
        with_whom=with_whom,
        given_on=given_on,
        given_by=given_by,
    )
    return json_response(consent_dict(consent), status=201)


def consent_withdraw_post(request: HttpRequest, case_id, consent_id) -> HttpResponse:
    casus = _for_change(request, case_id)
    consent = selectors.consent_get(casus, consent_id)
    body = Body(request, ("withdrawn_on",))
    withdrawn_on = body.date("withdrawn_on")
    body.check()
    consent = services.consent_withdraw(
        actor=request.user, request=request, consent=consent, withdrawn_on=withdrawn_on
    )
    return json_response(consent_dict(consent))


def meetings_get(request: HttpRequest, case_id) -> HttpResponse:
    casus = _read(request, case_id, "meeting")
    return json_response({"results": [meeting_dict(m) for m in selectors.meetings_for_casus(casus)]})


def meetings_post(request: HttpRequest, case_id) -> HttpResponse:
    casus = _for_change(request, case_id)
    body = Body(
        request,
        (
            "starts_at",
            "duration_minutes",
            "location",
            "participants",
            "family_participates",
            "other_participants",
            "minutes",
            "decisions",
        ),
    )
    starts_at = body.datetime("starts_at", required=True)
    duration = body.integer("duration_minutes", default=60, minimum=5, maximum=600)
    location = body.text("location", max_length=200)
    usernames = body.string_list("participants", max_length=150)
    participants = []
    for username in usernames:
        m = selectors.members_current(casus).filter(user__username=username).first()
        if m is None:
            body._fail("participants", f"'{username}' is geen huidig teamlid van deze casus.")
        participants.append(m)
    family = body.boolean("family_participates")
    others = body.text("other_participants", max_length=MEDIUM_TEXT)
    minutes = body.text("minutes", max_length=LONG_TEXT)
    decisions = body.string_list("decisions")
    body.check()
    assert starts_at is not None
    meeting = services.meeting_plan(
        actor=request.user,
        request=request,
        casus=casus,
        starts_at=starts_at,
        duration_minutes=duration,
        location=location,
        participants=participants,
        family_participates=family,
        other_participants=others,
        minutes=minutes,
        decisions=decisions,
    )
    return json_response(meeting_dict(meeting), status=201)


def meeting_get(request: HttpRequest, case_id, meeting_id) -> HttpResponse:
    casus = selectors.casus_get_for_user(request.user, case_id, request=request)
    meeting = selectors.meeting_get(casus, meeting_id)
    _read(request, case_id, "meeting", meeting.pk)
    return json_response(meeting_dict(meeting))


def meeting_patch(request: HttpRequest, case_id, meeting_id) -> HttpResponse:
    casus = _for_change(request, case_id)
    meeting = selectors.meeting_get(casus, meeting_id)
    body = Body(request, ("minutes", "decisions"))
    minutes = body.text("minutes", max_length=LONG_TEXT, default=meeting.minutes)
    decisions = body.string_list("decisions")
    body.check()
    meeting = services.meeting_record_minutes(
        actor=request.user, request=request, meeting=meeting, minutes=minutes, decisions=decisions
    )
    return json_response(meeting_dict(selectors.meeting_get(casus, meeting.pk)))


def meeting_ics_get(request: HttpRequest, case_id, meeting_id) -> HttpResponse:
    casus = selectors.casus_get_for_user(request.user, case_id, request=request)
    meeting = selectors.meeting_get(casus, meeting_id)
    _read(request, case_id, "meeting", meeting.pk, action="export")
    response = HttpResponse(services.meeting_ical(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mdo-{meeting.pk}.ics"'
    return response


def meeting_agreements_post(request: HttpRequest, case_id, meeting_id) -> HttpResponse:
    """Turn decisions into agreements: {"items": [{"decision": id, "owner": username, "due_date": date}]}."""
    casus = _for_change(request, case_id)
    meeting = selectors.meeting_get(casus, meeting_id)
    body = Body(request, ("items",))
    raw = body.data.get("items")
    items = []
    if not isinstance(raw, list) or not raw or not all(isinstance(i, dict) for i in raw):
        body._fail("items", "Verwacht een lijst met besluiten: {decision, owner, due_date}.")
    else:
        for item in raw:
            sub = Body.__new__(Body)
            sub.data, sub.errors, sub.malformed = item, {}, []
            decision = sub.integer("decision", required=True, minimum=1, maximum=2**31 - 1)
            owner = sub.member("owner", casus)
            due_date = sub.date("due_date")
            for name, messages in sub.errors.items():
                body.errors.setdefault(f"items.{name}", []).extend(messages)
            body.malformed.extend(f"items.{name}" for name in sub.malformed)
            items.append({"decision": decision, "owner": owner, "due_date": due_date})
    body.check()
    agreements = services.decisions_to_agreements(
        actor=request.user, request=request, meeting=meeting, items=items
    )
    return json_response({"results": [agreement_dict(a) for a in agreements]}, status=201)


def handovers_get(request: HttpRequest, case_id) -> HttpResponse:
    casus = _read(request, case_id, "handover")
    return json_response({"results": [handover_dict(h) for h in selectors.handovers_for_casus(casus)]})


def handovers_post(request: HttpRequest, case_id) -> HttpResponse:
    """{"leaving": username (default: the caller), "successor": username, "note", "family_informed"}."""
    casus = _for_change(request, case_id)
    body = Body(request, ("leaving", "successor", "note", "family_informed"))
    leaving = (
        body.member("leaving", casus)
        if body.has("leaving")
        else policy.current_membership(request.user, casus)
    )
    successor = body.text("successor", required=True, max_length=150)
    note = body.text("note", max_length=LONG_TEXT)
    family = body.boolean("family_informed")
    if leaving is None and "leaving" not in body.errors:
        body._fail("leaving", "Kies wie vertrekt.")
    body.check()
    assert leaving is not None
    record = services.handover(
        actor=request.user,
        request=request,
        casus=casus,
        leaving=leaving,
        successor_username=successor,
        note=note,
        family_informed=family,
    )
    return json_response(handover_dict(record), status=201)


def feedback_get(request: HttpRequest, case_id) -> HttpResponse:
    casus = _read(request, case_id, "feedback")
    return json_response({"results": [feedback_dict(f) for f in selectors.feedback_for_casus(casus)]})


def feedback_post(request: HttpRequest, case_id) -> HttpResponse:
    casus = _for_change(request, case_id)
    body = Body(request, ("recipient_role", "recipient_email", "message"))
    role = body.text("recipient_role", required=True, max_length=10)
    email = body.text("recipient_email", required=True, max_length=254)
    message = body.text("message", required=True, max_length=5000)
    body.check()
    feedback = services.feedback_send(
        actor=request.user,
        request=request,
        casus=casus,
        recipient_role=role,
        recipient_email=email,
        message=message,
    )
    return json_response(feedback_dict(feedback), status=201)


def timeline_get(request: HttpRequest, case_id) -> HttpResponse:
    casus = _read(request, case_id, "timeline")
    events = [{**e, "at": _iso(e["at"])} for e in selectors.casus_timeline(casus)]
    return json_response({"results": events})


def audit_get(request: HttpRequest, case_id) -> HttpResponse:
    casus = _read(request, case_id, "auditlog")
    entries = selectors.audit_entries_for_casus(casus)[:1000]
    return json_response({"results": [audit_dict(e) for e in entries]})


def export_fhir_get(request: HttpRequest, case_id) -> HttpResponse:
    casus = _read(request, case_id, "fhir", action="export")
    response = json_response(exports.plan_fhir_bundle(casus))
    response["Content-Type"] = "application/fhir+json; charset=utf-8"
    return response


cases = endpoint(GET=cases_get, POST=cases_post)
case = endpoint(GET=case_get, PATCH=case_patch)
case_close = endpoint(POST=case_close_post)
members = endpoint(GET=members_get, POST=members_post)
member = endpoint(DELETE=member_delete)
regie = endpoint(GET=regie_get, PUT=regie_put)
plan = endpoint(GET=plan_get)
plan_step = endpoint(GET=plan_step_get, PUT=plan_step_put)
agreements = endpoint(GET=agreements_get, POST=agreements_post)
agreement = endpoint(GET=agreement_get, PATCH=agreement_patch)
consents = endpoint(GET=consents_get, POST=consents_post)
consent_withdraw = endpoint(POST=consent_withdraw_post)
meetings = endpoint(GET=meetings_get, POST=meetings_post)
meeting = endpoint(GET=meeting_get, PATCH=meeting_patch)
meeting_ics = endpoint(GET=meeting_ics_get)
meeting_agreements = endpoint(POST=meeting_agreements_post)
handovers = endpoint(GET=handovers_get, POST=handovers_post)
feedback = endpoint(GET=feedback_get, POST=feedback_post)
timeline = endpoint(GET=timeline_get)
audit = endpoint(GET=audit_get)
export_fhir = endpoint(GET=export_fhir_get)
