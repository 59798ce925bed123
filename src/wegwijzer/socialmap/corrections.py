"""Corrections and freshness of the social map (issue 10, items 4–5): services and selectors.

- "Klopt er iets niet?": anyone (logged in or not) reports a problem with one record; it lands in the
  editors' queue (`Correction`) with a status and, when the sender left an e-mail, a reply mailed by a
  Django Task. Rate-limited per client address (kept only as a salted hash), link spam refused.
- Freshness: `assured_date` is the date a person checked a record; a record older than
  `REVIEW_CYCLE_DAYS` is possibly stale, a record with `unconfirmed_source` was never checked.
- Completeness: which records lack phone, e-mail, website, address or opening hours.

Like services.py and selectors.py these take the acting user and an AccessContext, never the request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wegwijzer.audit.context import AccessContext

from .models import Correction, Organization, Role, Service

MESSAGE_MAX = 2000
MESSAGE_MIN = 10
LINKS_MAX = 1  # one link can point at the right page; more is what link spammers send
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\[url=|<a\s")


class CorrectionRefused(Exception):
    """Bad input for a correction: Dutch messages per field (the form shows them, nothing is stored)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class RateLimited(Exception):
    """Too many reports from one client address within the hour."""


class NotAnEditor(Exception):
    """Only an active, two-factor-verified content editor (role `redacteur`) handles the queue."""


# ---------------------------------------------------------------- helpers


def client_hash(context: AccessContext | None) -> str:
    """A salted hash of the client address: enough to count reports per client, not to find the person."""
    address = (context.client_address if context else None) or ""
    if not address:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), f"correction:{address}".encode(), hashlib.sha256).hexdigest()


def _kind(obj: Any) -> str:
    return {Role: "rol", Service: "aanbod"}.get(type(obj), "organisatie")


def _is_editor(user: Any) -> bool:
    """An active content editor (role `redacteur`) after two-factor login. Read off the user model, not
    imported from accounts: accounts already imports the social map (no cycles between apps)."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if getattr(user, "role", "") != getattr(get_user_model(), "ROLE_CONTENT_EDITOR", "redacteur"):
        return False
    check = getattr(user, "is_verified", None)  # django_otp's OTPMiddleware sets it per request
    return bool(check()) if callable(check) else False


# ---------------------------------------------------------------- services


@transaction.atomic
def correction_submit(
    *, record: Role | Organization | Service, topic: str, message: str, reply_email: str = "",
    honeypot: str = "", user: Any = None, context: AccessContext | None = None,
) -> Correction | None:
    """Store one report on `record`, or refuse it (CorrectionRefused / RateLimited) with nothing stored.

    A filled honeypot returns None without storing: the bot sees the same thanks page as a person.
    """
    if honeypot.strip():
        return None
    errors: dict[str, list[str]] = {}
    message = (message or "").replace("\x00", "").strip()
    if topic not in Correction.Topic.values:
        errors["topic"] = [_("Kies waar het over gaat.")]
    if len(message) < MESSAGE_MIN:
        errors["message"] = [_("Beschrijf in een paar woorden wat er niet klopt (minstens 10 tekens).")]
    elif len(message) > MESSAGE_MAX:
        errors["message"] = [_("Houd het kort: hoogstens 2000 tekens.")]
    elif len(_URL.findall(message)) > LINKS_MAX:
        errors["message"] = [_("Noem hoogstens één link; berichten met meer links nemen we niet aan.")]
    reply_email = (reply_email or "").strip()
    if reply_email:
        try:
            validate_email(reply_email)
        except ValidationError:
            errors["reply_email"] = [_("Vul een geldig e-mailadres in, of laat het veld leeg.")]
        if len(reply_email) > 254:
            errors["reply_email"] = [_("Dit e-mailadres is te lang.")]
    if errors:
        raise CorrectionRefused(errors)
    sender = client_hash(context)
    if sender:
        since = timezone.now() - dt.timedelta(hours=1)
        recent = Correction.objects.filter(client_hash=sender, created_at__gte=since).count()
        if recent >= settings.CORRECTION_RATE_PER_HOUR:
            raise RateLimited()
    return Correction.objects.create(
        record_kind=_kind(record), record_slug=record.slug, record_name=record.name[:200], topic=topic,
        message=message, reply_email=reply_email, client_hash=sender,
    )


@transaction.atomic
def correction_update(
    *, correction_id: Any, status: str, reply: str = "", user: Any, context: AccessContext | None = None,
) -> Correction:
    """An editor sets the status and (optionally) a reply; a new reply with an e-mail to send to is mailed
    by a task after the commit. Refuses NotAnEditor, Correction.DoesNotExist, CorrectionRefused."""
    if not _is_editor(user):
        raise NotAnEditor()
    correction = Correction.objects.select_for_update().get(pk=correction_id)
    errors: dict[str, list[str]] = {}
    if status not in Correction.Status.values:
        errors["status"] = [_("Kies een geldige status.")]
    reply = (reply or "").replace("\x00", "").strip()
    if len(reply) > MESSAGE_MAX:
        errors["reply"] = [_("Houd het antwoord kort: hoogstens 2000 tekens.")]
    if errors:
        raise CorrectionRefused(errors)
    new_reply = bool(reply) and reply != correction.reply
    correction.status = status
    correction.reply = reply
    correction.handled_by = user
    if new_reply:
        correction.replied_at = timezone.now()
        if correction.reply_email:
            correction.reply_mail_status = Correction.MailStatus.QUEUED
    correction.save()
    if new_reply and correction.reply_email:
        from .tasks import correction_reply_send

        pk = str(correction.pk)
        transaction.on_commit(lambda: correction_reply_send.enqueue(correction_id=pk))
    return correction


# ---------------------------------------------------------------- selectors


@dataclass(frozen=True)
class Freshness:
    """How fresh a record is, for the page and the editors: checked (with date), stale, or never checked."""

    assured_date: dt.date | None
    unconfirmed_source: str
    stale: bool
    due: dt.date | None

    @property
    def checked(self) -> bool:
        return self.assured_date is not None


def freshness_of(obj: Any, *, today: dt.date | None = None) -> Freshness:
    today = today or timezone.localdate()
    assured = getattr(obj, "assured_date", None)
    due = assured + dt.timedelta(days=settings.REVIEW_CYCLE_DAYS) if assured else None
    return Freshness(
        assured_date=assured, unconfirmed_source=getattr(obj, "unconfirmed_source", "") or "",
        stale=bool(due and due < today), due=due,
    )


def _admin_url(obj: Any) -> str:
    from django.urls import reverse

    return reverse(f"admin:socialmap_{obj._meta.model_name}_change", args=[obj.pk])


def _detail_url(slug: str) -> str:
    from .selectors import detail_url

    return detail_url(slug)


COMPLETENESS_FIELDS = ("phone", "email", "website", "address", "hours")


def completeness_rows(*, user: Any, only_missing: bool = True) -> list[dict[str, Any]]:
    """Every organisation and service with what it lacks (roles have no address, phone or hours of their own:
    they are filled by organisations, so only e-mail and website count for them). Few queries."""
    if not _is_editor(user):
        raise NotAnEditor()
    rows: list[dict[str, Any]] = []
    orgs = Organization.objects.annotate(
        n_phones=Count("phones", distinct=True), n_schedules=Count("schedules", distinct=True),
        n_addresses=Count("locations", filter=~Q(locations__address=""), distinct=True),
    )
    services = Service.objects.annotate(
        n_phones=Count("phones", distinct=True), n_schedules=Count("schedules", distinct=True),
        n_addresses=Count(
            "service_at_locations", filter=~Q(service_at_locations__location__address=""), distinct=True
        ),
    )
    for kind, qs in (("organisatie", orgs), ("aanbod", services)):
        for obj in qs.order_by("name"):
            missing = {
                "phone": not obj.n_phones, "email": not obj.email, "website": not obj.website,
                "address": not obj.n_addresses,
                "hours": not (obj.n_schedules or obj.availability or obj.office_hours_only is not None),
            }
            rows.append(_row(kind, obj, missing))
    for role in Role.objects.order_by("name"):
        rows.append(_row("rol", role, {"email": not role.email, "website": not role.website}))
    if only_missing:
        rows = [r for r in rows if any(r["missing"].values())]
    return rows


def _row(kind: str, obj: Any, missing: dict[str, bool]) -> dict[str, Any]:
    return {
        "kind": kind, "name": obj.name, "slug": obj.slug, "url": _detail_url(obj.slug), "admin_url": _admin_url(obj),
        "missing": missing, "cells": [missing.get(f) for f in COMPLETENESS_FIELDS],
    }


def review_rows(*, user: Any, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Records to check: never checked (unconfirmed source or no date) or past the review cycle, oldest first."""
    if not _is_editor(user):
        raise NotAnEditor()
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=settings.REVIEW_CYCLE_DAYS)
    rows = []
    for kind, model in (("organisatie", Organization), ("aanbod", Service), ("rol", Role)):
        for obj in model.objects.filter(Q(assured_date__isnull=True) | Q(assured_date__lt=cutoff)):
            rows.append({**_row(kind, obj, {}), "assured_date": obj.assured_date,
                         "unconfirmed_source": obj.unconfirmed_source})
    rows.sort(key=lambda r: (r["assured_date"] or dt.date.min, r["name"]))
    return rows


def correction_list(*, user: Any, status: str = "") -> list[Correction]:
    if not _is_editor(user):
        raise NotAnEditor()
    qs = Correction.objects.select_related("handled_by")
    if status in Correction.Status.values:
        qs = qs.filter(status=status)
    return list(qs[:500])


def correction_get(*, user: Any, correction_id: Any) -> Correction:
    if not _is_editor(user):
        raise NotAnEditor()
    return Correction.objects.select_related("handled_by").get(pk=correction_id)


def correction_counts(*, user: Any) -> dict[str, int]:
    if not _is_editor(user):
        raise NotAnEditor()
    counts = dict.fromkeys(Correction.Status.values, 0)
    for row in Correction.objects.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts
