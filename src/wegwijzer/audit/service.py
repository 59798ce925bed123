"""Writing and reading the access log. Every case-data access in the application goes through here.

    access_log_write(context=access_context(request), user=request.user, action=AccessLogEntry.Action.READ, gezinsplan_id=case.public_id,
                     object_type="agreement", object_id=str(agreement.pk))

A read of many cases at once (the case list) appends its rows with `access_log_write_many`: one INSERT
(`bulk_create`) inside the caller's transaction instead of one autocommitted INSERT per row.

Each entry is also emitted as one structured event on the logger "wegwijzer.audit" (for shipping to a
SIEM); the database row is the record of truth.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import structlog
from django.db import transaction
from django.db.models import QuerySet

from .context import AccessContext
from .models import AccessLogEntry

LOGGER_NAME = "wegwijzer.audit"
logger = structlog.wrap_logger(
    logging.getLogger(LOGGER_NAME),
    wrapper_class=structlog.stdlib.BoundLogger,
    processors=[
        structlog.stdlib.filter_by_level,  # render nothing the logger would drop (LOG_LEVEL above INFO)
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.JSONRenderer(ensure_ascii=False),
    ],
)

OUTCOMES = {choice.value for choice in AccessLogEntry.Outcome}
DETAIL_MAX = AccessLogEntry._meta.get_field("detail").max_length or 200


def _user_fields(user: Any) -> dict[str, Any]:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"user_id": None, "username": "", "role": "", "organization_slug": ""}
    return {
        "user_id": user.pk,
        "username": user.get_username()[:150],
        "role": (getattr(user, "role", "") or "")[:64],
        "organization_slug": (getattr(user, "organization_slug", "") or "")[:100],
    }


def _entry(
    *,
    context: AccessContext | None,
    user: Any,
    action: AccessLogEntry.Action,
    gezinsplan_id: str = "",
    object_type: str = "",
    object_id: str = "",
    outcome: str = "success",
    detail: str = "",
    username: str = "",
) -> AccessLogEntry:
    """One checked, unsaved entry (unknown outcomes and actions fail loudly, fields cut to their columns)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"Unknown outcome {outcome!r}; use one of {sorted(OUTCOMES)}.")
    try:  # the enum, or a string that is one of its values: a typo must fail loudly, not log a new action
        action = AccessLogEntry.Action(action)
    except ValueError:
        raise ValueError(f"Unknown action {action!r}; use AccessLogEntry.Action.") from None
    fields = _user_fields(user)
    if not fields["username"] and username:
        fields["username"] = username[:150]
    return AccessLogEntry(
        action=action.value,
        outcome=outcome,
        gezinsplan_id=str(gezinsplan_id or "")[:64],
        object_type=str(object_type or "")[:64],
        object_id=str(object_id or "")[:64],
        client_address=context.client_address if context else None,
        detail=str(detail or "")[:DETAIL_MAX],
        **fields,
    )


def _emit(entry: AccessLogEntry) -> None:
    logger.info(
        "access",
        event_id=str(entry.event_id),
        action=entry.action,
        outcome=entry.outcome,
        occurred_at=entry.occurred_at.isoformat(),
        user_id=entry.user_id,
        username=entry.username,
        role=entry.role,
        organization=entry.organization_slug,
        gezinsplan_id=entry.gezinsplan_id,
        object_type=entry.object_type,
        object_id=entry.object_id,
        client_address=entry.client_address,
        detail=entry.detail,
    )


def access_log_write(
    *,
    context: AccessContext | None,
    user: Any,
    action: AccessLogEntry.Action,
    gezinsplan_id: str = "",
    object_type: str = "",
    object_id: str = "",
    outcome: str = "success",
    detail: str = "",
    username: str = "",
) -> AccessLogEntry:
    """Append one entry to the access log and emit it on the "wegwijzer.audit" logger.

    `context` (from `audit.context.access_context(request)`; None from the command line) gives the
    client address. `user` may be None or anonymous (e.g. a failed login; then `username` is recorded empty unless
    `username` is given). `detail` is short and structural: never free text about a family.
    """
    entry = _entry(
        context=context,
        user=user,
        action=action,
        gezinsplan_id=gezinsplan_id,
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
        detail=detail,
        username=username,
    )
    entry.save()
    _emit(entry)
    return entry


def access_log_write_many(entries: Iterable[Mapping[str, Any]]) -> list[AccessLogEntry]:
    """Append many entries (each the keyword arguments of `access_log_write`) in one INSERT.

    For reads that touch many cases at once (the case list): one row per case as before, but one
    statement and one commit instead of one autocommitted INSERT per row. Every entry is checked before
    anything is written, so a bad one stores none; inside the caller's transaction the rows commit or roll
    back with it. Each row is emitted on the logger after the write, as `access_log_write` does.
    """
    rows = [_entry(**dict(entry)) for entry in entries]
    if not rows:
        return []
    # One batch is all or nothing, also if the backend splits the INSERT; inside the caller's transaction no
    # savepoint (an error rolls the caller back anyway).
    with transaction.atomic(savepoint=False):
        AccessLogEntry.objects.bulk_create(rows)
    for row in rows:
        _emit(row)
    return rows


def access_log_for_gezinsplan(gezinsplan_id: str) -> QuerySet[AccessLogEntry]:
    """The case's access log entries, newest first."""
    return AccessLogEntry.objects.filter(gezinsplan_id=str(gezinsplan_id)).order_by("-occurred_at", "-id")
