"""Providers propose edits to their own records; an editor approves them (four eyes) — issue 10, item 5.

A provider (role `aanbieder`, tied to an organisation) proposes new values for the public fields of its own
organisation, its teams and their services. The proposal stores, per field, the value the provider saw and
the value it proposes; nothing is published. An editor (role `redacteur`) other than the proposer approves
(the values are applied in one transaction, the search change counter bumped, the record's assured_date set
since a person checked it, and simple_history writes the history row) or rejects with a reason. When the record
changed after the proposal was made, approval marks it a conflict instead of overwriting.

Waiting times are not proposed: they publish directly (wait_times.py).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wegwijzer.audit.context import AccessContext
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.audit.service import access_log_write

from . import changes
from .corrections import _is_editor
from .models import EditProposal, Organization, Service
from .wait_times import is_provider

TEXT_MAX = 5000  # a TextField has no limit of its own; a longer text is a paste error, not a description
REPLY_MAX = 2000

# The public fields a provider may propose, in the order the form shows them, with their Dutch labels.
COMMON_FIELDS: tuple[tuple[str, Any], ...] = (
    ("name", gettext_lazy("Naam")),
    ("summary", gettext_lazy("Samenvatting")),
    ("description", gettext_lazy("Wat het biedt")),
    ("target_group", gettext_lazy("Voor wie")),
    ("conditions", gettext_lazy("Voorwaarden")),
    ("application_process", gettext_lazy("Hoe te bereiken")),
    ("availability", gettext_lazy("Beschikbaarheid en openingstijden")),
    ("email", gettext_lazy("E-mail")),
    ("website", gettext_lazy("Website")),
)
SERVICE_FIELDS = (*COMMON_FIELDS, ("while_waiting", gettext_lazy("Tijdens het wachten")))
KINDS: dict[str, Any] = {"organisatie": Organization, "aanbod": Service}


class NotYourRecord(Exception):
    """Not a provider, or another organisation's record: callers answer 404."""


class ProposalRefused(Exception):
    """Bad input: Dutch messages per field; nothing is stored."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class NotAnEditor(Exception):
    """Only an active, two-factor-verified editor handles proposals."""


class OwnProposal(Exception):
    """Four eyes: the proposer never approves (or rejects) their own proposal."""


class AlreadyHandled(Exception):
    """The proposal was approved, rejected or found in conflict before."""


def fields_of(record: Any) -> tuple[tuple[str, Any], ...]:
    return SERVICE_FIELDS if isinstance(record, Service) else COMMON_FIELDS


def kind_of(record: Any) -> str:
    return "aanbod" if isinstance(record, Service) else "organisatie"


def current_values(record: Any) -> dict[str, str]:
    return {name: str(getattr(record, name) or "") for name, _label in fields_of(record)}


# ---------------------------------------------------------------- selectors


def provider_records(*, user: Any) -> list[Any]:
    """The provider's own organisation, its teams and their services (what it may propose edits to)."""
    if not is_provider(user):
        raise NotYourRecord()
    slug = user.organization_slug
    orgs = list(Organization.objects.filter(Q(slug=slug) | Q(parent__slug=slug)).order_by("name"))
    services = list(Service.objects.filter(organizations__in=orgs).distinct().order_by("name"))
    return [*orgs, *services]


def provider_record(*, user: Any, kind: str, slug: str) -> Any:
    """One of the provider's own records, or NotYourRecord (also for unknown kinds and slugs)."""
    model = KINDS.get(kind)
    if model is None:
        raise NotYourRecord()
    record = next((r for r in provider_records(user=user) if isinstance(r, model) and r.slug == slug), None)
    if record is None:
        raise NotYourRecord()
    return record


def provider_proposals(*, user: Any) -> list[EditProposal]:
    """The proposals of the provider's organisation, newest first (status and the editor's reply)."""
    if not is_provider(user):
        raise NotYourRecord()
    return list(EditProposal.objects.filter(organization_slug=user.organization_slug)[:200])


def proposal_list(*, user: Any, status: str = "") -> list[EditProposal]:
    if not _is_editor(user):
        raise NotAnEditor()
    qs = EditProposal.objects.select_related("proposed_by", "handled_by")
    if status in EditProposal.Status.values:
        qs = qs.filter(status=status)
    return list(qs[:500])


def proposal_get(*, user: Any, proposal_id: Any) -> EditProposal:
    if not _is_editor(user):
        raise NotAnEditor()
    return EditProposal.objects.select_related("proposed_by", "handled_by").get(pk=proposal_id)


def proposal_rows(proposal: EditProposal) -> list[dict[str, Any]]:
    """The diff side by side: per changed field its Dutch label, the old, the proposed and the current value."""
    model = KINDS.get(proposal.record_kind, Organization)
    record = model.objects.filter(pk=proposal.record_id).first()
    labels = dict(SERVICE_FIELDS)
    rows = []
    for name, change in proposal.changes.items():
        current = str(getattr(record, name) or "") if record is not None else ""
        rows.append({"field": name, "label": labels.get(name, name), "old": change.get("old", ""),
                     "new": change.get("new", ""), "current": current,
                     "changed_since": record is not None and current != change.get("old", "")})
    return rows


# ---------------------------------------------------------------- checks


def _check(record: Any, data: dict[str, Any]) -> tuple[dict[str, dict[str, str]], dict[str, list[str]]]:
    """The changed fields ({field: {"old", "new"}}) and the problems per field."""
    errors: dict[str, list[str]] = {}
    diff: dict[str, dict[str, str]] = {}
    old = current_values(record)
    for name, label in fields_of(record):
        if name not in data:
            continue
        value = str(data[name] if data[name] is not None else "").replace("\x00", "").replace("\r\n", "\n").strip()
        field = type(record)._meta.get_field(name)
        limit = getattr(field, "max_length", None) or TEXT_MAX
        if name == "name" and not value:
            errors[name] = [_("Vul een naam in.")]
        elif len(value) > limit:
            errors[name] = [_("%(label)s is te lang: hoogstens %(max)s tekens.") % {"label": label, "max": limit}]
        elif name == "email" and value:
            try:
                validate_email(value)
            except ValidationError:
                errors[name] = [_("Vul een geldig e-mailadres in, of laat het veld leeg.")]
        elif name == "website" and value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                errors[name] = [_("Vul een volledig webadres in dat begint met https://, of laat het veld leeg.")]
        if name not in errors and value != old[name]:
            diff[name] = {"old": old[name], "new": value}
    if not errors and not diff:
        errors["form"] = [_("U hebt niets gewijzigd; er is geen voorstel ingediend.")]
    return diff, errors


# ---------------------------------------------------------------- services


@transaction.atomic
def proposal_submit(
    *, user: Any, kind: str, slug: str, data: dict[str, Any], context: AccessContext | None = None,
) -> EditProposal:
    """Store a provider's proposal for one of its own records (nothing published). Refuses NotYourRecord and
    ProposalRefused (with Dutch messages per field)."""
    record = provider_record(user=user, kind=kind, slug=slug)
    diff, errors = _check(record, data)
    if errors:
        raise ProposalRefused(errors)
    proposal = EditProposal.objects.create(
        record_kind=kind_of(record), record_id=record.pk, record_slug=record.slug, record_name=record.name[:200],
        organization_slug=user.organization_slug, changes=diff, proposed_by=user,
    )
    access_log_write(context=context, user=user, action=AccessLogEntry.Action.CREATE, object_type="edit_proposal",
                     object_id=str(proposal.pk), detail=f"{proposal.record_kind}={record.slug}"[:200])
    return proposal


def _handle_start(*, user: Any, proposal_id: Any) -> EditProposal:
    if not _is_editor(user):
        raise NotAnEditor()
    proposal = EditProposal.objects.select_for_update().get(pk=proposal_id)
    if proposal.proposed_by_id is not None and proposal.proposed_by_id == user.pk:
        raise OwnProposal()
    if proposal.status != EditProposal.Status.NEW:
        raise AlreadyHandled()
    return proposal


@transaction.atomic
def proposal_approve(
    *, user: Any, proposal_id: Any, reply: str = "", context: AccessContext | None = None,
) -> EditProposal:
    """Apply a proposal atomically, or mark it a conflict when the record changed since it was made.

    Refuses NotAnEditor, OwnProposal, AlreadyHandled, EditProposal.DoesNotExist, ProposalRefused (reply)."""
    proposal = _handle_start(user=user, proposal_id=proposal_id)
    reply = _check_reply(reply, required=False)
    model = KINDS[proposal.record_kind]
    record = model.objects.select_for_update().filter(pk=proposal.record_id).first()
    now = timezone.now()
    proposal.handled_by, proposal.handled_at, proposal.reply = user, now, reply
    stale = record is None or any(
        str(getattr(record, name) or "") != change["old"] for name, change in proposal.changes.items()
    )
    if stale:
        proposal.status = EditProposal.Status.CONFLICT
        if not reply:
            proposal.reply = _("Het record is gewijzigd nadat u dit voorstel deed. Bekijk de huidige gegevens "
                               "en doe zo nodig een nieuw voorstel.")
        proposal.save()
        access_log_write(context=context, user=user, action=AccessLogEntry.Action.UPDATE,
                         object_type="edit_proposal", object_id=str(proposal.pk), detail="conflict")
        return proposal
    assert record is not None
    for name, change in proposal.changes.items():
        setattr(record, name, change["new"])
    record.full_clean(validate_unique=False, validate_constraints=False)
    record.assured_date = timezone.localdate()  # a person (the editor) checked these facts today
    record.unconfirmed_source = ""
    record._change_reason = _("Voorstel van de aanbieder, goedgekeurd door de redactie")
    record.save()
    changes.changes_record(records=changes.record_keys(record), user=user)
    proposal.status = EditProposal.Status.APPROVED
    proposal.save()
    access_log_write(context=context, user=user, action=AccessLogEntry.Action.UPDATE, object_type="edit_proposal",
                     object_id=str(proposal.pk), detail="goedgekeurd")
    return proposal


@transaction.atomic
def proposal_reject(
    *, user: Any, proposal_id: Any, reply: str, context: AccessContext | None = None,
) -> EditProposal:
    """Reject with a reason (required). Refuses like proposal_approve."""
    proposal = _handle_start(user=user, proposal_id=proposal_id)
    proposal.reply = _check_reply(reply, required=True)
    proposal.status = EditProposal.Status.REJECTED
    proposal.handled_by, proposal.handled_at = user, timezone.now()
    proposal.save()
    access_log_write(context=context, user=user, action=AccessLogEntry.Action.UPDATE, object_type="edit_proposal",
                     object_id=str(proposal.pk), detail="afgewezen")
    return proposal


def _check_reply(reply: str, *, required: bool) -> str:
    reply = (reply or "").replace("\x00", "").strip()
    if required and not reply:
        raise ProposalRefused({"reply": [_("Schrijf de aanbieder waarom u het voorstel afwijst.")]})
    if len(reply) > REPLY_MAX:
        raise ProposalRefused({"reply": [_("Houd het antwoord kort: hoogstens 2000 tekens.")]})
    return reply
