"""A hash chain over the access log, so a rewrite by someone who can bypass the database's refusals
(the schema owner, a superuser, whoever holds the SQLite file) is detectable.

Inserting a log row takes no lock and computes nothing: case reads stay as fast as before. Sealing runs
apart (`wegwijzer audit seal`, on a schedule, and at the start of `wegwijzer audit verify`): it covers
the next rows in id order, at most SEAL_MAX_ROWS per seal, but only rows older than a safety horizon,
and stops before the first younger row. Ids are handed out when a row is inserted, not when its
transaction commits, so a row of a transaction still open could have a lower id than a visible one;
the horizon (and on PostgreSQL the start of the oldest open transaction) keeps such rows out of a seal.

Each seal stores rows_sha256 (SHA-256 over the canonical rows, see `canonical_row`), one short digest
per row (to name a changed, missing or added row), and chain_sha256 over its own fields and the
previous seal's chain_sha256. The newest chain_sha256 is also emitted on the "wegwijzer.audit" logger:
kept off the machine, it is the anchor that makes even a full recomputation of the chain visible
(`wegwijzer audit verify --expect HASH`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AccessLogEntry, AccessLogSeal

FIELDS = (
    "id", "event_id", "occurred_at", "action", "outcome", "user_id", "username", "role",
    "organization_slug", "gezinsplan_id", "object_type", "object_id", "client_address", "detail",
)
GENESIS = "0" * 64
SEAL_MAX_ROWS = 1000
DEFAULT_HORIZON = dt.timedelta(minutes=5)
ROW_DIGEST_CHARS = 16
_LOCK_KEY = 7_513_000_001  # pg_advisory_xact_lock: one sealer at a time, log inserts never wait on it


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if value is None or isinstance(value, (int, str)):
        return value
    return str(value)  # UUID


def canonical_row(values: Sequence[Any]) -> bytes:
    """One row as compact JSON (FIELDS order, UTC times with microseconds) plus a newline."""
    return json.dumps([_plain(v) for v in values], ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def chain_hash(*, previous: str, first_id: int, last_id: int, row_count: int, rows_sha256: str) -> str:
    text = f"wegwijzer-audit-seal-v1|{previous}|{first_id}|{last_id}|{row_count}|{rows_sha256}"
    return hashlib.sha256(text.encode()).hexdigest()


def _digest_rows(rows: Iterable[Sequence[Any]]) -> tuple[str, dict[int, str], int]:
    total = hashlib.sha256()
    per_row: dict[int, str] = {}
    for values in rows:
        line = canonical_row(values)
        total.update(line)
        per_row[int(values[0])] = hashlib.sha256(line).hexdigest()[:ROW_DIGEST_CHARS]
    return total.hexdigest(), per_row, len(per_row)


def _rows(first_id: int, last_id: int, using: str) -> Iterable[Sequence[Any]]:
    return (
        AccessLogEntry.objects.using(using)
        .filter(id__gte=first_id, id__lte=last_id)
        .order_by("id")
        .values_list(*FIELDS)
        .iterator(chunk_size=2000)
    )


def _cutoff(*, now: dt.datetime, horizon: dt.timedelta, using: str) -> dt.datetime:
    start = now
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Sessions of the same role are visible; the app and the sealer run as the runtime role.
            cursor.execute(
                "SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
            )
            oldest = cursor.fetchone()[0]
        if oldest is not None and oldest < start:
            start = oldest
    return start - horizon


def _seal_one(*, cutoff: dt.datetime, max_rows: int, using: str) -> AccessLogSeal | None:
    with transaction.atomic(using=using):
        return _seal_one_locked(cutoff=cutoff, max_rows=max_rows, using=using)


def _seal_one_locked(*, cutoff: dt.datetime, max_rows: int, using: str) -> AccessLogSeal | None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    last = AccessLogSeal.objects.using(using).order_by("-first_id").first()
    first_id = last.last_id + 1 if last else 1
    previous = last.chain_sha256 if last else GENESIS
    pending = AccessLogEntry.objects.using(using).filter(id__gte=first_id)
    young = pending.filter(occurred_at__gte=cutoff).order_by("id").values_list("id", flat=True).first()
    if young is not None:
        pending = pending.filter(id__lt=young)
    ids = list(pending.order_by("id").values_list("id", flat=True)[:max_rows])
    if not ids:
        return None
    last_id = ids[-1]
    rows_sha256, per_row, count = _digest_rows(_rows(first_id, last_id, using))
    seal = AccessLogSeal(
        first_id=first_id,
        last_id=last_id,
        row_count=count,
        rows_sha256=rows_sha256,
        previous_sha256=previous,
        chain_sha256=chain_hash(previous=previous, first_id=first_id, last_id=last_id, row_count=count,
                                rows_sha256=rows_sha256),
        row_digests="\n".join(f"{i}:{h}" for i, h in per_row.items()),
    )
    seal.save(using=using)
    return seal


def seal_pending(
    *, horizon: dt.timedelta = DEFAULT_HORIZON, max_rows: int = SEAL_MAX_ROWS, now: dt.datetime | None = None,
    using: str = "default",
) -> list[AccessLogSeal]:
    """Seal every row older than the horizon that no seal covers yet; returns the new seals."""
    from .service import logger

    cutoff = _cutoff(now=now or timezone.now(), horizon=horizon, using=using)
    seals: list[AccessLogSeal] = []
    while (seal := _seal_one(cutoff=cutoff, max_rows=max_rows, using=using)) is not None:
        seals.append(seal)
        logger.info("seal", first_id=seal.first_id, last_id=seal.last_id, row_count=seal.row_count,
                    chain_sha256=seal.chain_sha256)
    return seals


@dataclass
class Report:
    seals: int = 0
    sealed_rows: int = 0
    unsealed_rows: int = 0
    last_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _parse_digests(text: str) -> dict[int, str]:
    digests: dict[int, str] = {}
    for line in text.splitlines():
        key, _sep, value = line.partition(":")
        if key.strip().lstrip("-").isdigit():
            digests[int(key)] = value
    return digests


def _ids(ids: Iterable[int]) -> str:
    ordered = sorted(ids)
    shown = ", ".join(str(i) for i in ordered[:20])
    return shown + (f" … (+{len(ordered) - 20})" if len(ordered) > 20 else "")


def verify(*, expect: str | None = None, using: str = "default") -> Report:
    """Recompute every seal and the chain; each difference becomes one Dutch line in report.problems."""
    report = Report()
    previous, expected_first = GENESIS, 1
    hashes: set[str] = set()
    for seal in AccessLogSeal.objects.using(using).order_by("first_id").iterator():
        report.seals += 1
        label = _("zegel %(first)s-%(last)s") % {"first": seal.first_id, "last": seal.last_id}
        if seal.first_id > expected_first:
            report.problems.append(
                _("Regels %(first)s-%(last)s vallen onder geen enkel zegel: een zegel ontbreekt.")
                % {"first": expected_first, "last": seal.first_id - 1}
            )
        elif seal.first_id < expected_first:
            report.problems.append(_("%(seal)s overlapt het vorige zegel.") % {"seal": label})
        if seal.previous_sha256 != previous:
            report.problems.append(
                _("%(seal)s: de keten is verbroken (het vorige zegel ontbreekt of is gewijzigd).") % {"seal": label}
            )
        recomputed_chain = chain_hash(previous=seal.previous_sha256, first_id=seal.first_id, last_id=seal.last_id,
                                      row_count=seal.row_count, rows_sha256=seal.rows_sha256)
        if recomputed_chain != seal.chain_sha256:
            report.problems.append(_("%(seal)s: het zegel zelf is gewijzigd.") % {"seal": label})
        rows_sha256, per_row, count = _digest_rows(_rows(seal.first_id, seal.last_id, using))
        if rows_sha256 != seal.rows_sha256 or count != seal.row_count:
            stored = _parse_digests(seal.row_digests)
            missing = stored.keys() - per_row.keys()
            added = per_row.keys() - stored.keys()
            changed = {i for i in stored.keys() & per_row.keys() if stored[i] != per_row[i]}
            details = []
            if changed:
                details.append(_("gewijzigd: regel %(ids)s") % {"ids": _ids(changed)})
            if missing:
                details.append(_("ontbreekt: regel %(ids)s") % {"ids": _ids(missing)})
            if added:
                details.append(_("toegevoegd: regel %(ids)s") % {"ids": _ids(added)})
            if not details:
                details.append(_("de regels kloppen niet met het zegel"))
            report.problems.append(
                _("%(seal)s (%(stored)s regels verzegeld, nu %(now)s): %(details)s.")
                % {"seal": label, "stored": seal.row_count, "now": count, "details": "; ".join(details)}
            )
        report.sealed_rows += seal.row_count
        previous, expected_first = seal.chain_sha256, seal.last_id + 1
        hashes.add(seal.chain_sha256)
    report.last_hash = previous
    before = AccessLogEntry.objects.using(using).filter(id__lt=1).values_list("id", flat=True)
    if before.exists():
        report.problems.append(_("Toegevoegd vóór het eerste zegel: regel %(ids)s.") % {"ids": _ids(before)})
    report.unsealed_rows = AccessLogEntry.objects.using(using).filter(id__gte=expected_first).count()
    if expect and expect.strip().lower() not in hashes:
        report.problems.append(
            _("Het verwachte zegel %(hash)s staat niet (meer) in de keten: de keten is herschreven of ingekort.")
            % {"hash": expect.strip()}
        )
    return report
