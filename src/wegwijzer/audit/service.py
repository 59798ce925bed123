"""Writing and reading the access log. Every case-data access in the application goes through here.

    access_log_write(context=access_context(request), user=request.user, action=AccessLogEntry.Action.READ, gezinsplan_id=case.public_id,
                     object_type="agreement", object_id=str(agreement.pk))

A read of many cases at once (the case list) appends its rows with `access_log_append_many` (or
`access_log_write_many`, which also gives the entries back): one multi-row INSERT instead of one autocommitted
INSERT per row, inside the caller's transaction when there is one.

Each entry is also emitted as one structured event on the logger "wegwijzer.audit" (for shipping to a
SIEM); the database row is the record of truth.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import structlog
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from wegwijzer.audit.sqlite_turn import write_turn

from .context import AccessContext
from .models import AccessLogEntry, new_event_id

LOGGER_NAME = "wegwijzer.audit"
_stdlib_logger = logging.getLogger(LOGGER_NAME)
logger = structlog.wrap_logger(
    _stdlib_logger,
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


# The columns of one INSERT, in model order (all but the id, which the database hands out).
_FIELDS = tuple(f for f in AccessLogEntry._meta.concrete_fields if not f.primary_key)
_ATTNAMES = tuple(f.attname for f in _FIELDS)
# Columns whose Python value the backend stores differently (UUID as hex on SQLite, an aware datetime as text,
# the address through the backend's adapter); every other column is a str or int already.
_CONVERTED = frozenset({"event_id", "occurred_at", "client_address"})
_EVENT = _ATTNAMES.index("event_id")
_CASE = _ATTNAMES.index("gezinsplan_id")
_ROWS_PER_STATEMENT = 500  # × 13 parameters: far below SQLite's 32,766 and PostgreSQL's 65,535


def _row(
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
    occurred_at: Any = None,
    user_fields: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One checked entry as column values (unknown outcomes and actions fail loudly, fields cut to their columns)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"Unknown outcome {outcome!r}; use one of {sorted(OUTCOMES)}.")
    try:  # the enum, or a string that is one of its values: a typo must fail loudly, not log a new action
        action = AccessLogEntry.Action(action)
    except ValueError:
        raise ValueError(f"Unknown action {action!r}; use AccessLogEntry.Action.") from None
    fields = dict(user_fields) if user_fields is not None else _user_fields(user)
    if not fields["username"] and username:
        fields["username"] = username[:150]
    return {
        "event_id": new_event_id(),
        "action": action.value,
        "occurred_at": occurred_at or timezone.now(),
        "outcome": outcome,
        **fields,
        "gezinsplan_id": str(gezinsplan_id or "")[:64],
        "object_type": str(object_type or "")[:64],
        "object_id": str(object_id or "")[:64],
        "client_address": context.client_address if context else None,
        "detail": str(detail or "")[:DETAIL_MAX],
    }


def _prepared(connection: Any) -> tuple[Callable[[dict[str, Any]], list[Any]], Callable[[Any], Any]]:
    """The database values of a row, and of an event id: the converted columns go through their field
    once per distinct value (one timestamp, one address per request); an event id, new in every row,
    straight through its field."""
    memo: dict[tuple[str, Any], Any] = {}
    converted = [(i, f) for i, f in enumerate(_FIELDS) if f.attname in _CONVERTED and f.attname != "event_id"]
    event_field = _FIELDS[_EVENT]

    def event_value(value: Any) -> Any:
        return event_field.get_db_prep_save(value, connection)

    def values_of(row: dict[str, Any]) -> list[Any]:
        values = [row[a] for a in _ATTNAMES]
        values[_EVENT] = event_value(values[_EVENT])
        for i, field in converted:
            value = values[i]
            if value is not None:
                key = (field.attname, value)
                if key not in memo:
                    memo[key] = field.get_db_prep_save(value, connection)
                values[i] = memo[key]
        return values

    return values_of, event_value


def _insert(rows: list[list[Any]], *, returning: bool) -> list[int]:
    """Append rows of database values (`_prepared`) with one multi-row INSERT per 500 (the ids, in row
    order, if `returning`).

    Not `bulk_create`: for the case list's 200 rows its per-value field conversion (2,600 calls) cost more
    than the database's work.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    table = quote(AccessLogEntry._meta.db_table)
    columns = ", ".join(quote(str(f.column)) for f in _FIELDS)
    placeholders = "(" + ", ".join(["%s"] * len(_FIELDS)) + ")"
    tail = f" RETURNING {quote(str(AccessLogEntry._meta.pk.column))}" if returning else ""
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _ROWS_PER_STATEMENT):
            chunk = rows[start : start + _ROWS_PER_STATEMENT]
            params = [value for row in chunk for value in row]
            values = ", ".join([placeholders] * len(chunk))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}{tail}", params)  # noqa: S608 - names from the model
            if returning:
                ids.extend(int(r[0]) for r in cursor.fetchall())
    return ids


def _write(
    rows: list[dict[str, Any]], *, returning: bool, values: list[list[Any]] | None = None
) -> list[int]:
    """The rows in one statement, or (beyond 500) several in one transaction: all or nothing either way.
    Inside the caller's transaction no savepoint (an error rolls the caller back anyway). `values`: the
    rows' database values when the caller has them already (`access_log_append_reads`)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if values is None:
        values_of, _event_value = _prepared(connection)
        values = [values_of(row) for row in rows]
    if len(rows) <= _ROWS_PER_STATEMENT:
        # One (autocommitted) statement: on SQLite the host's writers take turns (audit.sqlite_turn).
        with write_turn(connection):
            ids = _insert(values, returning=returning)
    else:
        with transaction.atomic(savepoint=False):
            ids = _insert(values, returning=returning)
    if logger_enabled():
        for row in rows:
            _emit(row)
    return ids


def _entry(row: dict[str, Any], pk: int) -> AccessLogEntry:
    """The stored row as a model instance (as loaded from the database: saving it again is refused)."""
    return AccessLogEntry.from_db(DEFAULT_DB_ALIAS, ("id", *_ATTNAMES), (pk, *(row[a] for a in _ATTNAMES)))


def logger_enabled() -> bool:
    """Whether the "wegwijzer.audit" logger passes INFO: asked once per write instead of building and
    dropping one event per row (the level filter would drop them all the same)."""
    return _stdlib_logger.isEnabledFor(logging.INFO)


def _emit(row: dict[str, Any]) -> None:
    logger.info(
        "access",
        event_id=str(row["event_id"]),
        action=row["action"],
        outcome=row["outcome"],
        occurred_at=row["occurred_at"].isoformat(),
        user_id=row["user_id"],
        username=row["username"],
        role=row["role"],
        organization=row["organization_slug"],
        gezinsplan_id=row["gezinsplan_id"],
        object_type=row["object_type"],
        object_id=row["object_id"],
        client_address=row["client_address"],
        detail=row["detail"],
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
    row = _row(
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
    (pk,) = _write([row], returning=True)
    return _entry(row, pk)


def access_log_append(
    *,
    context: AccessContext | None,
    user: Any,
    action: AccessLogEntry.Action,
    gezinsplan_id: str = "",
    object_type: str = "",
    object_id: str = "",
    detail: str = "",
) -> None:
    """`access_log_write` for a caller that needs no entry back (a case read): the same checked row, one
    INSERT, without reading its id back or building a model instance."""
    row = _row(
        context=context, user=user, action=action, gezinsplan_id=gezinsplan_id, object_type=object_type,
        object_id=object_id, detail=detail,
    )
    _write([row], returning=False)


def _rows(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every entry checked before anything is written; one timestamp for the batch (one read, one moment),
    and the user's fields computed once per user."""
    now = timezone.now()
    users: dict[int, dict[str, Any]] = {}
    rows = []
    for entry in entries:
        user = entry.get("user")
        fields = users.get(id(user))
        if fields is None:
            fields = users[id(user)] = _user_fields(user)
        rows.append(_row(**dict(entry), occurred_at=now, user_fields=fields))
    return rows


def access_log_write_many(entries: Iterable[Mapping[str, Any]]) -> list[AccessLogEntry]:
    """Append many entries (each the keyword arguments of `access_log_write`) in one INSERT.

    For reads that touch many cases at once (the case list): one row per case as before, but one
    statement and one commit instead of one autocommitted INSERT per row. Every entry is checked before
    anything is written, so a bad one stores none; inside the caller's transaction the rows commit or roll
    back with it. Each row is emitted on the logger after the write, as `access_log_write` does.
    """
    rows = _rows(entries)
    if not rows:
        return []
    return [_entry(row, pk) for row, pk in zip(rows, _write(rows, returning=True), strict=True)]


def access_log_append_many(entries: Iterable[Mapping[str, Any]]) -> int:
    """`access_log_write_many` for a caller that needs no entries back (the case list): the same rows in
    the same one INSERT, without reading the ids back or building 200 model instances. Returns the count."""
    rows = _rows(entries)
    if rows:
        _write(rows, returning=False)
    return len(rows)


def access_log_append_reads(
    *, context: AccessContext | None, user: Any, gezinsplan_ids: Iterable[Any], object_type: str, detail: str = ""
) -> int:
    """One "read" row per case in `gezinsplan_ids`, all alike but for the case (the case list): the entry is
    checked and built once and copied per case, instead of once per case as `access_log_append_many` does.
    Same rows, same one INSERT; returns the count."""
    base = _row(context=context, user=user, action=AccessLogEntry.Action.READ, object_type=object_type, detail=detail)
    rows = [{**base, "event_id": new_event_id(), "gezinsplan_id": str(pk)[:64]} for pk in gezinsplan_ids]
    if not rows:
        return 0
    # Every row is the base row with its own event id and case: convert the base once, copy it per row.
    values_of, event_value = _prepared(connections[DEFAULT_DB_ALIAS])
    template = values_of(base)
    values = []
    for row in rows:
        row_values = template.copy()
        row_values[_EVENT] = event_value(row["event_id"])
        row_values[_CASE] = row["gezinsplan_id"]
        values.append(row_values)
    _write(rows, returning=False, values=values)
    return len(rows)


def access_log_for_gezinsplan(gezinsplan_id: str) -> QuerySet[AccessLogEntry]:
    """The case's access log entries, newest first."""
    return AccessLogEntry.objects.filter(gezinsplan_id=str(gezinsplan_id)).order_by("-occurred_at", "-id")
