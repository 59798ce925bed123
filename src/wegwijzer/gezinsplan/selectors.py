"""Reads of gezinsplan data. Every function takes the caller and returns only what a current member may see.

Use `gezinsplan_read(...)` in every view/endpoint that shows case data: it checks need-to-know (`policy.NotAMember`
for anyone who is not a current member) and writes the "read" entry of the access log. `gezinsplan_get_for_user`
only checks (no log entry) and is meant for write paths, whose service writes its own entry. A missing
part of a case raises `policy.NotFound`. Nothing here sees the HTTP request: the caller passes an
`AccessContext` (client address, method) built once with `audit.context.access_context(request)`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wegwijzer.accounts.roles import is_professional
from wegwijzer.audit.context import AccessContext
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.audit.service import (
    access_log_append,
    access_log_append_reads,
    access_log_for_gezinsplan,
    access_log_write,
)
from wegwijzer.core.prepared import PreparedQuery
from wegwijzer.socialmap.models import Organization, Service
from wegwijzer.socialmap.wait_times import current_wait_times_by_slug

from . import policy, vocab
from .models import (
    Agreement,
    ColleagueInvitation,
    Consent,
    Feedback,
    Gezinsplan,
    Handover,
    Meeting,
    MeetingDecision,
    Membership,
    PlanSection,
    Regie,
    Step,
    Verwijzing,
    VerwijzingStatus,
)

Action = AccessLogEntry.Action

NOT_FOUND = "Gezinsplan niet gevonden."


def _uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def gezinsplan_list_for_user(user: Any) -> QuerySet[Gezinsplan]:
    """The cases the user is a current member of (an empty queryset for everyone else)."""
    if not policy.may_list_gezinsplannen(user):
        return Gezinsplan.objects.none()
    now = timezone.now()
    current = Membership.objects.current(now).filter(user=user)
    return Gezinsplan.objects.filter(pk__in=current.values("gezinsplan_id")).order_by("-created_at")


def _lookup(user: Any, gezinsplan_id: Any) -> tuple[Gezinsplan | None, Membership | None]:
    """The case (None if there is none) and the user's current membership of it (None: no access).

    The policy's "view" rule is being a current member (`policy.is_current_member`, i.e. a
    `policy.current_membership`), so this one membership query both decides need-to-know and gives the
    request its membership (`viewer_membership`), instead of one query per `policy.can` on the page.
    A member's case comes with that same query (joined, with `created_by`); only a refusal looks the case
    up on its own, to log the denied look at an existing case.
    `tests/gezinsplan/test_query_counts.py` checks that this agrees with `policy.can(user, "view", ...)`.
    """
    pk = _uuid(gezinsplan_id)
    if pk is None:
        return None, None
    membership = policy.current_membership_with_case(user, pk)
    gezinsplan: Gezinsplan | None = membership.gezinsplan if membership is not None else None
    if gezinsplan is None:
        gezinsplan = Gezinsplan.objects.select_related("created_by").filter(pk=pk).first()
        if gezinsplan is None:
            return None, None
    gezinsplan._viewer = (getattr(user, "pk", None), membership)  # type: ignore[attr-defined]
    return gezinsplan, membership


def _denied_entry(context: AccessContext, user: Any, gezinsplan: Gezinsplan) -> dict[str, Any]:
    return {
        "context": context,
        "user": user,
        "action": Action.READ if context.is_read else Action.UPDATE,
        "gezinsplan_id": str(gezinsplan.pk),
        "object_type": "gezinsplan",
        "outcome": "denied",
    }


def _refuse(user: Any, gezinsplan: Gezinsplan | None, context: AccessContext | None) -> policy.NotAMember:
    """Log a refused look at an existing case as "denied" (with a context) and give the error to raise."""
    entry: dict[str, Any] | None = None
    if gezinsplan is not None and context is not None:
        entry = _denied_entry(context, user, gezinsplan)
        access_log_write(**entry)
    # A caller that rolls back its transaction on this refusal re-writes the entry afterwards.
    return policy.NotAMember(NOT_FOUND, access_log=entry)


def gezinsplan_get_for_user(user: Any, gezinsplan_id: Any, *, context: AccessContext | None = None) -> Gezinsplan:
    """The case if the user is a current member; `policy.NotAMember` otherwise (also for malformed ids).

    With `context`, a refused look at an existing case is logged as outcome "denied" in that case's log.
    """
    gezinsplan, membership = _lookup(user, gezinsplan_id)
    if gezinsplan is None or membership is None:
        raise _refuse(user, gezinsplan, context)
    return gezinsplan


def viewer_membership(user: Any, gezinsplan: Gezinsplan) -> Membership | None:
    """The user's current membership of a case fetched by this module for that user (no new query), else
    `policy.current_membership`. For showing a page; a service that changes the team checks afresh."""
    viewer = getattr(gezinsplan, "_viewer", None)
    if viewer is not None and viewer[0] == getattr(user, "pk", None):
        return viewer[1]
    return policy.current_membership(user, gezinsplan)


def viewer_may_change(user: Any, gezinsplan: Gezinsplan) -> bool:
    """`policy.can(user, "change", gezinsplan)` (a current member of an open case) without a second
    membership query; checked against `policy.can` in tests/gezinsplan/test_query_counts.py."""
    return viewer_membership(user, gezinsplan) is not None and bool(policy.is_open_gezinsplan(user, gezinsplan))


def gezinsplan_log(
    context: AccessContext | None,
    user: Any,
    action: AccessLogEntry.Action,
    gezinsplan: Gezinsplan,
    object_type: str = "gezinsplan",
    object_id: Any = "",
    detail: str = "",
) -> None:
    """One access-log entry about a case: the single place reads (here) and writes (services) log through."""
    access_log_write(
        context=context,
        user=user,
        action=action,
        gezinsplan_id=str(gezinsplan.pk),
        object_type=object_type,
        object_id=str(object_id or ""),
        detail=detail,
    )


def gezinsplan_read(
    *,
    context: AccessContext | None,
    user: Any,
    gezinsplan_id: Any,
    object_type: str = "gezinsplan",
    object_id: str = "",
    action: AccessLogEntry.Action = AccessLogEntry.Action.READ,
    detail: str = "",
) -> Gezinsplan:
    """Check need-to-know and log the read ("read", or "export" for exports). `policy.NotAMember` for non-members.

    The log row is one autocommitted INSERT after the check, deliberately not one transaction around
    check and row: on SQLite (`transaction_mode` IMMEDIATE) that transaction takes the database's write
    lock for the reads too and serialises every case read (case_bench: 85 → 16 req/s under 50 clients),
    and on PostgreSQL a read-only statement commits without a WAL flush, so there is nothing to save.
    A HEAD request is checked the same way but not logged: its answer carries no case data (the server
    sends headers only), and the log records who saw what. A refused HEAD is still logged as denied.
    """
    gezinsplan, membership = _lookup(user, gezinsplan_id)
    if gezinsplan is None or membership is None:
        raise _refuse(user, gezinsplan, context)
    if not _is_head(context):
        gezinsplan_log(context, user, action, gezinsplan, object_type, object_id, detail)
    return gezinsplan


def gezinsplan_part_read(
    *,
    context: AccessContext | None,
    user: Any,
    gezinsplan: Gezinsplan,
    object_type: str,
    object_id: Any = "",
    action: AccessLogEntry.Action = AccessLogEntry.Action.READ,
) -> None:
    """Log the read of one part of a case that `gezinsplan_get_for_user` already let through (not for HEAD).

    For reads that must find the part first (a missing one is a 404 and no read): no second case lookup.
    """
    if not _is_head(context):
        gezinsplan_log(context, user, action, gezinsplan, object_type, object_id)


def _is_head(context: AccessContext | None) -> bool:
    return context is not None and context.is_head


@dataclass(frozen=True, slots=True)
class GezinsplanSummary:
    """One row of a user's case list: what the list page and the API list show, read as plain values."""

    id: uuid.UUID
    label: str
    phase: str
    wijk: str
    status: str
    created_at: datetime
    closed_at: datetime | None
    content_version: str

    @property
    def pk(self) -> uuid.UUID:
        return self.id

    @property
    def is_open(self) -> bool:
        return self.status == Gezinsplan.Status.OPEN


_SUMMARY_FIELDS = tuple(f.name for f in dataclass_fields(GezinsplanSummary))


def gezinsplan_list_read(
    *, context: AccessContext | None, user: Any, open_only: bool = False
) -> list[GezinsplanSummary]:
    """The user's cases, each listing logged as a read (labels are case data).

    Still one "read" row per listed case, but all of them in one INSERT (`access_log_append_reads`, inside
    the caller's transaction if there is one): one statement and one commit, for 2 cases or 200. The list
    is read before, outside any transaction, for the reason given at `gezinsplan_read`, and as plain values
    (`GezinsplanSummary`), not model instances: for 200 cases that halves the read.
    """
    cases = gezinsplan_list_for_user(user)
    if open_only:  # filtered before the log: a case that is not shown is not logged as read
        cases = cases.filter(status=Gezinsplan.Status.OPEN)
    rows = cases.values_list(*_SUMMARY_FIELDS)
    gezinsplannen = [GezinsplanSummary(*row) for row in rows]
    if not _is_head(context):
        access_log_append_reads(
            context=context, user=user, gezinsplan_ids=[g.id for g in gezinsplannen],
            object_type="gezinsplan", detail="lijst",
        )
    return gezinsplannen


def _page_count(count: int, per_page: int) -> int:
    """Pages of `per_page` for `count` cases; an empty list is one (empty) page."""
    return max(1, -(-count // per_page))


@dataclass(frozen=True, slots=True)
class GezinsplanPage:
    """One page of a user's case list: its rows, the number of cases in all, and which page of what size."""

    results: list[GezinsplanSummary]
    count: int
    page: int
    per_page: int

    @property
    def total_pages(self) -> int:
        return _page_count(self.count, self.per_page)


# The web page "Mijn gezinsplannen" shows a professional's open or closed cases this many at a time: a busy
# buurtteam worker in hundreds of cases gets a list one can read, and the page logs a read for 25, not all.
CASES_PER_WEB_PAGE = 25


@dataclass(frozen=True, slots=True)
class GezinsplanListPage:
    """One page of the web list: the open or the closed cases (newest first) and how many of each there are.

    `page` is the page shown: a number past the last page shows the last one (`page_asked` keeps what was asked).
    """

    results: list[GezinsplanSummary]
    closed: bool
    open_count: int
    closed_count: int
    page: int
    page_asked: int
    per_page: int

    @property
    def count(self) -> int:
        return self.closed_count if self.closed else self.open_count

    @property
    def total_pages(self) -> int:
        return _page_count(self.count, self.per_page)

    @property
    def first_number(self) -> int:
        """The position of this page's first case in the whole list (for <ol start>)."""
        return (self.page - 1) * self.per_page + 1

    @property
    def last_number(self) -> int:
        return self.first_number + len(self.results) - 1


def gezinsplan_list_page_read(
    *, context: AccessContext | None, user: Any, closed: bool, page: int, per_page: int = CASES_PER_WEB_PAGE
) -> GezinsplanListPage:
    """A page of the user's open (or closed) cases, each shown case logged as a read (one INSERT), as in
    `gezinsplan_list_read`; two queries: the number of open and closed cases, then the page."""
    cases = gezinsplan_list_for_user(user)
    counts = dict(cases.order_by().values_list("status").annotate(n=Count("pk")))
    open_count = counts.get(Gezinsplan.Status.OPEN, 0)
    closed_count = sum(n for status, n in counts.items() if status != Gezinsplan.Status.OPEN)
    shown = closed_count if closed else open_count
    asked = max(1, page)
    number = min(asked, _page_count(shown, per_page))
    results: list[GezinsplanSummary] = []
    if shown:
        statuses = cases.filter(status=Gezinsplan.Status.OPEN) if not closed else cases.exclude(status=Gezinsplan.Status.OPEN)
        offset = (number - 1) * per_page
        rows = statuses.order_by("-created_at", "pk").values_list(*_SUMMARY_FIELDS)[offset : offset + per_page]
        results = [GezinsplanSummary(*row) for row in rows]
    if results and not _is_head(context):
        access_log_append_reads(
            context=context, user=user, gezinsplan_ids=[g.id for g in results], object_type="gezinsplan",
            detail="lijst",
        )
    return GezinsplanListPage(
        results=results, closed=closed, open_count=open_count, closed_count=closed_count, page=number,
        page_asked=asked, per_page=per_page,
    )


def _current_cases_of(user_id: Any, now: Any) -> QuerySet[Membership]:
    return Membership.objects.current(now).filter(user_id=user_id)


# The user's cases newest first (the id breaks ties, so pages never overlap), with their number in all
# from a subquery evaluated once: one query for the page and the total (a window count made SQLite sort
# every case instead of keeping the page's). Compiled once per process (core.prepared).
_CASE_PAGE = PreparedQuery(
    lambda user_id, now: Gezinsplan.objects.filter(pk__in=_current_cases_of(user_id, now).values("gezinsplan_id"))
    .order_by("-created_at", "pk")
    .values_list(
        *_SUMMARY_FIELDS,
        Subquery(
            _current_cases_of(user_id, now)
            .order_by()
            .values("user_id")
            .annotate(cases=Count("gezinsplan_id", distinct=True))
            .values("cases")
        ),
    ),
    user_id=Membership._meta.get_field("user").target_field,
    now=Membership._meta.get_field("valid_from"),
)


def gezinsplan_page_read(*, context: AccessContext | None, user: Any, page: int, per_page: int) -> GezinsplanPage:
    """One page of the user's cases (`gezinsplan_list_for_user`, newest first), each shown case logged as a
    read as in `gezinsplan_list_read`: one "read" row per case on this page, in one INSERT.

    A page, not the whole list, because the log row per listed case is most of a list's cost: a
    professional in 200 cases gets them 20 at a time (issue 9, docs/performance.md).
    """
    if not policy.may_list_gezinsplannen(user):
        return GezinsplanPage(results=[], count=0, page=page, per_page=per_page)
    window = (per_page, (page - 1) * per_page)
    rows = _CASE_PAGE.rows(user_id=user.pk, now=timezone.now(), window=window)
    results = [GezinsplanSummary(*row[:-1]) for row in rows]
    # Past the last page the count has no row to ride on: count on its own.
    count = rows[0][-1] if rows else (gezinsplan_list_for_user(user).count() if page > 1 else 0)
    if not _is_head(context):
        access_log_append_reads(
            context=context, user=user, gezinsplan_ids=[g.id for g in results], object_type="gezinsplan",
            detail="lijst",
        )
    return GezinsplanPage(results=results, count=count, page=page, per_page=per_page)


# What a case read answers (the API's GET /gezinsplannen/{id}), read as plain values: no model instances.
DETAIL_CASE_FIELDS = (
    "id", "label", "phase", "wijk", "status", "created_at", "closed_at", "content_version",
    "contact_name", "contact_phone", "contact_email", "advice_snapshot", "purged_at", "involved",
)
DETAIL_REGIE_FIELDS = (
    "id", "lead", *(f"{name}_id" for name in ("lead_member", "support_member", "records_member",
                                              "monitors_member", "informs_member")),
    "informs_text", "notes", "version", "updated_by__username", "updated_at",
)
DETAIL_MEMBER_FIELDS = (
    "id", "user__username", "user__first_name", "user__last_name", "role", "organization_slug", "valid_from",
    "valid_to",
)


@dataclass(frozen=True, slots=True)
class GezinsplanDetail:
    """A case read as plain values: the case's columns, its whole team (oldest first, each a dict of
    DETAIL_MEMBER_FIELDS) and its regie (None without one; its members as membership ids), read at `now`."""

    case: dict[str, Any]
    members: list[dict[str, Any]]
    regie: dict[str, Any] | None
    now: datetime

    @property
    def summary(self) -> GezinsplanSummary:
        """The case's columns that its row in the case list shows."""
        return GezinsplanSummary(*(self.case[name] for name in _SUMMARY_FIELDS))


# The member's case with its regie, in one query; the same filter as `policy.current_membership` (a
# current membership of this user), so no row means no access. Compiled once per process (core.prepared).
_MEMBER_CASE_VALUES = PreparedQuery(
    lambda gezinsplan_id, user_id, now: _current_cases_of(user_id, now)
    .filter(gezinsplan_id=gezinsplan_id)
    .order_by("-valid_from", "pk")
    .values_list(
        *(f"gezinsplan__{name}" for name in DETAIL_CASE_FIELDS),
        *(f"gezinsplan__regie__{name}" for name in DETAIL_REGIE_FIELDS),
    )[:1],
    gezinsplan_id=Membership._meta.get_field("gezinsplan").target_field,
    user_id=Membership._meta.get_field("user").target_field,
    now=Membership._meta.get_field("valid_from"),
)
_TEAM_VALUES = PreparedQuery(
    lambda gezinsplan_id: Membership.objects.filter(gezinsplan_id=gezinsplan_id)
    .order_by("valid_from")
    .values_list(*DETAIL_MEMBER_FIELDS),
    gezinsplan_id=Membership._meta.get_field("gezinsplan").target_field,
)


def gezinsplan_detail_read(*, context: AccessContext | None, user: Any, gezinsplan_id: Any) -> GezinsplanDetail:
    """`gezinsplan_read` for the case read itself, answered as plain values (`GezinsplanDetail`).

    The same need-to-know (a current membership of an active professional; everyone else is refused and,
    for an existing case, logged as denied), the same "read" row, but two queries of plain values instead of
    model instances for the case, its creator, its team and its regie: the case read is the API's most
    frequent call (issue 9). `tests/gezinsplan/test_read_paths.py` checks the answer equals the validated one.
    """
    pk = _uuid(gezinsplan_id)
    now = timezone.now()
    row = None
    if pk is not None and is_professional(user):
        found = _MEMBER_CASE_VALUES.rows(gezinsplan_id=pk, user_id=user.pk, now=now)
        row = found[0] if found else None
    if row is None:
        existing = Gezinsplan.objects.filter(pk=pk).only("pk").first() if pk is not None else None
        raise _refuse(user, existing, context)
    split = len(DETAIL_CASE_FIELDS)
    case = dict(zip(DETAIL_CASE_FIELDS, row[:split], strict=True))
    if not _is_head(context):
        access_log_append(
            context=context, user=user, action=Action.READ, gezinsplan_id=str(pk), object_type="gezinsplan"
        )
    members = [dict(zip(DETAIL_MEMBER_FIELDS, m, strict=True)) for m in _TEAM_VALUES.rows(gezinsplan_id=pk)]
    regie = dict(zip(DETAIL_REGIE_FIELDS, row[split:], strict=True))
    return GezinsplanDetail(case=case, members=members, regie=regie if regie["id"] is not None else None, now=now)


def member_usernames(detail: GezinsplanDetail) -> dict[Any, str]:
    """Membership id → username for the case's team, and for a regie member outside it (one more query)."""
    known = {m["id"]: m["user__username"] for m in detail.members}
    wanted = set()
    if detail.regie is not None:
        wanted = {detail.regie[f"{name}_id"] for name in REGIE_MEMBERS} - {None} - known.keys()
    if wanted:
        known.update(Membership.objects.filter(pk__in=wanted).values_list("pk", "user__username"))
    return known


# ---- parts of one case (the caller has already passed gezinsplan_read / gezinsplan_get_for_user) ----


REGIE_MEMBERS = ("lead_member", "support_member", "records_member", "monitors_member", "informs_member")


def regie_for_gezinsplan(gezinsplan: Gezinsplan, members: Iterable[Membership] | None = None) -> Regie | None:
    """The case's regie with its members and their users.

    Given the case's `members` (with their users, e.g. from `members_all`), the regie is read on its own and
    its members taken from them (a member not among them is read in one more query); without, in one query
    joining all eleven tables, whose compilation alone costs more than the two small queries.
    """
    if members is None:
        return (
            Regie.objects.filter(gezinsplan=gezinsplan)
            .select_related(
                "updated_by",
                *(f"{name}__user" for name in REGIE_MEMBERS),
            )
            .first()
        )
    regie = _REGIE_OF_CASE.first(gezinsplan_id=gezinsplan.pk)
    if regie is None:
        return None
    known = {m.pk: m for m in members}
    wanted = {getattr(regie, f"{name}_id") for name in REGIE_MEMBERS} - {None}
    if wanted - known.keys():
        known.update((m.pk, m) for m in Membership.objects.filter(pk__in=wanted - known.keys()).select_related("user"))
    for name in REGIE_MEMBERS:
        member_id = getattr(regie, f"{name}_id")
        if member_id is not None:
            setattr(regie, name, known[member_id])
    regie.gezinsplan = gezinsplan
    return regie


# The regie's read when its members are given (the FHIR export), compiled once per process (core.prepared).
_REGIE_OF_CASE = PreparedQuery(
    lambda gezinsplan_id: Regie.objects.filter(gezinsplan_id=gezinsplan_id).select_related("updated_by")[:1],
    gezinsplan_id=Regie._meta.get_field("gezinsplan").target_field,
)
def members_current(gezinsplan: Gezinsplan) -> QuerySet[Membership]:
    return Membership.objects.current().filter(gezinsplan=gezinsplan).select_related("user").order_by("valid_from")


def members_all(gezinsplan: Gezinsplan, *, added_by: bool = True) -> QuerySet[Membership]:
    """Everyone who is or was in the team, oldest first (with who added them, unless `added_by=False`)."""
    related = ("user", "added_by") if added_by else ("user",)
    return Membership.objects.filter(gezinsplan=gezinsplan).select_related(*related).order_by("valid_from")


def member_get_current(gezinsplan: Gezinsplan, username: str) -> Membership:
    membership = members_current(gezinsplan).filter(user__username=username).first()
    if membership is None:
        raise policy.NotFound("Teamlid niet gevonden.")
    return membership


def sections_for_gezinsplan(gezinsplan: Gezinsplan) -> list[PlanSection]:
    """The five steps, always all five, in order."""
    sections = {s.step: s for s in PlanSection.objects.filter(gezinsplan=gezinsplan).select_related("author")}
    return [sections.get(step) or PlanSection(gezinsplan=gezinsplan, step=step) for step in Step.values]


def section_get(gezinsplan: Gezinsplan, step: Any) -> PlanSection:
    try:
        step = int(step)
    except (TypeError, ValueError):
        raise policy.NotFound("Onbekende stap.") from None
    if step not in Step.values:
        raise policy.NotFound("Onbekende stap.")
    section = PlanSection.objects.filter(gezinsplan=gezinsplan, step=step).select_related("author").first()
    if section is None:
        raise policy.NotFound("Onbekende stap.")
    return section


def section_history(section: PlanSection) -> QuerySet:
    """Every saved version of a section, newest first (django-simple-history)."""
    return section.history.select_related("history_user").order_by("-history_date")


def agreements_for_gezinsplan(gezinsplan: Gezinsplan) -> QuerySet[Agreement]:
    return Agreement.objects.filter(gezinsplan=gezinsplan).select_related("owner__user", "from_meeting")


def agreement_get(gezinsplan: Gezinsplan, agreement_id: Any) -> Agreement:
    agreement = (
        agreements_for_gezinsplan(gezinsplan).filter(pk=str(agreement_id)).first() if _uuid(agreement_id) else None
    )
    if agreement is None:
        raise policy.NotFound("Afspraak niet gevonden.")
    return agreement


def consents_for_gezinsplan(gezinsplan: Gezinsplan) -> QuerySet[Consent]:
    return Consent.objects.filter(gezinsplan=gezinsplan).select_related("recorded_by", "withdrawn_by")


def consent_get(gezinsplan: Gezinsplan, consent_id: Any) -> Consent:
    consent = consents_for_gezinsplan(gezinsplan).filter(pk=str(consent_id)).first() if _uuid(consent_id) else None
    if consent is None:
        raise policy.NotFound("Toestemming niet gevonden.")
    return consent


def meetings_for_gezinsplan(gezinsplan: Gezinsplan) -> QuerySet[Meeting]:
    return Meeting.objects.filter(gezinsplan=gezinsplan).prefetch_related(
        Prefetch("participants", queryset=Membership.objects.select_related("user")),
        Prefetch("decisions", queryset=MeetingDecision.objects.select_related("agreement")),
    )


def meeting_get(gezinsplan: Gezinsplan, meeting_id: Any) -> Meeting:
    meeting = meetings_for_gezinsplan(gezinsplan).filter(pk=str(meeting_id)).first() if _uuid(meeting_id) else None
    if meeting is None:
        raise policy.NotFound("MDO niet gevonden.")
    return meeting


def handovers_for_gezinsplan(gezinsplan: Gezinsplan) -> QuerySet[Handover]:
    return Handover.objects.filter(gezinsplan=gezinsplan).select_related("leaving__user", "successor__user", "by")


# Regie roles a member can hold, with the Dutch name the handover page shows.
REGIE_ROLE_LABELS = {
    "lead_member": _("regiehouder"),
    "support_member": _("ondersteunt de ouders bij de regie"),
    "records_member": _("legt afspraken vast"),
    "monitors_member": _("ziet toe op nakomen van afspraken"),
    "informs_member": _("informeert de anderen"),
}


@dataclass
class HandoverItems:
    """What a leaving member still holds: it must all move to someone who stays (`services.handover`)."""

    agreements: list[Agreement] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    regie_roles: list[str] = field(default_factory=list)  # REGIE_ROLE_LABELS keys

    @property
    def regie_role_labels(self) -> list[str]:
        return [str(REGIE_ROLE_LABELS[name]) for name in self.regie_roles]

    def __bool__(self) -> bool:
        return bool(self.agreements or self.meetings or self.regie_roles)


def handover_items(gezinsplan: Gezinsplan, leaving: Membership, now: Any = None) -> HandoverItems:
    """The leaver's open agreements, the MDOs not yet held that list them, and their regie roles. Past MDOs
    keep who took part (that is what happened)."""
    now = now or timezone.now()
    agreements = list(
        Agreement.objects.filter(gezinsplan=gezinsplan, owner=leaving, status=Agreement.Status.OPEN).order_by(
            "due_date", "created_at"
        )
    )
    meetings = list(
        Meeting.objects.filter(gezinsplan=gezinsplan, participants=leaving, starts_at__gte=now).order_by("starts_at")
    )
    regie = Regie.objects.filter(gezinsplan=gezinsplan).first()
    roles = [name for name in REGIE_ROLE_LABELS if regie is not None and getattr(regie, f"{name}_id") == leaving.pk]
    return HandoverItems(agreements=agreements, meetings=meetings, regie_roles=roles)


def feedback_for_gezinsplan(gezinsplan: Gezinsplan) -> QuerySet[Feedback]:
    return Feedback.objects.filter(gezinsplan=gezinsplan).select_related("sent_by")


def audit_entries_for_gezinsplan(gezinsplan: Gezinsplan) -> QuerySet:
    """The case's access log, newest first (read it only after gezinsplan_read(..., object_type="auditlog"))."""
    return access_log_for_gezinsplan(str(gezinsplan.pk))


def gezinsplan_timeline(gezinsplan: Gezinsplan) -> list[dict[str, Any]]:
    """Everything that happened in the plan, newest first: {"at", "kind", "text", "object_id"}."""
    events: list[dict[str, Any]] = [
        {"at": gezinsplan.created_at, "kind": "gezinsplan", "text": gettext("Gezinsplan gestart"), "object_id": str(gezinsplan.pk)}
    ]
    for m in members_all(gezinsplan):
        events.append(
            {
                "at": m.valid_from,
                "kind": "team",
                "text": gettext("%(user)s (%(role)s) komt in het team") % {"user": m.user, "role": vocab.label("roles", m.role)},
                "object_id": str(m.pk),
            }
        )
        if m.valid_to:
            events.append(
                {"at": m.valid_to, "kind": "team", "text": gettext("%(user)s gaat uit het team") % {"user": m.user}, "object_id": str(m.pk)}
            )
    for s in PlanSection.objects.filter(gezinsplan=gezinsplan, version__gt=0).select_related("author"):
        events.append(
            {
                "at": s.updated_at,
                "kind": "plan",
                "text": gettext("%(step)s bijgewerkt door %(user)s") % {"step": s.title, "user": s.author or gettext("onbekend")},
                "object_id": str(s.step),
            }
        )
    for a in agreements_for_gezinsplan(gezinsplan):
        events.append(
            {
                "at": a.created_at,
                "kind": "afspraak",
                "text": gettext("Afspraak gemaakt: %(what)s") % {"what": a.what[:80]},
                "object_id": str(a.pk),
            }
        )
    for c in consents_for_gezinsplan(gezinsplan):
        events.append(
            {
                "at": c.recorded_at,
                "kind": "toestemming",
                "text": gettext("Toestemming vastgelegd: %(what)s") % {"what": c.what[:80]},
                "object_id": str(c.pk),
            }
        )
    for mt in meetings_for_gezinsplan(gezinsplan):
        events.append({"at": mt.starts_at, "kind": "mdo", "text": gettext("MDO (overleg met het team)"), "object_id": str(mt.pk)})
    for h in handovers_for_gezinsplan(gezinsplan):
        events.append(
            {
                "at": h.at,
                "kind": "overdracht",
                "text": gettext("Warme overdracht van %(from)s aan %(to)s") % {"from": h.leaving.user, "to": h.successor.user},
                "object_id": str(h.pk),
            }
        )
    for f in feedback_for_gezinsplan(gezinsplan):
        events.append(
            {
                "at": f.sent_at,
                "kind": "terugkoppeling",
                "text": gettext("Terugkoppeling aan %(to)s") % {"to": f.get_recipient_role_display()},
                "object_id": str(f.pk),
            }
        )
    for v in verwijzingen_for_gezinsplan(gezinsplan):
        for st in v.statuses.all():
            text = gettext("Verwijzing naar %(target)s: %(status)s") % {
                "target": v.target_name, "status": Verwijzing.Status(st.status).label,
            }
            if st.reason:
                text += " — " + gettext("reden: %(reason)s") % {"reason": st.reason[:80]}
            events.append({"at": st.at, "kind": "verwijzing", "text": text, "object_id": str(v.pk)})
    if gezinsplan.closed_at:
        events.append(
            {
                "at": gezinsplan.closed_at,
                "kind": "gezinsplan",
                "text": gettext("Gezinsplan gesloten"),
                "object_id": str(gezinsplan.pk),
            }
        )
    return sorted(events, key=lambda e: e["at"], reverse=True)


# ---- referrals (verwijzingen) ----

# The roles that stay involved and monitor a party they bring in (wegwijzer §3).
MONITOR_ROLES = ("buurtteam-jeugd-gezin", "aanvullende-jeugdhulp")


def verwijzingen_for_gezinsplan(gezinsplan: Gezinsplan) -> QuerySet[Verwijzing]:
    return (
        Verwijzing.objects.filter(gezinsplan=gezinsplan)
        .select_related("referred_by__user", "monitors__user")
        .prefetch_related(
            Prefetch("statuses", queryset=VerwijzingStatus.objects.select_related("by")),
            Prefetch("consents", queryset=Consent.objects.order_by("given_on", "recorded_at")),
        )
    )


def verwijzingen_summary(gezinsplan: Gezinsplan) -> QuerySet[Verwijzing]:
    """The referrals for the overview: target, status and monitor only (one query, no history)."""
    return Verwijzing.objects.filter(gezinsplan=gezinsplan).select_related("monitors__user")


def verwijzing_get(gezinsplan: Gezinsplan, verwijzing_id: Any) -> Verwijzing:
    verwijzing = (
        verwijzingen_for_gezinsplan(gezinsplan).filter(pk=str(verwijzing_id)).first() if _uuid(verwijzing_id) else None
    )
    if verwijzing is None:
        raise policy.NotFound("Verwijzing niet gevonden.")
    return verwijzing


def default_monitor(gezinsplan: Gezinsplan) -> Membership | None:
    """The current buurtteam member, else the aanvullende-jeugdhulp member (wegwijzer §3); None if neither."""
    current = {m.role: m for m in members_current(gezinsplan).order_by("-valid_from")}
    return next((current[r] for r in MONITOR_ROLES if r in current), None)


def double_referral_warnings(
    gezinsplan: Gezinsplan, *, target_slug: str, target_roles: Iterable[str], exclude: Any = None
) -> list[str]:
    """Why a referral to this target may be a double one (Proeftuin §4.4.3): a role of the target is already
    involved (at case start, or as a current team member), or an open referral to the same target exists."""
    warnings: list[str] = []
    involved = set(gezinsplan.involved or []) | set(members_current(gezinsplan).values_list("role", flat=True))
    label = vocab.labeller("roles")
    for role in sorted(set(target_roles) & involved):
        warnings.append(gettext("%(role)s is al betrokken bij dit gezin.") % {"role": label(role)})
    others = Verwijzing.objects.filter(gezinsplan=gezinsplan, target_slug=target_slug).exclude(
        status__in=Verwijzing.CLOSED_STATUSES
    )
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        warnings.append(gettext("Er loopt al een verwijzing naar dit aanbod."))
    return warnings


TARGET_QUERY_MAX = 100


def referral_targets(query: str = "") -> list[tuple[str, list[tuple[str, str]]]]:
    """The social map's services and organisations as grouped choices ("service:<code>", name) for the
    referral form; `query` narrows them to names containing it (case-insensitive)."""
    query = (query or "").strip()[:TARGET_QUERY_MAX]
    services = Service.objects.order_by("name")
    organizations = Organization.objects.order_by("name")
    if query:
        services = services.filter(name__icontains=query)
        organizations = organizations.filter(name__icontains=query)
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for kind, records in (
        (Verwijzing.TargetKind.SERVICE, services.values_list("slug", "name")),
        (Verwijzing.TargetKind.ORGANIZATION, organizations.values_list("slug", "name")),
    ):
        options = [(f"{kind.value}:{slug}", name) for slug, name in records]
        if options:
            groups.append((str(kind.label), options))
    return groups


@dataclass
class VerwijzingRow:
    """A referral as its page lists it: the referral (with history), the social map's current waiting time
    of a service target (None when unknown or not a service) and whether the family's consent is active."""

    verwijzing: Verwijzing
    wait_time: Any
    has_consent: bool


def verwijzing_rows(gezinsplan: Gezinsplan) -> list[VerwijzingRow]:
    verwijzingen = list(verwijzingen_for_gezinsplan(gezinsplan))
    slugs = [v.target_slug for v in verwijzingen if v.target_kind == Verwijzing.TargetKind.SERVICE]
    waits = current_wait_times_by_slug(slugs) if slugs else {}
    return [
        VerwijzingRow(
            verwijzing=v,
            wait_time=waits.get(v.target_slug) if v.target_kind == Verwijzing.TargetKind.SERVICE else None,
            has_consent=verwijzing_has_consent(v),
        )
        for v in verwijzingen
    ]


def referral_target_warnings(gezinsplan: Gezinsplan, target_kind: str, target: str) -> list[str]:
    """The double-referral warnings for a target given by kind and code ([] when it is not on the map)."""
    model = Service if target_kind == Verwijzing.TargetKind.SERVICE else Organization
    record = model.objects.filter(slug=target).prefetch_related("roles").first()
    if record is None:
        return []
    return double_referral_warnings(gezinsplan, target_slug=record.slug, target_roles=[r.slug for r in record.roles.all()])


def verwijzing_has_consent(verwijzing: Verwijzing) -> bool:
    """True when the family's consent for this referral is recorded and not withdrawn."""
    return any(c.is_active for c in verwijzing.consents.all())


def consent_covers(gezinsplan: Gezinsplan, user: Any) -> bool:
    """Whether an active consent names the party this professional belongs to in its "met wie" text: their role
    (code, label or the abbreviation in it) or organisation. A prompt for the team, not a legal test: free text
    can say "alle betrokkenen", so the team confirms when this finds nothing."""
    role = getattr(user, "role", "") or ""
    label = str(vocab.label("roles", role)) if role else ""
    terms = {role, label, getattr(user, "organization_slug", "") or ""}
    terms |= set(re.findall(r"\(([^)]+)\)", label))  # "Jeugdgezondheidszorg (JGZ)" -> "JGZ"
    terms |= {label.split(" ")[0]} if label else set()
    terms = {t.casefold() for t in terms if len(t) >= 2}
    for consent in Consent.objects.filter(gezinsplan=gezinsplan, withdrawn_on__isnull=True).only("with_whom"):
        text = consent.with_whom.casefold()
        if any(term in text for term in terms):
            return True
    return False


def organization_choices() -> list[tuple[str, str]]:
    """The social map's organisations as (code, name), by name: where an invited colleague works."""
    return list(Organization.objects.order_by("name").values_list("slug", "name"))


def invitations_pending(gezinsplan: Gezinsplan) -> QuerySet[ColleagueInvitation]:
    """Invitations of this case not used yet and still valid (newest first)."""
    return ColleagueInvitation.objects.filter(
        gezinsplan=gezinsplan, used_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("created_by")


def my_actions(user: Any, today: date | None = None) -> list[Agreement]:
    """Open agreements the user owns in cases they are a current member of; overdue first."""
    if not policy.may_list_gezinsplannen(user):
        return []
    today = today or timezone.localdate()
    mine = Membership.objects.current().filter(user=user)
    agreements = list(
        Agreement.objects.filter(status=Agreement.Status.OPEN, owner__in=mine, gezinsplan__purged_at__isnull=True)
        .filter(Q(gezinsplan__status=Gezinsplan.Status.OPEN))
        .select_related("gezinsplan", "owner__user")
    )
    agreements.sort(key=lambda a: (not a.is_overdue(today), a.due_date or date.max))
    return agreements
