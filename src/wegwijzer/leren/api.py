"""The Leren JSON API under /api/v1/networks…, /meetings…, /discussions…, /improvements… (django-ninja; mounted
in wegwijzer.conf.api). Thin operations: authenticate (API_AUTH: token or 2FA session), need-to-know through
the selectors (404 for non-members, identical to an unknown id), one service per write (logged, atomic),
the services' ValidationErrors as 422 per field (personal data in `description` is named there)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wegwijzer.accounts.auth import API_AUTH
from wegwijzer.audit.context import access_context
from wegwijzer.core.apikit import BODY_ERRORS, ApiError, errors

from . import policy, selectors, services
from .models import Discussion, Improvement, Meeting, Network
from .vision import vision

router = Router(tags=["leren"], auth=API_AUTH)
READ = errors(404)
WRITE = errors(403, 404, *BODY_ERRORS)


def _errors_of(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {("non_field_errors" if k == "__all__" else k): [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def operation(view: Callable[..., Any]) -> Callable[..., Any]:
    """One transaction per request; the services' refusals in the one error shape (a denied read is logged
    outside the rolled-back transaction by the selectors' own autocommit when there is none)."""

    @wraps(view)
    def wrapper(request: HttpRequest, **kwargs: Any) -> Any:
        try:
            if request.method in ("GET", "HEAD"):
                return view(request, **kwargs)
            with transaction.atomic():
                return view(request, **kwargs)
        except policy.NotAMember as exc:
            raise ApiError(404, _("Niet gevonden.")) from exc
        except policy.NotChairError as exc:
            raise ApiError(403, str(exc)) from exc
        except ValidationError as exc:
            raise ApiError(422, _("De invoer is niet geldig."), _errors_of(exc)) from exc

    return wrapper


def _ctx(request: HttpRequest) -> dict[str, Any]:
    return {"actor": request.user, "context": access_context(request)}


# --- schemas ----------------------------------------------------------------------------------------------


class Created(Schema):
    id: UUID


class NetworkOut(Schema):
    id: UUID
    slug: str
    name: str
    kind: str
    wijk: str
    chair: str | None
    is_chair: bool
    map_record: str | None = Field(None, description="Code van het record van dit netwerk op de sociale kaart.")


class NetworkMeetingIn(Schema):
    starts_at: dt.datetime
    title: str = Field(min_length=1, max_length=200)
    place: str = Field("", max_length=200)
    online: bool = False


class NetworkMeetingOut(Schema):
    id: UUID
    title: str
    starts_at: dt.datetime
    place: str
    online: bool
    discussions: int


class DiscussionIn(Schema):
    description: str = Field(max_length=5000)
    phase: str = ""
    concerns: list[str] = []
    involved: list[str] = []


class DiscussionSummary(Schema):
    id: UUID
    description: str
    phase: str
    concerns: list[str]


class ThemeOut(Schema):
    code: str
    label: str
    main_theme: str


class AssessmentItem(Schema):
    theme: str
    judgement: str
    explanation: str = Field("", max_length=1000)


class AssessmentIn(Schema):
    items: list[AssessmentItem]


class ImprovementIn(Schema):
    what: str = Field(min_length=1, max_length=1000)
    owner: str
    due_date: dt.date
    theme: str = ""


class ImprovementPatch(Schema):
    status: str | None = None
    note: str | None = Field(None, max_length=1000)


class ImprovementOut(Schema):
    id: UUID
    network: UUID
    what: str
    owner: str | None
    due_date: dt.date
    theme: str
    status: str
    note: str
    overdue: bool
    done_at: dt.datetime | None


class DiscussionOut(Schema):
    id: UUID
    meeting: UUID
    description: str
    phase: str
    concerns: list[str]
    involved: list[str]
    presentation: str
    lessons: str
    themes: list[ThemeOut]
    assessment: list[AssessmentItem]
    improvements: list[ImprovementOut]


def _network_out(n: Network, user: Any) -> NetworkOut:
    return NetworkOut(id=n.pk, slug=n.slug, name=n.name, kind=n.kind, wijk=n.wijk,
                      chair=n.chair.username if n.chair else None, is_chair=policy.is_chair(user, n),
                      map_record=n.organization.slug if n.organization else None)


def _meeting_out(m: Meeting) -> NetworkMeetingOut:
    return NetworkMeetingOut(id=m.pk, title=m.title, starts_at=m.starts_at, place=m.place, online=m.online,
                      discussions=m.discussions.count())


def _improvement_out(i: Improvement) -> ImprovementOut:
    return ImprovementOut(id=i.pk, network=i.network_id, what=i.what, owner=i.owner.username if i.owner else None,
                          due_date=i.due_date, theme=i.theme, status=i.status, note=i.note, overdue=i.is_overdue(),
                          done_at=i.done_at)


def _discussion_out(d: Discussion) -> DiscussionOut:
    return DiscussionOut(
        id=d.pk, meeting=d.meeting_id, description=d.description, phase=d.phase, concerns=d.concerns,
        involved=d.involved, presentation=d.presentation, lessons=d.lessons,
        themes=[ThemeOut(code=t.code, label=t.label, main_theme=t.main_theme) for t in vision().themes],
        assessment=[AssessmentItem(theme=j.theme, judgement=j.judgement, explanation=j.explanation)
                    for j in d.judgements.order_by("theme")],
        improvements=[_improvement_out(i) for i in d.improvements.select_related("owner", "network")],
    )


# --- operations -------------------------------------------------------------------------------------------


@router.get("/networks", response=list[NetworkOut], url_name="api-leren-networks", summary="Mijn leernetwerken")
@operation
def networks_get(request: HttpRequest) -> list[NetworkOut]:
    return [_network_out(n, request.user) for n in selectors.networks_for_user(request.user)]


@router.get("/networks/{uuid:network_id}/meetings", response={200: list[NetworkMeetingOut], **READ},
            url_name="api-leren-meetings", summary="Bijeenkomsten van een netwerk")
@operation
def meetings_get(request: HttpRequest, network_id: UUID) -> list[NetworkMeetingOut]:
    network = selectors.network_get(request.user, network_id, context=access_context(request))
    return [_meeting_out(m) for m in selectors.meetings_of(network)]


@router.post("/networks/{uuid:network_id}/meetings", response={201: Created, **WRITE},
             url_name="api-leren-meetings", summary="Een bijeenkomst plannen (voorzitter)")
@operation
def meetings_post(request: HttpRequest, network_id: UUID, payload: NetworkMeetingIn) -> Status[Created]:
    network = selectors.network_get(request.user, network_id, context=access_context(request))
    meeting = services.meeting_create(**_ctx(request), network=network, **payload.model_dump())
    return Status(201, Created(id=meeting.pk))


@router.get("/meetings/{uuid:meeting_id}/discussions", response={200: list[DiscussionSummary], **READ},
            url_name="api-leren-discussions", summary="Casusbesprekingen van een bijeenkomst")
@operation
def discussions_get(request: HttpRequest, meeting_id: UUID) -> list[DiscussionSummary]:
    meeting = selectors.meeting_get(request.user, meeting_id, context=access_context(request))
    return [DiscussionSummary(id=d.pk, description=d.description, phase=d.phase, concerns=d.concerns)
            for d in selectors.discussions_of(meeting)]


@router.post("/meetings/{uuid:meeting_id}/discussions", response={201: Created, **WRITE},
             url_name="api-leren-discussions", summary="Een casus inbrengen (geanonimiseerd)")
@operation
def discussions_post(request: HttpRequest, meeting_id: UUID, payload: DiscussionIn) -> Status[Created]:
    meeting = selectors.meeting_get(request.user, meeting_id, context=access_context(request))
    d = services.discussion_create(**_ctx(request), meeting=meeting, **payload.model_dump())
    return Status(201, Created(id=d.pk))


@router.get("/discussions/{uuid:discussion_id}", response={200: DiscussionOut, **READ},
            url_name="api-leren-discussion", summary="Een casusbespreking met de thema's en het oordeel")
@operation
def discussion_get(request: HttpRequest, discussion_id: UUID) -> DiscussionOut:
    return _discussion_out(selectors.discussion_get(request.user, discussion_id, context=access_context(request)))


@router.put("/discussions/{uuid:discussion_id}/assessment", response={200: DiscussionOut, **WRITE},
            url_name="api-leren-assessment", summary="De toets aan de visie vastleggen")
@operation
def assessment_put(request: HttpRequest, discussion_id: UUID, payload: AssessmentIn) -> DiscussionOut:
    d = selectors.discussion_get(request.user, discussion_id, context=access_context(request))
    services.assessment_record(**_ctx(request), discussion=d, items=[i.model_dump() for i in payload.items])
    return _discussion_out(d)


@router.post("/discussions/{uuid:discussion_id}/improvements", response={201: ImprovementOut, **WRITE},
             url_name="api-leren-discussion-improvements", summary="Een verbeterafspraak maken")
@operation
def improvements_post(request: HttpRequest, discussion_id: UUID, payload: ImprovementIn) -> Status[ImprovementOut]:
    d = selectors.discussion_get(request.user, discussion_id, context=access_context(request))
    i = services.improvement_create(**_ctx(request), discussion=d, what=payload.what, owner_username=payload.owner,
                                    due_date=payload.due_date, theme=payload.theme)
    return Status(201, _improvement_out(i))


@router.patch("/improvements/{uuid:improvement_id}", response={200: ImprovementOut, **WRITE},
              url_name="api-leren-improvement", summary="Een verbeterafspraak bijwerken (status, notitie)")
@operation
def improvement_patch(request: HttpRequest, improvement_id: UUID, payload: ImprovementPatch) -> ImprovementOut:
    i = selectors.improvement_get(request.user, improvement_id, context=access_context(request))
    return _improvement_out(services.improvement_update(**_ctx(request), improvement=i, status=payload.status,
                                                        note=payload.note))


@router.get("/improvements", response=list[ImprovementOut], url_name="api-leren-improvements",
            summary="Verbeterafspraken van mijn netwerken")
@operation
def improvements_get(request: HttpRequest, status: str | None = None) -> list[ImprovementOut]:
    return [_improvement_out(i) for i in selectors.improvements_for_user(request.user, status=status)]
