"""Writes of the parents' view: grant and revoke (by the regie lead), invitation use, code request and check.

Grant and revoke take the acting professional; the parent-side functions take the access they act for. Every
step writes an access-log row; a parent is logged as user "ouder:<access id>" (no Django user). Mails go out
as Django Tasks on commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wegwijzer.audit.context import AccessContext
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.audit.service import access_log_write
from wegwijzer.gezinsplan import policy
from wegwijzer.gezinsplan.models import Gezinsplan, Regie

from .models import ParentAccess, ParentLoginCode
from .tasks import parent_code_mail_send, parent_invite_mail_send

OBJECT_TYPE = "ouderinzage"


class NotRegieLead(Exception):
    """Only the regie lead (or, with regie at the parents, their supporting member) gives or revokes the view."""


class InvalidInvite(Exception):
    """The link is unknown, used, expired or revoked (indistinguishable to the caller)."""


class CodeRefused(Exception):
    """Wrong, expired or used code, or the view is locked or revoked. `message` is Dutch, for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TooManyCodes(Exception):
    """More codes asked for within the hour than PARENT_CODES_PER_HOUR."""


def parent_actor(access: ParentAccess) -> str:
    """The access log's username for a parent: no personal data, just the access id."""
    return f"ouder:{access.pk}"


def _hash(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def is_regie_lead(user: Any, gezinsplan: Gezinsplan) -> bool:
    membership = policy.current_membership(user, gezinsplan)
    if membership is None:
        return False
    regie = Regie.objects.filter(gezinsplan=gezinsplan).first()
    if regie is None:
        return False
    lead_id = regie.lead_member_id if regie.lead == Regie.Lead.MEMBER else regie.support_member_id
    return lead_id is not None and lead_id == membership.pk


def _require_lead(actor: Any, gezinsplan: Gezinsplan) -> None:
    policy.require(actor, "change", gezinsplan)
    if not is_regie_lead(actor, gezinsplan):
        raise NotRegieLead(_("Alleen de regiehouder kan de ouders inzage geven of die intrekken."))


@transaction.atomic
def parent_access_grant(
    *, actor: Any, context: AccessContext | None, gezinsplan: Gezinsplan, parent_name: str, email: str
) -> tuple[ParentAccess, str]:
    """Give a named parent a view of the plan; mails a one-time link. Returns the access and the raw token."""
    _require_lead(actor, gezinsplan)
    errors: dict[str, list[str]] = {}
    parent_name = (parent_name or "").strip()
    email = (email or "").strip()
    if not parent_name:
        errors["parent_name"] = [_("Vul de naam van de ouder in.")]
    elif len(parent_name) > 200:
        errors["parent_name"] = [_("De naam is te lang (hoogstens 200 tekens).")]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Vul een geldig e-mailadres in.")]
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(32)
    access = ParentAccess.objects.create(
        gezinsplan=gezinsplan,
        parent_name=parent_name,
        email=email,
        invite_token_hash=_hash(token),
        invite_expires_at=timezone.now() + dt.timedelta(hours=settings.PARENT_INVITE_HOURS),
        created_by=actor,
    )
    access_log_write(
        context=context,
        user=actor,
        action=AccessLogEntry.Action.CREATE,
        gezinsplan_id=str(gezinsplan.pk),
        object_type=OBJECT_TYPE,
        object_id=str(access.pk),
    )
    language = get_language()  # the mail in the language of the page it was asked from
    transaction.on_commit(
        lambda: parent_invite_mail_send.enqueue(access_id=str(access.pk), token=token, language=language)
    )
    return access, token


@transaction.atomic
def parent_access_revoke(
    *, actor: Any, context: AccessContext | None, gezinsplan: Gezinsplan, access_id: Any
) -> ParentAccess:
    """Revoke at once: the next request of that parent finds the access revoked and is logged out."""
    _require_lead(actor, gezinsplan)
    access = ParentAccess.objects.select_for_update().filter(gezinsplan=gezinsplan, pk=access_id).first()
    if access is None:
        raise policy.NotFound(_("Inzage niet gevonden."))
    if access.revoked_at is None:
        access.revoked_at = timezone.now()
        access.revoked_by = actor
        access.save(update_fields=["revoked_at", "revoked_by"])
        access_log_write(
            context=context,
            user=actor,
            action=AccessLogEntry.Action.DELETE,
            gezinsplan_id=str(gezinsplan.pk),
            object_type=OBJECT_TYPE,
            object_id=str(access.pk),
            detail="ingetrokken",
        )
    return access


def usable(access: ParentAccess) -> bool:
    plan = access.gezinsplan
    return access.revoked_at is None and plan.purged_at is None


def invite_lookup(token: str) -> ParentAccess:
    """The access of an unused, unexpired invitation link of a usable access, else InvalidInvite."""
    access = (
        ParentAccess.objects.select_related("gezinsplan").filter(invite_token_hash=_hash(token or "")).first()
    )
    if (
        access is None
        or access.invite_used_at is not None
        or access.invite_expires_at <= timezone.now()
        or not usable(access)
    ):
        raise InvalidInvite("Deze link werkt niet (meer).")
    return access


@transaction.atomic
def invite_accept(*, context: AccessContext | None, token: str) -> ParentAccess:
    """Use the link once and mail the first login code."""
    access = invite_lookup(token)
    updated = ParentAccess.objects.filter(pk=access.pk, invite_used_at__isnull=True).update(
        invite_used_at=timezone.now()
    )
    if not updated:  # two clicks at once: only one wins
        raise InvalidInvite("Deze link werkt niet (meer).")
    _code_issue(access=access, context=context)
    return access


def _code_issue(*, access: ParentAccess, context: AccessContext | None) -> None:
    now = timezone.now()
    if access.codes.filter(created_at__gt=now - dt.timedelta(hours=1)).count() >= settings.PARENT_CODES_PER_HOUR:
        raise TooManyCodes(_("U heeft te vaak een code gevraagd. Probeer het over een uur opnieuw."))
    access.codes.filter(used_at__isnull=True).update(used_at=now)  # only the newest code works
    code = f"{secrets.randbelow(1_000_000):06d}"
    ParentLoginCode.objects.create(
        access=access,
        code_hash=_hash(f"{access.pk}:{code}"),
        expires_at=now + dt.timedelta(minutes=settings.PARENT_CODE_MINUTES),
    )
    access_log_write(
        context=context,
        user=None,
        username=parent_actor(access),
        action=AccessLogEntry.Action.CREATE,
        gezinsplan_id=str(access.gezinsplan_id),
        object_type="ouderinzage-code",
        object_id=str(access.pk),
    )
    language = get_language()
    transaction.on_commit(lambda: parent_code_mail_send.enqueue(access_id=str(access.pk), code=code, language=language))


@transaction.atomic
def code_request(*, context: AccessContext | None, email: str) -> ParentAccess | None:
    """A returning parent asks for a code by e-mail address: the newest usable, accepted access gets one.

    None (and no mail) when nothing matches; the page answers the same either way (no address probing)."""
    access = (
        ParentAccess.objects.select_related("gezinsplan")
        .filter(email__iexact=(email or "").strip(), invite_used_at__isnull=False, revoked_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if access is None or not usable(access):
        return None
    _code_issue(access=access, context=context)
    return access


def code_verify(*, context: AccessContext | None, access_id: Any, code: str) -> ParentAccess:
    """Check a code: right → used, counter reset; wrong → counted; PARENT_CODE_ATTEMPTS wrong → locked.

    The refusal is raised after the transaction commits, so the counter and its log row are kept."""
    access, refusal = _code_check(context=context, access_id=access_id, code=code)
    if refusal or access is None:
        raise CodeRefused(refusal)
    return access


@transaction.atomic
def _code_check(*, context: AccessContext | None, access_id: Any, code: str) -> tuple[ParentAccess | None, str]:
    access = ParentAccess.objects.select_for_update().select_related("gezinsplan").filter(pk=access_id).first()
    if access is None or not usable(access):
        return None, _("U heeft geen inzage (meer). Vraag de regiehouder om een nieuwe uitnodiging.")
    now = timezone.now()
    if access.locked_until and access.locked_until > now:
        _log_failed(access, context, "geblokkeerd")
        return access, _("Er is te vaak een verkeerde code ingevuld. Probeer het later opnieuw.")
    latest = access.codes.filter(used_at__isnull=True, expires_at__gt=now).first()
    given = "".join((code or "").split())
    if latest is None or not hmac.compare_digest(latest.code_hash, _hash(f"{access.pk}:{given}")):
        access.failed_codes += 1
        if access.failed_codes >= settings.PARENT_CODE_ATTEMPTS:
            access.locked_until = now + dt.timedelta(minutes=settings.PARENT_LOCK_MINUTES)
            access.failed_codes = 0
            access.codes.filter(used_at__isnull=True).update(used_at=now)
        access.save(update_fields=["failed_codes", "locked_until"])
        _log_failed(access, context, "code onjuist")
        return access, _("Deze code klopt niet of is verlopen. Kijk goed of vraag een nieuwe code.")
    latest.used_at = now
    latest.save(update_fields=["used_at"])
    access.failed_codes = 0
    access.locked_until = None
    access.save(update_fields=["failed_codes", "locked_until"])
    access_log_write(
        context=context,
        user=None,
        username=parent_actor(access),
        action=AccessLogEntry.Action.LOGIN,
        gezinsplan_id=str(access.gezinsplan_id),
        object_type=OBJECT_TYPE,
        object_id=str(access.pk),
    )
    return access, ""


def _log_failed(access: ParentAccess, context: AccessContext | None, detail: str) -> None:
    access_log_write(
        context=context,
        user=None,
        username=parent_actor(access),
        action=AccessLogEntry.Action.LOGIN_FAILED,
        outcome="denied",
        gezinsplan_id=str(access.gezinsplan_id),
        object_type=OBJECT_TYPE,
        object_id=str(access.pk),
        detail=detail,
    )
