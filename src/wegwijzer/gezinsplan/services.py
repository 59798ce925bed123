"""Every change to a gezinsplan: one function per action, keyword-only, atomic, and it writes its own
access-log entry in the same transaction (the Zulip `do_<action>` pattern).

Each function takes `actor` (who acts) and `context` (an `audit.context.AccessContext` with the client
address for the log, built by the caller from its request; None from the command line), never the HTTP
request; it checks need-to-know through `policy.require` (`policy.NotAMember` for non-members), validates (Django
ValidationError with Dutch messages per field) and never stores half a change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from wegwijzer.accounts.models import User
from wegwijzer.accounts.roles import is_professional
from wegwijzer.accounts.selectors import professional_by_username
from wegwijzer.accounts.services import enrolment_code_issue, user_create
from wegwijzer.audit.context import AccessContext
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.audit.service import access_log_write, access_log_write_many
from wegwijzer.routeguide.engine.situation import SituationError
from wegwijzer.routeguide.service import advise
from wegwijzer.socialmap import selectors as socialmap
from wegwijzer.socialmap.models import Organization

from . import policy, tasks, vocab
from .models import (
    PURGED_LABEL,
    SHORT_TEXT,
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
from .selectors import default_monitor, double_referral_warnings, handover_items, verwijzing_has_consent
from .selectors import gezinsplan_log as _log

Action = AccessLogEntry.Action


class ConflictError(Exception):
    """Optimistic locking: a plan step or the regie changed since the caller read it. Both versions are
    kept here (`mine`: what the caller sent, `theirs`: what is stored now, with its version)."""

    def __init__(self, *, mine: dict[str, Any], theirs: dict[str, Any]):
        super().__init__("Iemand anders heeft dit onderdeel intussen gewijzigd.")
        self.mine = mine
        self.theirs = theirs
        self.access_log_entries: list[dict[str, Any]] = []


def _conflict(
    *,
    actor: Any,
    context: AccessContext | None,
    gezinsplan: Gezinsplan,
    object_type: str,
    object_id: str,
    expected_version: int,
    stored_version: int,
    mine: dict[str, Any],
    theirs: dict[str, Any],
) -> ConflictError:
    """The optimistic-locking refusal: logs the failed update and the read of the stored version (called
    after the write's rollback) and returns the error carrying both versions and those entries, so an outer
    transaction that rolls back can write them again."""
    entries = [
        {
            "context": context,
            "user": actor,
            "action": action,
            "gezinsplan_id": str(gezinsplan.pk),
            "object_type": object_type,
            "object_id": object_id,
            "outcome": outcome,
            "detail": f"conflict version={expected_version} stored={stored_version}",
        }
        for action, outcome in ((Action.UPDATE, "failure"), (Action.READ, "success"))
    ]
    for entry in entries:
        access_log_write(**entry)
    conflict = ConflictError(mine=mine, theirs=theirs)
    conflict.access_log_entries = entries
    return conflict


class DuplicateMemberError(ValidationError):
    """The professional already has a membership of this case that overlaps the asked period (API: 409)."""


def _clean(obj: Any, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude, validate_constraints=False)


def _validate_codes(*, phase: str, wijk: str) -> None:
    errors: dict[str, list[str]] = {}
    if phase and phase not in vocab.phases():
        errors["phase"] = [f"Onbekende fase '{phase}'."]
    if wijk and wijk not in vocab.wijken():
        errors["wijk"] = [f"Onbekende wijk '{wijk}'."]
    if errors:
        raise ValidationError(errors)


def _require_professional(actor: Any) -> None:
    if not is_professional(actor):
        raise policy.NotProfessionalError("Alleen professionals kunnen een gezinsplan starten.")


def _membership_of(
    gezinsplan: Gezinsplan, membership_id: Any, field_name: str, *, current: bool = True
) -> Membership | None:
    """A membership of this case by id (None for empty), or a ValidationError on `field_name`."""
    if membership_id in (None, ""):
        return None
    if isinstance(membership_id, Membership):
        membership = membership_id if membership_id.gezinsplan_id == gezinsplan.pk else None
    else:
        from .selectors import _uuid

        pk = _uuid(membership_id)
        membership = Membership.objects.filter(gezinsplan=gezinsplan, pk=pk).first() if pk else None
    if membership is None or (current and not membership.is_current()):
        raise ValidationError({field_name: ["Dit is geen (huidig) teamlid van dit gezinsplan."]})
    return membership


# ---- the case ----


@transaction.atomic
def gezinsplan_create(
    *,
    actor: Any,
    context: AccessContext | None = None,
    label: str,
    phase: str = "",
    wijk: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    advice_snapshot: dict | None = None,
    content_version: str = "",
) -> Gezinsplan:
    """Start a plan; the creator becomes its first member with their own role and organisation."""
    _require_professional(actor)
    _validate_codes(phase=phase, wijk=wijk)
    now = timezone.now()
    gezinsplan = Gezinsplan(
        label=(label or "").strip(),
        phase=phase or "",
        wijk=wijk or "",
        contact_name=contact_name or "",
        contact_phone=contact_phone or "",
        contact_email=contact_email or "",
        advice_snapshot=advice_snapshot,
        content_version=content_version or "",
        created_by=actor,
        created_at=now,
    )
    _clean(gezinsplan)
    gezinsplan.save()
    Membership.objects.create(
        gezinsplan=gezinsplan,
        user=actor,
        role=actor.role,
        organization_slug=actor.organization_slug or "",
        valid_from=now,
        added_by=actor,
    )
    PlanSection.objects.bulk_create(
        [PlanSection(gezinsplan=gezinsplan, step=step, updated_at=now) for step in Step.values]
    )
    Regie.objects.create(gezinsplan=gezinsplan, updated_by=actor, updated_at=now)
    _log(context, actor, Action.CREATE, gezinsplan)
    return gezinsplan


@transaction.atomic
def gezinsplan_from_advice(
    *,
    actor: Any,
    context: AccessContext | None = None,
    label: str,
    situation: dict,
    advice: dict | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
) -> Gezinsplan:
    """ "Start een gezinsplan" from a route advice: phase and wijk from the situation, the advice as a snapshot."""
    if advice is None:
        try:
            advice = advise(situation, tally=False)
        except SituationError as exc:
            raise ValidationError(
                {f"situation.{name}": messages for name, messages in exc.errors.items()}
            ) from exc
    situation = situation or {}
    return gezinsplan_create(
        actor=actor,
        context=context,
        label=label,
        phase=str(situation.get("phase") or ""),
        wijk=str(situation.get("wijk") or ""),
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        advice_snapshot={"situation": situation, "advice": advice},
        content_version=str((advice or {}).get("content_version") or ""),
    )


GEZINSPLAN_EDITABLE = ("label", "phase", "wijk", "contact_name", "contact_phone", "contact_email")


@transaction.atomic
def gezinsplan_update(*, actor: Any, context: AccessContext | None = None, gezinsplan: Gezinsplan, **changes: Any) -> Gezinsplan:
    """Change the label, phase, wijk or contact data."""
    policy.require(actor, "change", gezinsplan)
    unknown = set(changes) - set(GEZINSPLAN_EDITABLE)
    if unknown:
        raise ValidationError({name: ["Dit veld kan niet worden gewijzigd."] for name in sorted(unknown)})
    gezinsplan = Gezinsplan.objects.select_for_update().get(pk=gezinsplan.pk)
    for name, value in changes.items():
        setattr(gezinsplan, name, (value or "").strip() if isinstance(value, str) or value is None else value)
    _validate_codes(phase=gezinsplan.phase, wijk=gezinsplan.wijk)
    _clean(gezinsplan)
    gezinsplan.save()
    _log(context, actor, Action.UPDATE, gezinsplan, detail="velden=" + ",".join(sorted(changes)))
    return gezinsplan


@transaction.atomic
def gezinsplan_close(*, actor: Any, context: AccessContext | None = None, gezinsplan: Gezinsplan) -> Gezinsplan:
    policy.require(actor, "close", gezinsplan)
    gezinsplan.status = Gezinsplan.Status.CLOSED
    gezinsplan.closed_at = timezone.now()
    gezinsplan.save(update_fields=["status", "closed_at"])
    _log(context, actor, Action.UPDATE, gezinsplan, detail="gesloten")
    return gezinsplan


# ---- the care team ----


@transaction.atomic
def member_add(
    *,
    actor: Any,
    context: AccessContext | None = None,
    gezinsplan: Gezinsplan,
    username: str,
    role: str = "",
    organization_slug: str | None = None,
    valid_from: dt.datetime | None = None,
    valid_to: dt.datetime | None = None,
) -> Membership:
    """Add a professional to the care team. The username must exist and be a professional."""
    policy.require(actor, "change", gezinsplan)
    user = professional_by_username(username)  # case-insensitive when that is unambiguous
    if user is None or not is_professional(user):
        raise ValidationError({"username": ["Er is geen professional met deze gebruikersnaam."]})
    role = role or user.role
    if role not in vocab.roles():
        raise ValidationError({"role": [f"Onbekende rol '{role}'."]})
    membership = Membership(
        gezinsplan=gezinsplan,
        user=user,
        role=role,
        organization_slug=user.organization_slug if organization_slug is None else organization_slug,
        valid_from=valid_from or timezone.now(),
        valid_to=valid_to,
        added_by=actor,
    )
    _clean(membership)  # first: the period must be in range before it is compared or locked on
    # Serialise adds to this case (PostgreSQL row lock), so two concurrent adds cannot both pass the check.
    Gezinsplan.objects.select_for_update().filter(pk=gezinsplan.pk).values_list("pk").first()
    overlapping = Membership.objects.filter(gezinsplan=gezinsplan, user=user).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=membership.valid_from)
    )
    if membership.valid_to is not None:
        overlapping = overlapping.filter(valid_from__lt=membership.valid_to)
    if overlapping.exists():
        raise DuplicateMemberError(
            {"username": ["Deze professional is al lid van het team (of wordt dat al in deze periode)."]}
        )
    try:
        with transaction.atomic():  # savepoint: a constraint violation must not break the outer transaction
            membership.save()
    except IntegrityError as exc:  # the one-open-membership constraint caught a concurrent add
        raise DuplicateMemberError(
            {"username": ["Deze professional is al lid van het team (of wordt dat al in deze periode)."]}
        ) from exc
    _log(context, actor, Action.MEMBER_ADD, gezinsplan, "membership", membership.pk, detail=f"user={user.username}")
    return membership


@transaction.atomic
def member_remove(
    *, actor: Any, context: AccessContext | None = None, gezinsplan: Gezinsplan, membership: Membership
) -> Membership:
    """End a membership now: the member's access to the case ends at once. The last member cannot leave."""
    policy.require(actor, "change", gezinsplan)
    if membership.gezinsplan_id != gezinsplan.pk or not membership.is_current():
        raise ValidationError({"username": ["Dit is geen huidig teamlid van dit gezinsplan."]})
    others = Membership.objects.current().filter(gezinsplan=gezinsplan).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError(
            {"username": ["Het laatste teamlid kan niet vertrekken; sluit het gezinsplan of draag over."]}
        )
    membership.valid_to = max(timezone.now(), membership.valid_from)
    membership.save(update_fields=["valid_to"])
    _log(
        context,
        actor,
        Action.MEMBER_REMOVE,
        gezinsplan,
        "membership",
        membership.pk,
        detail=f"user={membership.user.username}",
    )
    return membership


REGIE_MEMBER_FIELDS = ("lead_member", "support_member", "records_member", "monitors_member", "informs_member")


def regie_as_dict(regie: Regie) -> dict[str, Any]:
    """The stored regie as shown in a conflict (and by the API): member fields as usernames."""
    data: dict[str, Any] = {"lead": regie.lead}
    for name in REGIE_MEMBER_FIELDS:
        member = getattr(regie, name)
        data[name] = member.user.get_username() if member else None
    data.update(
        {
            "informs_text": regie.informs_text,
            "notes": regie.notes,
            "version": regie.version,
            "updated_by": regie.updated_by.get_username() if regie.updated_by else None,
            "updated_at": regie.updated_at.isoformat() if regie.updated_at else None,
        }
    )
    return data


def regie_set(
    *,
    actor: Any,
    context: AccessContext | None = None,
    gezinsplan: Gezinsplan,
    lead: str,
    expected_version: int,
    lead_member: Any = None,
    support_member: Any = None,
    records_member: Any = None,
    monitors_member: Any = None,
    informs_member: Any = None,
    informs_text: str = "",
    notes: str = "",
) -> Regie:
    """Who leads (a member, or the parents with a named supporting member) and the regie agreements.

    Optimistic locking as for the plan steps: saved only if the regie is still at `expected_version`, else
    ConflictError (mine/theirs) and nothing is written; the failed update and the read of the stored
    version are logged after the rollback (and ride on the exception for an outer transaction).
    """
    regie, saved, mine = _regie_write(
        actor=actor,
        context=context,
        gezinsplan=gezinsplan,
        lead=lead,
        expected_version=expected_version,
        members={
            "lead_member": lead_member,
            "support_member": support_member,
            "records_member": records_member,
            "monitors_member": monitors_member,
            "informs_member": informs_member,
        },
        informs_text=informs_text,
        notes=notes,
    )
    if saved:
        return regie
    raise _conflict(
        actor=actor,
        context=context,
        gezinsplan=gezinsplan,
        object_type="regie",
        object_id=str(gezinsplan.pk),
        expected_version=expected_version,
        stored_version=regie.version,
        mine=mine,
        theirs=regie_as_dict(regie),
    )


@transaction.atomic
def _regie_write(
    *,
    actor: Any,
    context: AccessContext | None,
    gezinsplan: Gezinsplan,
    lead: str,
    expected_version: int,
    members: dict[str, Any],
    informs_text: str,
    notes: str,
) -> tuple[Regie, bool, dict[str, Any]]:
    policy.require(actor, "change", gezinsplan)
    errors: dict[str, list[str]] = {}
    if lead not in Regie.Lead.values:
        raise ValidationError({"lead": ["Kies 'member' (een professional) of 'ouders'."]})
    if isinstance(expected_version, bool) or not isinstance(expected_version, int) or expected_version < 0:
        raise ValidationError({"version": ["Geef de versie van de regie die u hebt gelezen."]})
    # The row lock makes concurrent saves wait here; the conditional UPDATE below is the actual guard.
    regie, _created = Regie.objects.select_for_update().get_or_create(gezinsplan=gezinsplan)
    found: dict[str, Membership | None] = {}
    for name in REGIE_MEMBER_FIELDS:
        try:
            found[name] = _membership_of(gezinsplan, members.get(name), name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if lead == Regie.Lead.MEMBER and not found.get("lead_member") and "lead_member" not in errors:
        errors["lead_member"] = ["Kies welk teamlid de regie heeft."]
    if lead == Regie.Lead.OUDERS and not found.get("support_member") and "support_member" not in errors:
        errors["support_member"] = ["Kies welk teamlid de ouders bij de regie ondersteunt."]
    if errors:
        raise ValidationError(errors)
    mine: dict[str, Any] = {"lead": lead}
    for name in REGIE_MEMBER_FIELDS:
        member = found[name]
        mine[name] = member.user.get_username() if member else None
    if lead != Regie.Lead.MEMBER:
        mine["lead_member"] = None
    mine.update(
        {
            "informs_text": informs_text or "",
            "notes": notes or "",
            "version": expected_version,
            "updated_by": actor.get_username(),
        }
    )
    updated = Regie.objects.filter(pk=regie.pk, version=expected_version).update(version=F("version") + 1)
    if updated != 1:
        stored = Regie.objects.select_related(
            "updated_by", *(f"{name}__user" for name in REGIE_MEMBER_FIELDS)
        ).get(pk=regie.pk)
        return stored, False, mine
    regie.lead = lead
    regie.lead_member = found["lead_member"] if lead == Regie.Lead.MEMBER else None
    regie.support_member = found["support_member"]
    regie.records_member = found["records_member"]
    regie.monitors_member = found["monitors_member"]
    regie.informs_member = found["informs_member"]
    regie.informs_text = informs_text or ""
    regie.notes = notes or ""
    regie.updated_by = actor
    regie.updated_at = timezone.now()
    if regie.agreed_at is None:  # the first regie the team saves is the agreed one; later saves change it
        regie.agreed_at = regie.updated_at
    regie.version = expected_version + 1
    _clean(regie)
    regie.save()  # the row is ours (locked, version already bumped); save() also writes the history row
    _log(context, actor, Action.UPDATE, gezinsplan, "regie", gezinsplan.pk, detail=f"version={regie.version}")
    return regie, True, mine


# ---- the five steps ----


def section_as_dict(section: PlanSection) -> dict[str, Any]:
    return {
        "step": section.step,
        "title": section.title,
        "content": section.content,
        "considerations": section.considerations,
        "shared_with_parents": section.shared_with_parents,
        "version": section.version,
        "author": section.author.get_username() if section.author else None,
        "updated_at": section.updated_at.isoformat() if section.updated_at else None,
    }


def plan_section_update(
    *,
    actor: Any,
    context: AccessContext | None = None,
    gezinsplan: Gezinsplan,
    step: int,
    content: str,
    considerations: str,
    expected_version: int,
) -> PlanSection:
    """Save one step, only if nobody saved it since `expected_version` (else ConflictError, nothing lost).

    The write itself is atomic (`_plan_section_write`). On a conflict nothing is written, and the failed
    update plus the read of the stored version (shown to the member) are logged *after* the rollback; the
    entries ride on the exception as `access_log` so an outer transaction that rolls back can re-write them.
    """
    section, saved, mine = _plan_section_write(
        actor=actor,
        context=context,
        gezinsplan=gezinsplan,
        step=step,
        content=content,
        considerations=considerations,
        expected_version=expected_version,
    )
    if saved:
        return section
    raise _conflict(
        actor=actor,
        context=context,
        gezinsplan=gezinsplan,
        object_type="plansection",
        object_id=str(step),
        expected_version=expected_version,
        stored_version=section.version,
        mine=mine,
        theirs=section_as_dict(section),
    )


@transaction.atomic
def _plan_section_write(
    *,
    actor: Any,
    context: AccessContext | None,
    gezinsplan: Gezinsplan,
    step: int,
    content: str,
    considerations: str,
    expected_version: int,
) -> tuple[PlanSection, bool, dict[str, Any]]:
    policy.require(actor, "change", gezinsplan)
    if step not in Step.values:
        raise ValidationError({"step": ["De stap is 1 tot en met 5."]})
    probe = PlanSection(gezinsplan=gezinsplan, step=step, content=content or "", considerations=considerations or "")
    _clean(probe, exclude=["gezinsplan", "author", "version", "updated_at"])
    mine = {
        "step": step,
        "content": probe.content,
        "considerations": probe.considerations,
        "version": expected_version,
        "author": actor.get_username(),
    }
    now = timezone.now()
    updated = PlanSection.objects.filter(gezinsplan=gezinsplan, step=step, version=expected_version).update(
        content=probe.content,
        considerations=probe.considerations,
        author=actor,
        updated_at=now,
        version=expected_version + 1,
    )
    section = PlanSection.objects.select_related("author").get(gezinsplan=gezinsplan, step=step)
    if updated != 1:
        return section, False, mine
    # queryset.update() bypasses simple-history's signals: save once more (same values, row already locked
    # by our UPDATE) so the history gets this version with its author.
    section._history_user = actor  # type: ignore[attr-defined]
    section.save()
    _log(context, actor, Action.UPDATE, gezinsplan, "plansection", step, detail=f"version={section.version}")
    return section, True, mine


@transaction.atomic
def plan_section_share_set(
    *, actor: Any, context: AccessContext | None = None, gezinsplan: Gezinsplan, step: int, shared: bool
) -> PlanSection:
    """Share one step with the parents' view, or stop sharing it; only a member who may change the plan.

    No version bump: the step's text is unchanged, so a colleague editing it meanwhile gets no conflict.
    A change writes one access-log row (the detail says which way); setting the same value again writes none.
    """
    policy.require(actor, "change", gezinsplan)
    if step not in Step.values:
        raise ValidationError({"step": ["De stap is 1 tot en met 5."]})
    section = PlanSection.objects.select_for_update().get(gezinsplan=gezinsplan, step=step)
    shared = bool(shared)
    if section.shared_with_parents != shared:
        # update(), not save(): simple-history would add a "version" row although the text did not change
        PlanSection.objects.filter(pk=section.pk).update(shared_with_parents=shared)
        section.shared_with_parents = shared
        detail = "ouders=ja" if shared else "ouders=nee"
        _log(context, actor, Action.UPDATE, gezinsplan, "plansection", step, detail=detail)
    return section


# ---- agreements ----


def _check_due_date(gezinsplan: Gezinsplan, due_date: dt.date | None) -> None:
    if due_date and due_date < timezone.localtime(gezinsplan.created_at).date():
        raise ValidationError({"due_date": ["De datum ligt vóór de start van het gezinsplan."]})


@transaction.atomic
def agreement_create(
    *,
    actor: Any,
    context: AccessContext | None = None,
    gezinsplan: Gezinsplan,
    what: str,
    owner: Any = None,
    due_date: dt.date | None = None,
    from_meeting: Meeting | None = None,
    from_decision: MeetingDecision | None = None,
) -> Agreement:
    policy.require(actor, "change", gezinsplan)
    owner_membership = _membership_of(gezinsplan, owner, "owner")
    _check_due_date(gezinsplan, due_date)
    if from_meeting is not None and from_meeting.gezinsplan_id != gezinsplan.pk:
        raise ValidationError({"from_meeting": ["Dit MDO hoort niet bij dit gezinsplan."]})
    now = timezone.now()
    agreement = Agreement(
        gezinsplan=gezinsplan,
        what=(what or "").strip(),
        owner=owner_membership,
        due_date=due_date,
        from_meeting=from_meeting,
        from_decision=from_decision,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    _clean(agreement)
    agreement.save()
    _log(context, actor, Action.CREATE, gezinsplan, "agreement", agreement.pk)
    return agreement


_UNSET: Any = object()


@transaction.atomic
def agreement_update(
    *,
    actor: Any,
    context: AccessContext | None = None,
    agreement: Agreement,
    what: str = _UNSET,
    owner: Any = _UNSET,
    due_date: dt.date | None = _UNSET,
    status: str = _UNSET,
) -> Agreement:
    gezinsplan = agreement.gezinsplan
    policy.require(actor, "change", gezinsplan)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    changed = []
    if what is not _UNSET:
        agreement.what = (what or "").strip()
        changed.append("what")
    if owner is not _UNSET:
        agreement.owner = _membership_of(gezinsplan, owner, "owner")
        changed.append("owner")
    if due_date is not _UNSET:
        _check_due_date(gezinsplan, due_date)
        agreement.due_date = due_date
        changed.append("due_date")
    if status is not _UNSET:
        if status not in Agreement.Status.values:
            raise ValidationError({"status": ["Kies open, done of cancelled."]})
        agreement.status = status
        changed.append("status")
    agreement.updated_at = timezone.now()
    _clean(agreement)
    agreement.save()
    _log(context, actor, Action.UPDATE, gezinsplan, "agreement", agreement.pk, detail="velden=" + ",".join(changed))
    return agreement


# ---- consent ----


@transaction.atomic
def consent_record(
    *,
    actor: Any,
    context: AccessContext | None = None,
    gezinsplan: Gezinsplan,
    what: str,
    with_whom: str,
    given_on: dt.date,
    given_by: str = "",
) -> Consent:
    """Record the parents' permission to share `what` with `with_whom`, given on `given_on`."""
    policy.require(actor, "change", gezinsplan)
    consent = Consent(
        gezinsplan=gezinsplan,
        what=(what or "").strip(),
        with_whom=(with_whom or "").strip(),
        given_on=given_on,
        given_by=(given_by or "").strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    _clean(consent)
    consent.save()
    _log(context, actor, Action.CREATE, gezinsplan, "consent", consent.pk)
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor: Any, context: AccessContext | None = None, consent: Consent, withdrawn_on: dt.date | None = None
) -> Consent:
    gezinsplan = consent.gezinsplan
    policy.require(actor, "change", gezinsplan)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValidationError({"withdrawn_on": ["Deze toestemming is al ingetrokken."]})
    consent.withdrawn_on = withdrawn_on or timezone.localdate()
    consent.withdrawn_by = actor
    if consent.withdrawn_on > timezone.localdate():
        raise ValidationError({"withdrawn_on": ["De datum van intrekking ligt in de toekomst."]})
    _clean(consent)
    consent.save()
    _log(context, actor, Action.UPDATE, gezinsplan, "consent", consent.pk, detail="ingetrokken")
    return consent


# ---- MDO ----


@transaction.atomic
def meeting_plan(
    *,
    actor: Any,
    context: AccessContext | None = None,
    gezinsplan: Gezinsplan,
    starts_at: dt.datetime,
    duration_minutes: int = 60,
    location: str = "",
    participants: list[Any] | None = None,
    family_participates: bool = False,
    other_participants: str = "",
    minutes: str = "",
    decisions: list[str] | None = None,
) -> Meeting:
    """Plan (or record) an MDO with team members, the family and other participants; decisions listed."""
    policy.require(actor, "change", gezinsplan)
    if starts_at is None:
        raise ValidationError({"starts_at": ["Geef datum en tijd van het MDO."]})
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    starts_at = starts_at.replace(microsecond=0)
    members: list[Membership] = []
    for item in participants or []:
        found = _membership_of(gezinsplan, item, "participants")
        if found is None:
            raise ValidationError({"participants": ["Dit is geen (huidig) teamlid van dit gezinsplan."]})
        members.append(found)
    meeting = Meeting(
        gezinsplan=gezinsplan,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=(location or "").strip(),
        family_participates=bool(family_participates),
        other_participants=(other_participants or "").strip(),
        minutes=minutes or "",
        created_by=actor,
    )
    _clean(meeting)
    meeting.save()
    meeting.participants.set(members)
    for position, text in enumerate(decisions or []):
        decision = MeetingDecision(meeting=meeting, text=(text or "").strip(), position=position)
        try:
            _clean(decision, exclude=["meeting"])
        except ValidationError as exc:
            raise ValidationError(
                {"decisions": [f"Besluit {position + 1}: " + "; ".join(exc.messages)]}
            ) from exc
        decision.save()
    _log(context, actor, Action.CREATE, gezinsplan, "meeting", meeting.pk)
    return meeting


@transaction.atomic
def meeting_record_minutes(
    *,
    actor: Any,
    context: AccessContext | None = None,
    meeting: Meeting,
    minutes: str,
    decisions: list[str] | None = None,
) -> Meeting:
    gezinsplan = meeting.gezinsplan
    policy.require(actor, "change", gezinsplan)
    meeting.minutes = minutes or ""
    _clean(meeting)
    meeting.save(update_fields=["minutes"])
    start = meeting.decisions.count()
    for offset, text in enumerate(decisions or []):
        decision = MeetingDecision(meeting=meeting, text=(text or "").strip(), position=start + offset)
        _clean(decision, exclude=["meeting"])
        decision.save()
    _log(context, actor, Action.UPDATE, gezinsplan, "meeting", meeting.pk)
    return meeting


@transaction.atomic
def decisions_to_agreements(
    *,
    actor: Any,
    context: AccessContext | None = None,
    meeting: Meeting,
    items: list[dict[str, Any]],
) -> list[Agreement]:
    """Turn MDO decisions into agreements: items of {"decision": id, "owner": membership id, "due_date": date}."""
    gezinsplan = meeting.gezinsplan
    policy.require(actor, "change", gezinsplan)
    created = []
    for item in items:
        decision_id = item.get("decision")
        decision_pk = str(decision_id) if decision_id is not None else ""
        decision = meeting.decisions.filter(pk=int(decision_pk)).first() if decision_pk.isdigit() else None
        if decision is None:
            raise ValidationError({"decision": ["Dit besluit hoort niet bij dit MDO."]})
        if Agreement.objects.filter(from_decision=decision).exists():
            raise ValidationError({"decision": ["Van dit besluit is al een afspraak gemaakt."]})
        created.append(
            agreement_create(
                actor=actor,
                context=context,
                gezinsplan=gezinsplan,
                what=decision.text,
                owner=item.get("owner"),
                due_date=item.get("due_date"),
                from_meeting=meeting,
                from_decision=decision,
            )
        )
    return created


def meeting_ical(meeting: Meeting) -> str:
    """The MDO as an iCalendar invitation (text/calendar). Only minimal personal data: no family label."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Wegwijzer Utrecht//Gezinsplan//NL")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{meeting.pk}@wegwijzer")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + dt.timedelta(minutes=meeting.duration_minutes))
    event.add("summary", "MDO gezinsplan")
    if meeting.location:
        event.add("location", meeting.location)
    names = [str(m.user) for m in meeting.participants.all()]
    if meeting.family_participates:
        names.append("het gezin")
    event.add("description", "Multidisciplinair overleg. Deelnemers: " + (", ".join(names) or "onbekend"))
    cal.add_component(event)
    return cal.to_ical().decode("utf-8")


# ---- warm handover ----


@transaction.atomic
def handover(
    *,
    actor: Any,
    context: AccessContext | None = None,
    gezinsplan: Gezinsplan,
    leaving: Membership,
    successor_username: str = "",
    successor: Membership | None = None,
    note: str = "",
    family_informed: bool = False,
    agreement_owners: Mapping[str, Any] | None = None,
    meeting_participants: Mapping[str, Any] | None = None,
) -> Handover:
    """A warm handover: the successor (a current member, or added now) takes over; the leaver's access ends.

    Everything the leaver still holds moves with it, so nothing stays with someone who can no longer see the
    case: their open agreements (to the successor, or per agreement to the member named in `agreement_owners`,
    agreement id -> membership or its id), their place in MDOs not yet held (likewise `meeting_participants`)
    and their regie roles. Each move is an access-log entry."""
    policy.require(actor, "change", gezinsplan)
    if leaving.gezinsplan_id != gezinsplan.pk or not leaving.is_current():
        raise ValidationError({"leaving": ["Dit is geen huidig teamlid van dit gezinsplan."]})
    if successor is None:
        if not successor_username:
            raise ValidationError({"successor": ["Kies een opvolger."]})
        successor = (
            Membership.objects.current().filter(gezinsplan=gezinsplan, user__username=successor_username).first()
        )
        if successor is None:
            successor = member_add(actor=actor, context=context, gezinsplan=gezinsplan, username=successor_username)
    elif successor.gezinsplan_id != gezinsplan.pk or not successor.is_current():
        raise ValidationError({"successor": ["De opvolger is geen huidig teamlid van dit gezinsplan."]})
    if successor.pk == leaving.pk or successor.user_id == leaving.user_id:
        raise ValidationError({"successor": ["De opvolger is iemand anders dan wie vertrekt."]})
    items = handover_items(gezinsplan, leaving)
    agreement_to = _handover_choices(
        gezinsplan, leaving, agreement_owners, {str(a.pk) for a in items.agreements}, "agreement_owners"
    )
    meeting_to = _handover_choices(
        gezinsplan, leaving, meeting_participants, {str(m.pk) for m in items.meetings}, "meeting_participants"
    )
    record = Handover(
        gezinsplan=gezinsplan,
        leaving=leaving,
        successor=successor,
        note=note or "",
        family_informed=bool(family_informed),
        at=timezone.now(),
        by=actor,
    )
    _clean(record)
    record.save()
    leaving.valid_to = max(record.at, leaving.valid_from)
    leaving.handed_over_to = successor
    leaving.save(update_fields=["valid_to", "handed_over_to"])
    # Regie roles held by the leaver move to the successor; that is a regie change, so its version moves on
    # (a member still editing the old regie then gets the conflict instead of undoing the handover).
    regie = Regie.objects.select_for_update().filter(gezinsplan=gezinsplan).first()
    regie_roles: list[str] = []
    if regie is not None:
        for name in REGIE_MEMBER_FIELDS:
            if getattr(regie, f"{name}_id") == leaving.pk:
                setattr(regie, name, successor)
                regie_roles.append(name)
        if regie_roles:
            regie.version += 1
            regie.updated_by = actor
            regie.updated_at = record.at
            regie.save()
    moves: list[dict[str, Any]] = []

    def moved(object_type: str, object_id: Any, to: Membership, what: str) -> None:
        moves.append(
            {
                "context": context,
                "user": actor,
                "action": Action.HANDOVER,
                "gezinsplan_id": str(gezinsplan.pk),
                "object_type": object_type,
                "object_id": str(object_id),
                "detail": f"{what} van={leaving.user.username} aan={to.user.username}",
            }
        )

    for agreement in items.agreements:
        to = agreement_to.get(str(agreement.pk), successor)
        agreement.owner = to
        agreement.updated_at = record.at
        agreement.save(update_fields=["owner", "updated_at"])
        moved("agreement", agreement.pk, to, "eigenaar")
    for meeting in items.meetings:
        to = meeting_to.get(str(meeting.pk), successor)
        meeting.participants.remove(leaving)
        meeting.participants.add(to)  # a no-op when they already take part
        moved("meeting", meeting.pk, to, "deelnemer")
    for name in regie_roles:  # read under the regie's row lock, not from `items`
        moved("regie", gezinsplan.pk, successor, name)
    access_log_write_many(moves)
    _log(
        context,
        actor,
        Action.HANDOVER,
        gezinsplan,
        "handover",
        record.pk,
        detail=f"van={leaving.user.username} aan={successor.user.username}",
    )
    return record


def _handover_choices(
    gezinsplan: Gezinsplan, leaving: Membership, chosen: Mapping[str, Any] | None, allowed: set[str], field_name: str
) -> dict[str, Membership]:
    """Per-item choices of who takes over (item id -> a current member other than the leaver); empty = the
    successor. An item the leaver does not hold is refused rather than silently moved."""
    result: dict[str, Membership] = {}
    for item_id, target in (chosen or {}).items():
        if str(item_id) not in allowed:
            raise ValidationError({field_name: ["Dit onderdeel is niet van wie vertrekt of is al afgerond."]})
        membership = _membership_of(gezinsplan, target, field_name)
        if membership is None:
            continue
        if membership.pk == leaving.pk or membership.user_id == leaving.user_id:
            raise ValidationError({field_name: ["Kies iemand die in het team blijft."]})
        result[str(item_id)] = membership
    return result


# ---- feedback to GP and JGZ ----


@transaction.atomic
def feedback_send(
    *,
    actor: Any,
    context: AccessContext | None = None,
    gezinsplan: Gezinsplan,
    recipient_role: str,
    recipient_email: str,
    message: str,
) -> Feedback:
    """Record feedback to the GP or JGZ and, after commit, e-mail it in a Django Task (`gezinsplan.tasks`). The
    mail carries no label or contact data of the family: only the sender, the case reference and the message
    the member wrote. The feedback starts as `mail_status=queued`; the task sets sent or failed."""
    policy.require(actor, "change", gezinsplan)
    if recipient_role not in Feedback.Recipient.values:
        raise ValidationError({"recipient_role": ["Kies huisarts of jgz."]})
    feedback = Feedback(
        gezinsplan=gezinsplan,
        recipient_role=recipient_role,
        recipient_email=(recipient_email or "").strip(),
        message=(message or "").strip(),
        sent_by=actor,
        sent_at=timezone.now(),
    )
    _clean(feedback)
    if not feedback.message:
        raise ValidationError({"message": ["Schrijf een bericht."]})
    feedback.save()
    # The mail goes out after commit (gezinsplan.tasks): a mail outage no longer loses the feedback, and a
    # rolled-back feedback never sends a mail. The task records sent/failed on the feedback.
    feedback_id = str(feedback.pk)
    transaction.on_commit(lambda: tasks.feedback_mail_send.enqueue(feedback_id=feedback_id))
    _log(context, actor, Action.CREATE, gezinsplan, "feedback", feedback.pk, detail=f"aan={recipient_role}")
    return feedback


# ---- inviting a colleague who is not registered yet ----


class InvalidInvitation(Exception):
    """The link is unknown, used or expired, or its case is closed (indistinguishable to the caller)."""


def invitation_token_hash(token: str) -> str:
    # Keyed with SECRET_KEY (as the parents' links): a copy of the table alone cannot confirm a token.
    return hmac.new(settings.SECRET_KEY.encode(), (token or "").encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def colleague_invite(
    *,
    actor: Any,
    context: AccessContext | None = None,
    gezinsplan: Gezinsplan,
    name: str,
    email: str,
    organization_slug: str,
    role: str,
) -> tuple[ColleagueInvitation, str]:
    """Invite a colleague who has no account yet to this case: a one-time link by e-mail (after commit).
    Returns the invitation and the raw token (only its hash is stored)."""
    policy.require(actor, "change", gezinsplan)
    name, email, organization_slug = (name or "").strip(), (email or "").strip(), (organization_slug or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Vul de naam van de collega in."]
    elif len(name) > SHORT_TEXT:
        errors["name"] = [f"De naam is te lang (hoogstens {SHORT_TEXT} tekens)."]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Vul een geldig e-mailadres in."]
    else:
        if User.objects.filter(email__iexact=email).exists():
            errors["email"] = ["Er is al een account met dit e-mailadres. Zoek de collega op naam en voeg toe."]
    if not Organization.objects.filter(slug=organization_slug).exists():
        errors["organization_slug"] = ["Kies de organisatie van de collega van de sociale kaart."]
    if role not in vocab.roles():
        errors["role"] = ["Kies de rol van de collega."]
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(32)
    invitation = ColleagueInvitation.objects.create(
        gezinsplan=gezinsplan,
        name=name,
        email=email,
        organization_slug=organization_slug,
        role=role,
        token_hash=invitation_token_hash(token),
        expires_at=timezone.now() + dt.timedelta(hours=settings.COLLEAGUE_INVITE_HOURS),
        created_by=actor,
    )
    _log(context, actor, Action.CREATE, gezinsplan, "uitnodiging", invitation.pk)
    invitation_id = str(invitation.pk)
    transaction.on_commit(lambda: tasks.colleague_invite_mail_send.enqueue(invitation_id=invitation_id, token=token))
    return invitation, token


def _usable_invitation(token: str, *, lock: bool = False) -> ColleagueInvitation:
    qs = ColleagueInvitation.objects.select_related("gezinsplan", "created_by")
    if lock:
        # Only the invitation row: PostgreSQL refuses FOR UPDATE on the nullable side of the joined created_by.
        qs = qs.select_for_update(of=("self",))
    invitation = qs.filter(token_hash=invitation_token_hash(token)).first()
    if (
        invitation is None
        or invitation.used_at is not None
        or invitation.expires_at <= timezone.now()
        or not invitation.gezinsplan.is_open
    ):
        raise InvalidInvitation("Deze uitnodiging is niet (meer) geldig.")
    return invitation


def colleague_invitation_lookup(token: str) -> ColleagueInvitation:
    """The usable invitation for this link, or InvalidInvitation (read only)."""
    return _usable_invitation(token)


@transaction.atomic
def colleague_invitation_accept(
    *, context: AccessContext | None = None, token: str, username: str, password: str
) -> tuple[Any, str]:
    """Use the link once: create the account (the invitation's role, organisation and e-mail, the chosen
    username and password), issue the enrolment code for the authenticator app and add the new professional
    to the case on behalf of whoever invited them. Returns the user and the raw enrolment code.
    All or nothing: a bad username or password leaves the link usable."""
    invitation = _usable_invitation(token, lock=True)
    inviter = invitation.created_by
    if inviter is None or policy.current_membership(inviter, invitation.gezinsplan) is None:
        # Whoever invited has left the team: nobody vouches for the newcomer any more.
        raise InvalidInvitation("Deze uitnodiging is niet (meer) geldig.")
    user = user_create(
        username=username,
        role=invitation.role,
        organization_slug=invitation.organization_slug,
        password=password,
        email=invitation.email,
        created_by=inviter,
    )
    user.first_name = invitation.name[:150]
    user.save(update_fields=["first_name"])
    member_add(
        actor=inviter, context=context, gezinsplan=invitation.gezinsplan, username=user.username, role=invitation.role
    )
    _code, raw = enrolment_code_issue(user=user, issued_by=inviter)
    invitation.used_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["used_at", "user"])
    _log(context, user, Action.UPDATE, invitation.gezinsplan, "uitnodiging", invitation.pk, detail="gebruikt")
    return user, raw


# ---- who is already involved; referrals (verwijzingen) ----


@transaction.atomic
def gezinsplan_involved_set(
    *, actor: Any, context: AccessContext | None = None, gezinsplan: Gezinsplan, involved: list[str]
) -> Gezinsplan:
    """Record "wie is er al betrokken?" (role codes, as the route contract's `involved`)."""
    policy.require(actor, "change", gezinsplan)
    roles = vocab.roles()
    unknown = sorted({code for code in involved if code not in roles})
    if unknown:
        raise ValidationError({"involved": [f"Onbekende rol: {', '.join(unknown)}."]})
    gezinsplan.involved = sorted(set(involved))
    gezinsplan.save(update_fields=["involved"])
    _log(context, actor, Action.UPDATE, gezinsplan, detail="velden=involved")
    return gezinsplan


def _target(kind: str, slug: str) -> tuple[str, str, list[str]]:
    """(kind, name, role codes) of a social-map service or organisation, or a ValidationError."""
    if kind not in Verwijzing.TargetKind.values:
        raise ValidationError({"target_kind": ["Kies service of organisatie."]})
    record = socialmap.service_get(slug) if kind == Verwijzing.TargetKind.SERVICE else socialmap.organization_get(slug)
    if record is None or not slug:
        raise ValidationError({"target": ["Dit staat niet op de sociale kaart."]})
    return record.slug, record.name, sorted(r.slug for r in record.roles.all())


@transaction.atomic
def verwijzing_create(
    *,
    actor: Any,
    context: AccessContext | None = None,
    gezinsplan: Gezinsplan,
    target_kind: str,
    target: str,
    monitors: Any = None,
    consents: list[Any] | None = None,
    note: str = "",
    huisarts_email: str = "",
    jgz_email: str = "",
    accept_double: bool = False,
) -> Verwijzing:
    """Refer the family to a social-map service or organisation (status aangevraagd). The referrer is the
    actor's membership; the monitor defaults to the team's buurtteam or aanvullende-jeugdhulp member (§3).
    A possible double referral is refused with the reasons unless `accept_double` (the member saw them)."""
    policy.require(actor, "change", gezinsplan)
    slug, name, roles = _target(target_kind, target)
    warnings = double_referral_warnings(gezinsplan, target_slug=slug, target_roles=roles)
    if warnings and not accept_double:
        # The code on each message (a dict's own code is dropped): the page asks for confirmation on it.
        messages = [*warnings, "Bevestig als u toch wilt verwijzen."]
        raise ValidationError({"target": [ValidationError(m, code="double") for m in messages]})
    monitor = _membership_of(gezinsplan, monitors, "monitors") or default_monitor(gezinsplan)
    linked = []
    for consent_id in consents or []:
        consent = consent_id if isinstance(consent_id, Consent) else None
        if consent is None:
            from .selectors import _uuid

            pk = _uuid(consent_id)
            consent = Consent.objects.filter(gezinsplan=gezinsplan, pk=pk).first() if pk else None
        if consent is None or consent.gezinsplan_id != gezinsplan.pk:
            raise ValidationError({"consents": ["Deze toestemming hoort niet bij dit gezinsplan."]})
        linked.append(consent)
    now = timezone.now()
    verwijzing = Verwijzing(
        gezinsplan=gezinsplan,
        target_kind=target_kind,
        target_slug=slug,
        target_name=name,
        target_roles=roles,
        referred_by=policy.current_membership(actor, gezinsplan),
        monitors=monitor,
        note=(note or "").strip(),
        huisarts_email=(huisarts_email or "").strip(),
        jgz_email=(jgz_email or "").strip(),
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    _clean(verwijzing)
    verwijzing.save()
    verwijzing.consents.set(linked)
    VerwijzingStatus.objects.create(
        verwijzing=verwijzing, status=verwijzing.status, on=timezone.localdate(), by=actor, at=now
    )
    detail = "dubbel bevestigd" if warnings else ""
    _log(context, actor, Action.CREATE, gezinsplan, "verwijzing", verwijzing.pk, detail=detail)
    _notify(actor=actor, context=context, verwijzing=verwijzing)
    return verwijzing


@transaction.atomic
def verwijzing_status_change(
    *,
    actor: Any,
    context: AccessContext | None = None,
    verwijzing: Verwijzing,
    status: str,
    on: dt.date | None = None,
    reason: str = "",
) -> Verwijzing:
    """The one way a referral's status changes: a dated history row, the access log, and after commit a
    mail to the team and (with the family's active consent linked) feedback to the GP and JGZ. Afgewezen
    needs a reason; op de wachtlijst records the service's current waiting time from the social map."""
    gezinsplan = verwijzing.gezinsplan
    policy.require(actor, "change", gezinsplan)
    verwijzing = Verwijzing.objects.select_for_update().get(pk=verwijzing.pk)
    errors: dict[str, list[str]] = {}
    if status not in Verwijzing.Status.values:
        errors["status"] = ["Kies aangevraagd, geaccepteerd, wachtlijst, gestart, afgerond of afgewezen."]
    elif status == verwijzing.status:
        errors["status"] = ["De verwijzing heeft deze status al."]
    elif not verwijzing.is_open:
        errors["status"] = ["Deze verwijzing is al afgesloten."]
    reason = (reason or "").strip()
    if status == Verwijzing.Status.AFGEWEZEN and not reason:
        errors["reason"] = ["Geef de reden van de afwijzing."]
    on = on or timezone.localdate()
    if on > timezone.localdate():
        errors["on"] = ["De datum ligt in de toekomst."]
    elif on < timezone.localtime(verwijzing.created_at).date():
        errors["on"] = ["De datum ligt vóór de verwijzing."]
    if errors:
        raise ValidationError(errors)
    row = VerwijzingStatus(verwijzing=verwijzing, status=status, on=on, reason=reason, by=actor)
    if status == Verwijzing.Status.WACHTLIJST and verwijzing.target_kind == Verwijzing.TargetKind.SERVICE:
        service = socialmap.service_get(verwijzing.target_slug)
        wait = socialmap.service_current_wait_time(service.pk) if service else None
        if wait is not None:
            row.wait_weeks, row.wait_measured_on = wait.weeks, wait.measured_on
    _clean(row)
    row.save()
    verwijzing.status = status
    if reason:
        verwijzing.reason = reason
    verwijzing.updated_at = timezone.now()
    verwijzing.save(update_fields=["status", "reason", "updated_at"])
    _log(context, actor, Action.UPDATE, gezinsplan, "verwijzing", verwijzing.pk, detail=f"status={status}")
    _notify(actor=actor, context=context, verwijzing=verwijzing)
    return verwijzing


def verwijzing_message(verwijzing: Verwijzing) -> str:
    """The plain-Dutch notice of a referral's status: no label or contact data of the family."""
    text = f"Verwijzing naar {verwijzing.target_name}: {Verwijzing.Status(verwijzing.status).label.lower()}."
    if verwijzing.status == Verwijzing.Status.AFGEWEZEN and verwijzing.reason:
        text += f"\nReden: {verwijzing.reason}"
    return text


def _notify(*, actor: Any, context: AccessContext | None, verwijzing: Verwijzing) -> None:
    """After commit: the team by mail; with the family's active consent, the GP and JGZ through the feedback."""
    gezinsplan = verwijzing.gezinsplan
    verwijzing_id = str(verwijzing.pk)
    transaction.on_commit(lambda: tasks.verwijzing_team_mail.enqueue(verwijzing_id=verwijzing_id, actor_id=actor.pk))
    if not verwijzing_has_consent(verwijzing):
        return
    for role, email in ((Feedback.Recipient.HUISARTS, verwijzing.huisarts_email), (Feedback.Recipient.JGZ, verwijzing.jgz_email)):
        if email:
            feedback_send(
                actor=actor, context=context, gezinsplan=gezinsplan, recipient_role=role, recipient_email=email,
                message=verwijzing_message(verwijzing),
            )


# ---- retention ----


@dataclass
class RetentionReport:
    dry_run: bool
    cutoff: dt.datetime
    gezinsplannen: list[dict[str, Any]] = field(default_factory=list)

    def as_text(self) -> str:
        verb = "Zou verwijderen" if self.dry_run else "Verwijderd"
        lines = [
            f"{verb}: persoonsgegevens van {len(self.gezinsplannen)} gezinsplan(nen) gesloten vóór {self.cutoff:%Y-%m-%d}."
        ]
        lines += [f"- {c['id']} (gesloten {c['closed_at']})" for c in self.gezinsplannen]
        return "\n".join(lines)


def retention_candidates(now: dt.datetime | None = None) -> tuple[dt.datetime, list[Gezinsplan]]:
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.RETENTION_DAYS_AFTER_CLOSE)
    gezinsplannen = list(
        Gezinsplan.objects.filter(
            status=Gezinsplan.Status.CLOSED, closed_at__lt=cutoff, purged_at__isnull=True
        ).order_by("closed_at")
    )
    return cutoff, gezinsplannen


def retention_apply(*, dry_run: bool, now: dt.datetime | None = None) -> RetentionReport:
    """Remove the personal data of cases closed more than RETENTION_DAYS_AFTER_CLOSE days ago.

    Kept: the skeleton (ids, dates, phase, wijk, roles, statuses) and the access log. Removed: label,
    contact data, advice snapshot, plan texts and their history, agreement texts, consent details, MDO
    locations/participants/minutes/decisions, handover notes, feedback addresses and messages.
    Each case is purged in its own transaction and logged as "retention".
    """
    now = now or timezone.now()
    cutoff, gezinsplannen = retention_candidates(now)
    report = RetentionReport(dry_run=dry_run, cutoff=cutoff)
    for gezinsplan in gezinsplannen:
        report.gezinsplannen.append(
            {"id": str(gezinsplan.pk), "closed_at": gezinsplan.closed_at.date().isoformat() if gezinsplan.closed_at else ""}
        )
        if not dry_run:
            _purge(gezinsplan, now)
    return report


@transaction.atomic
def _purge(gezinsplan: Gezinsplan, now: dt.datetime) -> None:
    Gezinsplan.objects.filter(pk=gezinsplan.pk).update(
        label=PURGED_LABEL,
        contact_name="",
        contact_phone="",
        contact_email="",
        advice_snapshot=None,
        purged_at=now,
    )
    sections = PlanSection.objects.filter(gezinsplan=gezinsplan)
    PlanSection.history.filter(gezinsplan_id=gezinsplan.pk).delete()
    sections.update(content="", considerations="")
    Regie.history.filter(gezinsplan_id=gezinsplan.pk).delete()
    Regie.objects.filter(gezinsplan=gezinsplan).update(informs_text="", notes="")
    Agreement.objects.filter(gezinsplan=gezinsplan).update(what=PURGED_LABEL)
    Consent.objects.filter(gezinsplan=gezinsplan).update(what=PURGED_LABEL, with_whom=PURGED_LABEL, given_by="")
    meetings = Meeting.objects.filter(gezinsplan=gezinsplan)
    MeetingDecision.objects.filter(meeting__in=meetings).update(text="")
    meetings.update(location="", other_participants="", minutes="")
    Handover.objects.filter(gezinsplan=gezinsplan).update(note="")
    verwijzingen = Verwijzing.objects.filter(gezinsplan=gezinsplan)
    VerwijzingStatus.objects.filter(verwijzing__in=verwijzingen).update(reason="")
    verwijzingen.update(reason="", note="", huisarts_email="", jgz_email="")
    Gezinsplan.objects.filter(pk=gezinsplan.pk).update(involved=[])
    Feedback.objects.filter(gezinsplan=gezinsplan).update(message="", recipient_email="verwijderd@invalid")
    _log(None, None, Action.RETENTION, gezinsplan, detail="persoonsgegevens verwijderd")
