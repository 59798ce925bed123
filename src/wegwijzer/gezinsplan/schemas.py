"""Schemas of the gezinsplan API: input schemas validate a body, output schemas shape the answer.

Input (`Payload` subclasses). django-ninja reads the body into the schema but the schema only *holds* it:
the endpoint validates it with `Schema.check(payload, gezinsplan=..., actor=...)` after need-to-know, so that a
non-member always gets the 404 of an unknown id (and is logged as denied), never a 422 that depends on the
body. The field types below keep the API's Dutch messages; a date or datetime goes through
`wegwijzer.core.dates` (years 1900–2100), and a value that is no usable date makes the whole answer a 400
naming the field(s) instead of the 422. Unknown fields are refused. A member field takes a username and
validates to the current `Membership` of the case in the validation context.

Output (`*Out`). ninja `Schema`s read the model objects (resolvers for what is not a plain attribute);
timestamps are written as Python's `isoformat()` (e.g. `2026-03-31T08:00:00.123456+00:00`), as before.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, Self
from uuid import UUID

import pydantic
from annotated_types import Ge, GroupedMetadata, Le, MaxLen, MinLen
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    PrivateAttr,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import core_schema

from wegwijzer.core import dates
from wegwijzer.core.apikit import ApiError, from_attribute, validation_errors

from . import selectors, vocab
from .models import LONG_TEXT, MEDIUM_TEXT, Gezinsplan, Membership

INT32_MAX = 2**31 - 1
_CHECKING = "wegwijzer.gezinsplan.check"  # context key: the endpoint's own validation pass


# ---- input: field types ----


class _Nullable:
    """JSON Schema: null is accepted too (it means 'not given')."""

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema, handler: Any) -> dict[str, Any]:
        return {"anyOf": [handler(schema), {"type": "null"}]}


NULLABLE = _Nullable()


@dataclass(frozen=True)
class Text(GroupedMetadata):
    """A string of at most `max_length` characters. `required`: when sent it must have content (null and
    blanks refused); otherwise null means "" (or None with `null_as_empty=False`)."""

    max_length: int
    required: bool = False
    null_as_empty: bool = True

    def __iter__(self) -> Iterator[Any]:
        # Constraints first (they document the inner type); the check runs before them with the Dutch messages.
        yield MaxLen(self.max_length)
        yield BeforeValidator(self.check)
        if self.required:
            yield MinLen(1)
        else:
            yield NULLABLE

    def check(self, value: Any) -> str | None:
        if value is None:
            if self.required:
                raise ValueError(_("Dit veld is verplicht."))
            return "" if self.null_as_empty else None
        if not isinstance(value, str):
            raise ValueError(_("Verwacht tekst."))
        if self.required and not value.strip():
            raise ValueError(_("Dit veld is verplicht."))
        if len(value) > self.max_length:
            raise ValueError(
                _("Te lang: maximaal %(max)d tekens (nu %(length)d).") % {"max": self.max_length, "length": len(value)}
            )
        return value


@dataclass(frozen=True)
class Integer(GroupedMetadata):
    """A whole number (not a boolean, not a string) from `minimum` to `maximum`; null means `default`."""

    minimum: int
    maximum: int
    default: int | None = None

    def __iter__(self) -> Iterator[Any]:
        yield Ge(self.minimum)
        yield Le(self.maximum)
        yield BeforeValidator(self.check)
        if self.default is not None:
            yield NULLABLE

    def check(self, value: Any) -> int:
        if value is None:
            if self.default is None:
                raise ValueError(_("Dit veld is verplicht."))
            return self.default
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(_("Verwacht een geheel getal."))
        if not self.minimum <= value <= self.maximum:
            raise ValueError(
                _("Verwacht een getal van %(min)d tot en met %(max)d.") % {"min": self.minimum, "max": self.maximum}
            )
        return value


def _flag(value: Any) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValueError(_("Verwacht true of false."))
    return value


@dataclass(frozen=True)
class Texts(GroupedMetadata):
    """A list of at most `max_items` strings of at most `max_length` characters each; null means []."""

    max_items: int
    max_length: int

    def __iter__(self) -> Iterator[Any]:
        yield MaxLen(self.max_items)
        yield BeforeValidator(self.check)
        yield NULLABLE

    def check(self, value: Any) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(_("Verwacht een lijst met teksten."))
        if len(value) > self.max_items:
            raise ValueError(_("Maximaal %(n)d items.") % {"n": self.max_items})
        if any(len(v) > self.max_length for v in value):
            raise ValueError(_("Elk item is maximaal %(n)d tekens.") % {"n": self.max_length})
        return value


def _required_date(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value is None:
            raise ValueError(_("Dit veld is verplicht."))
        return parse(value)  # DateError (a ValueError) carries the Dutch message; it makes the answer a 400

    return check


def _optional_date(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else parse(value)


def _gezinsplan(info: ValidationInfo) -> Gezinsplan:
    gezinsplan = (info.context or {}).get("gezinsplan")
    if gezinsplan is None:  # a schema with member fields is only checked with its case
        raise TypeError("member fields need the case in the validation context")
    return gezinsplan


def _membership(username: str, info: ValidationInfo) -> Membership:
    membership = selectors.members_current(_gezinsplan(info)).filter(user__username=username).first()
    if membership is None:
        raise ValueError(_("'%(username)s' is geen huidig teamlid van dit gezinsplan.") % {"username": username})
    return membership


_USERNAME = Text(150)


def _member(value: Any, info: ValidationInfo) -> Membership | None:
    username = _USERNAME.check(value)
    return _membership(username, info) if username else None


def _participant(value: Any, info: ValidationInfo) -> Membership:
    return _membership(value, info)  # the list is checked as texts first


Username = Annotated[str, MaxLen(150)]
DateIn = Annotated[dt.date, BeforeValidator(_required_date(dates.parse_date))]
OptionalDate = Annotated[dt.date | None, BeforeValidator(_optional_date(dates.parse_date))]
DateTimeIn = Annotated[dt.datetime, BeforeValidator(_required_date(dates.parse_datetime))]
OptionalDateTime = Annotated[dt.datetime | None, BeforeValidator(_optional_date(dates.parse_datetime))]
Flag = Annotated[bool, BeforeValidator(_flag), NULLABLE]
Version = Annotated[int, Integer(0, INT32_MAX)]
# A current member of the case, given by username (null: nobody).
Member = Annotated[Membership | None, PlainValidator(_member, json_schema_input_type=Username | None)]
Participants = Annotated[
    list[Annotated[Membership, PlainValidator(_participant, json_schema_input_type=Username)]],
    Texts(max_items=50, max_length=150),
]
Decisions = Annotated[list[Annotated[str, MaxLen(MEDIUM_TEXT)]], Texts(max_items=50, max_length=MEDIUM_TEXT)]


# ---- input: the bodies ----


def _dutch_errors(exc: pydantic.ValidationError, schema: type[BaseModel]) -> tuple[dict[str, list[str]], list[str]]:
    """({field: [Dutch message]}, fields whose value is no usable date). List positions are left out of the
    names (`items.due_date`), as the API has always named them."""
    errors: dict[str, list[str]] = {}
    malformed: list[str] = []
    for error in exc.errors():
        loc = [str(p) for p in error["loc"] if not isinstance(p, int)]
        name = ".".join(loc) or "non_field_errors"
        kind = error["type"]
        cause = (error.get("ctx") or {}).get("error")
        if kind == "extra_forbidden":
            name = name[:100]
            allowed = ", ".join(_fields_at(schema, loc[:-1]))
            message = _("Onbekend veld. Toegestaan: %(fields)s.") % {"fields": allowed}
        elif kind == "missing":
            own = getattr(schema, "missing_messages", None)
            message = (own() if own else {}).get(name) or _("Dit veld is verplicht.")
        elif kind == "value_error" and cause is not None:
            message = cause.message if isinstance(cause, dates.DateError) else str(cause)
            if isinstance(cause, dates.DateError):
                malformed.append(name)
        else:  # a type the validators above do not produce; the API-wide Dutch messages
            message = next(iter(validation_errors([dict(error)]).values()))[0]
        errors.setdefault(name, []).append(message)
    return errors, list(dict.fromkeys(malformed))


def _fields_at(schema: type[BaseModel], path: list[str]) -> list[str]:
    """The field names of the (nested) schema at `path`: the fields an unknown one could have meant."""
    model: Any = schema
    for part in path:
        annotation = model.model_fields[part].annotation
        model = next(a for a in (annotation, *getattr(annotation, "__args__", ())) if isinstance(a, type))
    return list(model.model_fields)


class Payload(BaseModel):
    """A JSON object body. ninja holds it (`_raw`); `check()` validates it in the endpoint."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)
    _raw: Any = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _hold(cls, data: Any, handler: Any, info: ValidationInfo) -> Any:
        if (info.context or {}).get(_CHECKING):
            return handler(data)
        held = cls.model_construct()
        held._raw = data
        return held

    @classmethod
    def check(cls, payload: Payload | None, *, gezinsplan: Gezinsplan | None = None, actor: Any = None) -> Self:
        """The validated body; ApiError 400 (not a JSON object, or no usable date) or 422 (per field)."""
        data = {} if payload is None else payload._raw
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ApiError(400, _("De inhoud moet een JSON-object zijn."))
        try:
            return cls.model_validate(data, context={_CHECKING: True, "gezinsplan": gezinsplan, "actor": actor})
        except pydantic.ValidationError as exc:
            errors, malformed = _dutch_errors(exc, cls)
            if malformed:
                raise ApiError(400, _("Ongeldige datum in: %(fields)s.") % {"fields": ", ".join(malformed)}, errors) from exc
            raise ApiError(422, _("De invoer is niet geldig."), errors) from exc

    def given(self) -> dict[str, Any]:
        """The fields the client sent (for PATCH: only those change)."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class GezinsplanIn(Payload):
    label: Annotated[str, Text(100, required=True)]
    phase: Annotated[str, Text(32)] = ""
    wijk: Annotated[str, Text(32)] = ""
    contact_name: Annotated[str, Text(200)] = ""
    contact_phone: Annotated[str, Text(40)] = ""
    contact_email: Annotated[str, Text(254)] = ""


class GezinsplanPatch(Payload):
    """Only the fields sent change."""

    label: Annotated[str, Text(100, required=True)] = None  # type: ignore[assignment]
    phase: Annotated[str, Text(32)] = None  # type: ignore[assignment]
    wijk: Annotated[str, Text(32)] = None  # type: ignore[assignment]
    contact_name: Annotated[str, Text(200)] = None  # type: ignore[assignment]
    contact_phone: Annotated[str, Text(40)] = None  # type: ignore[assignment]
    contact_email: Annotated[str, Text(254)] = None  # type: ignore[assignment]


class CloseIn(Payload):
    """No fields: an empty body or {}."""


class TeamMemberIn(Payload):
    username: Annotated[str, Text(150, required=True)]
    role: Annotated[str, Text(64)] = ""
    valid_from: OptionalDateTime = None
    valid_to: OptionalDateTime = None

    @field_validator("valid_to")
    @classmethod
    def _after_start(cls, value: dt.datetime | None, info: ValidationInfo) -> dt.datetime | None:
        if value and value < (info.data.get("valid_from") or timezone.now()):
            raise ValueError(_("De einddatum ligt vóór de begindatum."))
        return value


class RegieIn(Payload):
    lead: Annotated[str, Text(10, required=True)]
    lead_member: Member = None
    support_member: Member = None
    records_member: Member = None
    monitors_member: Member = None
    informs_member: Member = None
    informs_text: Annotated[str, Text(MEDIUM_TEXT)] = ""
    notes: Annotated[str, Text(MEDIUM_TEXT)] = ""
    # Required, as for the plan steps: without it a save would silently overwrite a colleague's.
    version: Version

    MEMBERS: ClassVar = ("lead_member", "support_member", "records_member", "monitors_member", "informs_member")


class StepIn(Payload):
    content: Annotated[str, Text(LONG_TEXT)] = ""
    considerations: Annotated[str, Text(LONG_TEXT)] = ""
    version: Version


class AgreementIn(Payload):
    what: Annotated[str, Text(MEDIUM_TEXT, required=True)]
    owner: Member = None
    due_date: OptionalDate = None


class AgreementPatch(Payload):
    """Only the fields sent change; owner or due_date null clears them."""

    what: Annotated[str, Text(MEDIUM_TEXT, required=True)] = None  # type: ignore[assignment]
    owner: Member = None
    due_date: OptionalDate = None
    status: Annotated[str, Text(10, required=True)] = None  # type: ignore[assignment]


class ConsentIn(Payload):
    what: Annotated[str, Text(MEDIUM_TEXT, required=True)]
    with_whom: Annotated[str, Text(MEDIUM_TEXT, required=True)]
    given_on: DateIn
    given_by: Annotated[str, Text(200)] = ""


class WithdrawIn(Payload):
    withdrawn_on: OptionalDate = None


class MeetingIn(Payload):
    starts_at: DateTimeIn
    duration_minutes: Annotated[int, Integer(5, 600, default=60)] = 60
    location: Annotated[str, Text(200)] = ""
    participants: Participants = []  # noqa: RUF012 - pydantic copies defaults
    family_participates: Flag = False
    other_participants: Annotated[str, Text(MEDIUM_TEXT)] = ""
    minutes: Annotated[str, Text(LONG_TEXT)] = ""
    decisions: Decisions = []  # noqa: RUF012


class MeetingPatch(Payload):
    """`minutes` absent or null keeps the minutes; `decisions` are added."""

    minutes: Annotated[str | None, Text(LONG_TEXT, null_as_empty=False)] = None
    decisions: Decisions = []  # noqa: RUF012


class DecisionItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    decision: Annotated[int, Integer(1, INT32_MAX)]
    owner: Member = None
    due_date: OptionalDate = None


def _items_message() -> str:
    return _("Verwacht een lijst met besluiten: {decision, owner, due_date}.")


def _decision_items(value: Any) -> Any:
    if not isinstance(value, list) or not value or not all(isinstance(i, dict) for i in value):
        raise ValueError(_items_message())
    return value


class DecisionsIn(Payload):
    items: Annotated[list[DecisionItemIn], MinLen(1), BeforeValidator(_decision_items)]

    @classmethod
    def missing_messages(cls) -> dict[str, str]:
        return {"items": _items_message()}


class HandoverIn(Payload):
    """`leaving` absent: the caller leaves. Everything the leaver holds moves to `successor`, except the open
    agreements and coming MDOs named in `agreements` / `meetings` (id -> username of who takes it over)."""

    leaving: Member = None
    successor: Annotated[str, Text(150, required=True)]
    note: Annotated[str, Text(LONG_TEXT)] = ""
    family_informed: Flag = False
    agreements: Annotated[dict[UUID, Member], MaxLen(500)] = Field(default_factory=dict)
    meetings: Annotated[dict[UUID, Member], MaxLen(500)] = Field(default_factory=dict)


class FeedbackIn(Payload):
    recipient_role: Annotated[str, Text(10, required=True)]
    recipient_email: Annotated[str, Text(254, required=True)]
    message: Annotated[str, Text(5000, required=True)]


# ---- output ----


def _isoformat(value: dt.datetime) -> str:
    return value.isoformat()


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else _isoformat(value)


Timestamp = Annotated[
    dt.datetime,
    PlainSerializer(_isoformat, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]


def _username(user: Any) -> str | None:
    return user.get_username() if user else None


def _member_username(membership: Membership | None) -> str | None:
    return membership.user.get_username() if membership else None


class TeamMemberOut(Schema):
    id: UUID
    username: str
    name: str
    role: str
    role_label: str
    organization: str
    valid_from: Timestamp | None
    valid_to: Timestamp | None
    current: bool

    @staticmethod
    def resolve_username(obj: Membership) -> str:
        return obj.user.get_username()

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_role_label(obj: Membership) -> str:
        return vocab.label("roles", obj.role)

    @staticmethod
    def resolve_organization(obj: Membership) -> str:
        return obj.organization_slug

    @staticmethod
    def resolve_current(obj: Membership) -> bool:
        return obj.is_current()


class TeamOut(Schema):
    results: list[TeamMemberOut]


class RegieOut(Schema):
    lead: str
    lead_member: str | None
    support_member: str | None
    records_member: str | None
    monitors_member: str | None
    informs_member: str | None
    informs_text: str
    notes: str
    version: int
    updated_by: str | None
    updated_at: Timestamp | None

    @staticmethod
    def resolve_lead_member(obj: Any) -> str | None:
        return _member_username(obj.lead_member)

    @staticmethod
    def resolve_support_member(obj: Any) -> str | None:
        return _member_username(obj.support_member)

    @staticmethod
    def resolve_records_member(obj: Any) -> str | None:
        return _member_username(obj.records_member)

    @staticmethod
    def resolve_monitors_member(obj: Any) -> str | None:
        return _member_username(obj.monitors_member)

    @staticmethod
    def resolve_informs_member(obj: Any) -> str | None:
        return _member_username(obj.informs_member)

    @staticmethod
    def resolve_updated_by(obj: Any) -> str | None:
        return _username(obj.updated_by)


class GezinsplanOut(Schema):
    id: UUID
    label: str
    phase: str
    phase_label: str
    wijk: str
    wijk_label: str
    status: str
    created_at: Timestamp | None
    closed_at: Timestamp | None
    content_version: str

    @staticmethod
    def resolve_phase_label(obj: Gezinsplan) -> str:
        return vocab.label("phases", obj.phase)

    @staticmethod
    def resolve_wijk_label(obj: Gezinsplan) -> str:
        return vocab.label("wijken", obj.wijk)

    @classmethod
    def _values(cls, obj: Any, phase_label: Callable[[str], str], wijk_label: Callable[[str], str]) -> dict[str, Any]:
        return {
            "id": obj.pk,
            "label": obj.label,
            "phase": obj.phase,
            "phase_label": phase_label(obj.phase),
            "wijk": obj.wijk,
            "wijk_label": wijk_label(obj.wijk),
            "status": obj.status,
            "created_at": obj.created_at,
            "closed_at": obj.closed_at,
            "content_version": obj.content_version,
        }

    @classmethod
    def _json_values(cls, obj: Any, phase_label: Callable[[str], str], wijk_label: Callable[[str], str]) -> dict[str, Any]:
        """`_values` as the JSON answer has them (the id and the times as text)."""
        values = cls._values(obj, phase_label, wijk_label)
        values["id"] = str(values["id"])
        values["created_at"], values["closed_at"] = _iso(values["created_at"]), _iso(values["closed_at"])
        return values


CASES_PER_PAGE = 20  # as the social map's API pages
MAX_CASES_PER_PAGE = 100


class GezinsplannenQueryIn(Schema):
    page: Annotated[int, pydantic.Field(ge=1, le=10**6, description="Paginanummer (vanaf 1)")] = 1
    per_page: Annotated[
        int, pydantic.Field(ge=1, le=MAX_CASES_PER_PAGE, description=f"Aantal per pagina (hoogstens {MAX_CASES_PER_PAGE})")
    ] = CASES_PER_PAGE


class GezinsplannenOut(Schema):
    count: int = pydantic.Field(description="Aantal gezinsplannen in totaal (over alle pagina's).")
    page: int
    per_page: int
    total_pages: int
    results: list[GezinsplanOut]

    @classmethod
    def json_of(cls, page: selectors.GezinsplanPage) -> bytes:
        """The list answer, straight from the summaries to JSON text: building, dumping and encoding (or
        validating) a pydantic model per case cost more than the rest of the request.
        tests/gezinsplan/test_read_paths.py checks it equals the validated answer."""
        phase_label, wijk_label = vocab.labellers("phases", "wijken")
        results = [GezinsplanOut._json_values(g, phase_label, wijk_label) for g in page.results]
        return json.dumps({**cls._paging(page), "results": results}, ensure_ascii=False).encode()

    @staticmethod
    def _paging(page: selectors.GezinsplanPage) -> dict[str, int]:
        return {"count": page.count, "page": page.page, "per_page": page.per_page, "total_pages": page.total_pages}


class GezinsplanContactOut(Schema):
    name: str
    phone: str
    email: str


class GezinsplanDetailOut(GezinsplanOut):
    contact: GezinsplanContactOut
    advice_snapshot: dict[str, Any] | None
    purged_at: Timestamp | None
    involved: list[str] = Field(default_factory=list, description="Wie is er al betrokken (rolcodes).")
    members: list[TeamMemberOut]
    regie: RegieOut | None

    @staticmethod
    def resolve_contact(obj: Gezinsplan) -> dict[str, str]:
        return {"name": obj.contact_name, "phone": obj.contact_phone, "email": obj.contact_email}

    @staticmethod
    def resolve_members(obj: Gezinsplan) -> Any:
        return selectors.members_all(obj)

    @staticmethod
    def resolve_regie(obj: Gezinsplan) -> Any:
        return selectors.regie_for_gezinsplan(obj)

    @classmethod
    def json_of(cls, detail: selectors.GezinsplanDetail) -> bytes:
        """The case read's answer as JSON text, straight from the plain values of
        `selectors.gezinsplan_detail_read`: the answer validating the model gives (test_read_paths), without
        building model instances or pydantic models."""
        case, now = detail.case, detail.now
        role_label, phase_label, wijk_label = vocab.labellers("roles", "phases", "wijken")
        usernames = selectors.member_usernames(detail)
        members = [
            {
                "id": str(m["id"]),
                "username": m["user__username"],
                "name": f"{m['user__first_name']} {m['user__last_name']}".strip() or m["user__username"],
                "role": m["role"],
                "role_label": role_label(m["role"]),
                "organization": m["organization_slug"],
                "valid_from": _iso(m["valid_from"]),
                "valid_to": _iso(m["valid_to"]),
                "current": Membership.covers(m["valid_from"], m["valid_to"], now),
            }
            for m in detail.members
        ]
        regie = None
        if detail.regie is not None:
            r = detail.regie
            regie = {
                "lead": r["lead"],
                **{name: usernames.get(r[f"{name}_id"]) for name in selectors.REGIE_MEMBERS},
                "informs_text": r["informs_text"],
                "notes": r["notes"],
                "version": r["version"],
                "updated_by": r["updated_by__username"],
                "updated_at": _iso(r["updated_at"]),
            }
        answer = {
            **cls._json_values(detail.summary, phase_label, wijk_label),
            "contact": {"name": case["contact_name"], "phone": case["contact_phone"], "email": case["contact_email"]},
            "advice_snapshot": case["advice_snapshot"],
            "purged_at": _iso(case["purged_at"]),
            "involved": list(case["involved"] or []),
            "members": members,
            "regie": regie,
        }
        return json.dumps(answer, ensure_ascii=False).encode()


class SectionOut(Schema):
    step: int
    title: str
    content: str
    considerations: str
    shared_with_parents: bool
    version: int
    author: str | None
    updated_at: Timestamp | None
    question: str

    @staticmethod
    def resolve_author(obj: Any) -> str | None:
        return _username(obj.author)

    @staticmethod
    def resolve_question(obj: Any) -> str:
        return obj.help_text


class PlanOut(Schema):
    steps: list[SectionOut]


class AgreementOut(Schema):
    id: UUID
    what: str
    owner: str | None
    due_date: dt.date | None
    status: str
    overdue: bool
    from_meeting: UUID | None
    created_at: Timestamp | None
    updated_at: Timestamp | None

    @staticmethod
    def resolve_owner(obj: Any) -> str | None:
        return _member_username(obj.owner)

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_from_meeting(obj: Any) -> UUID | None:
        return obj.from_meeting_id


class AgreementsOut(Schema):
    results: list[AgreementOut]


class ConsentOut(Schema):
    id: UUID
    what: str
    with_whom: str
    given_by: str
    given_on: dt.date | None
    recorded_by: str | None
    recorded_at: Timestamp | None
    withdrawn_on: dt.date | None
    withdrawn_by: str | None
    active: bool

    @staticmethod
    def resolve_recorded_by(obj: Any) -> str | None:
        return _username(obj.recorded_by)

    @staticmethod
    def resolve_withdrawn_by(obj: Any) -> str | None:
        return _username(obj.withdrawn_by)

    @staticmethod
    def resolve_active(obj: Any) -> bool:
        return obj.is_active


class ConsentsOut(Schema):
    results: list[ConsentOut]


class MeetingDecisionOut(Schema):
    id: int
    text: str
    agreement: UUID | None

    @staticmethod
    def resolve_agreement(obj: Any) -> UUID | None:
        agreement = getattr(obj, "agreement", None)  # the reverse one-to-one: absent when none was made
        return agreement.pk if agreement is not None else None


class MeetingOut(Schema):
    id: UUID
    starts_at: Timestamp | None
    duration_minutes: int
    location: str
    participants: list[str]
    family_participates: bool
    other_participants: str
    minutes: str
    decisions: list[MeetingDecisionOut]

    @staticmethod
    def resolve_participants(obj: Any) -> list[str]:
        return [p.user.get_username() for p in obj.participants.all()]

    @staticmethod
    def resolve_decisions(obj: Any) -> list[Any]:
        return list(obj.decisions.all())


class MeetingsOut(Schema):
    results: list[MeetingOut]


class HandoverOut(Schema):
    id: UUID
    leaving: str
    successor: str
    note: str
    family_informed: bool
    at: Timestamp | None
    by: str | None

    @staticmethod
    def resolve_leaving(obj: Any) -> str:
        return obj.leaving.user.get_username()

    @staticmethod
    def resolve_successor(obj: Any) -> str:
        return obj.successor.user.get_username()

    @staticmethod
    def resolve_by(obj: Any) -> str | None:
        return _username(obj.by)


class HandoversOut(Schema):
    results: list[HandoverOut]


class FeedbackOut(Schema):
    id: UUID
    recipient_role: str
    recipient_email: str
    message: str
    sent_at: Timestamp | None
    sent_by: str | None
    mail_status: Literal["queued", "sent", "failed"] = Field(
        description="De e-mail gaat na het opslaan uit: queued (nog niet verstuurd), sent of failed."
    )
    mail_status_label: str = Field(description="De e-mailstatus in het Nederlands, zoals de pagina hem toont.")
    mail_sent_at: Timestamp | None

    @staticmethod
    def resolve_sent_by(obj: Any) -> str | None:
        return _username(obj.sent_by)

    @staticmethod
    def resolve_mail_status_label(obj: Any) -> str:
        return str(obj.get_mail_status_display())


class FeedbackListOut(Schema):
    results: list[FeedbackOut]


class TimelineEventOut(Schema):
    at: Timestamp | None
    kind: str
    text: str
    object_id: str


class TimelineOut(Schema):
    results: list[TimelineEventOut]


class GezinsplanAuditEntryOut(Schema):
    event_id: str
    user: str
    role: str
    organization: str
    action: str
    outcome: str
    time: Timestamp | None
    client_address: str | None
    object_type: str
    object_id: str

    @staticmethod
    def resolve_event_id(obj: Any) -> str:
        return str(obj.event_id)

    resolve_user = from_attribute("username")
    resolve_organization = from_attribute("organization_slug")
    resolve_time = from_attribute("occurred_at")


class GezinsplanAuditOut(Schema):
    results: list[GezinsplanAuditEntryOut]


class ConflictOut(Schema):
    """409 on a stale version: what the caller sent (`mine`) and what is stored now (`theirs`)."""

    detail: str
    mine: dict[str, Any]
    theirs: dict[str, Any]


# ---- referrals (verwijzingen) ----


class InvolvedIn(Payload):
    involved: Annotated[list[str], Texts(max_items=50, max_length=64)] = []  # noqa: RUF012


class VerwijzingIn(Payload):
    target_kind: Annotated[str, Text(12, required=True)]
    target: Annotated[str, Text(100, required=True)]
    monitors: Member = None
    consents: Annotated[list[str], Texts(max_items=50, max_length=64)] = []  # noqa: RUF012
    note: Annotated[str, Text(MEDIUM_TEXT)] = ""
    huisarts_email: Annotated[str, Text(254)] = ""
    jgz_email: Annotated[str, Text(254)] = ""
    accept_double: Flag = False


class VerwijzingStatusIn(Payload):
    status: Annotated[str, Text(12, required=True)]
    on: OptionalDate = None
    reason: Annotated[str, Text(MEDIUM_TEXT)] = ""


class VerwijzingStatusOut(Schema):
    status: str
    status_label: str
    on: dt.date
    reason: str
    wait_weeks: int | None = Field(description="De wachttijd van het aanbod op de sociale kaart (weken), indien bekend.")
    wait_measured_on: dt.date | None
    by: str | None
    at: Timestamp | None

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_by(obj: Any) -> str | None:
        return _username(obj.by)


class VerwijzingOut(Schema):
    id: UUID
    target_kind: str
    target_slug: str
    target_name: str
    referred_by: str | None
    monitors: str | None
    status: str
    status_label: str
    reason: str
    note: str
    consents: list[UUID]
    family_consented: bool
    huisarts_email: str
    jgz_email: str
    history: list[VerwijzingStatusOut]
    created_at: Timestamp | None
    updated_at: Timestamp | None

    @staticmethod
    def resolve_referred_by(obj: Any) -> str | None:
        return _member_username(obj.referred_by)

    @staticmethod
    def resolve_monitors(obj: Any) -> str | None:
        return _member_username(obj.monitors)

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_consents(obj: Any) -> list[UUID]:
        return [c.pk for c in obj.consents.all()]

    @staticmethod
    def resolve_family_consented(obj: Any) -> bool:
        return any(c.is_active for c in obj.consents.all())

    @staticmethod
    def resolve_history(obj: Any) -> list[Any]:
        return list(obj.statuses.all())


class VerwijzingenOut(Schema):
    results: list[VerwijzingOut]
