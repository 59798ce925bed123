"""Search figures without personal data (issue 14): which queries found nothing, which words are searched most.

The rule (docs/security.md, "Zoekcijfers"): a normalised query is kept in plain text only once it was seen
from at least SEARCH_STATS_MIN_VISITORS (default 5) different visitors, and everything is dropped after
SEARCH_STATS_KEEP_DAYS (default 90).

- A visitor is a logged-in user (so one professional in five sessions is still one visitor) or, without a
  login, the session key; a request with neither is not counted (no cookie is set for this).
- Until a query is kept, the database holds only keyed hashes (HMAC-SHA256 with a key derived from
  SECRET_KEY) of the normalised query and of the visitor, the day and that visitor's counts (SearchPending).
  The plain text is only in this process's memory, in the buffer below, until the flush. The flush that sees
  the threshold reached stores the plain text from the searches it carries (SearchQuery) and moves the
  pending counts to daily counts (SearchQueryDay); later searches of a kept query add to those.
- A query that looks like personal data (an e-mail address, a BSN-like or phone number, a date such as a
  date of birth) is never recorded, not even as a hash.
- No database write per search: searches wait in a per-process buffer, written in one transaction once the
  buffer is SEARCH_STATS_FLUSH_SECONDS old or holds SEARCH_STATS_FLUSH_RECORDS searches (by the search that
  finds it so), and when the process ends. A crash loses the buffered searches: statistics only.
- Search-as-you-type sends "zwan", "zwanger", "zwangerschap" within a second: a query that extends (or is cut
  back from) the same visitor's previous one within SEARCH_STATS_TYPING_SECONDS replaces it in the buffer.
"""

from __future__ import annotations

import atexit
import logging
import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import SearchPending, SearchQuery, SearchQueryDay
from .search.text import words

logger = logging.getLogger("wegwijzer.search")

MAX_TEXT = 200

# --- what is never recorded ------------------------------------------------------------------------------

_EMAIL = re.compile(r"@|\bmailto\b", re.IGNORECASE)
# Separators inside a number ("06-1234 5678", "1234.56.789", "12/03/2024") are dropped before counting digits.
_NUMBER_SEPARATORS = re.compile(r"(?<=\d)[\s.\-/()]+(?=\d)")
_LONG_NUMBER = re.compile(r"\d{7,}|\+\s*\d")  # BSN (9), phone (10; +31…), a date written as digits (6–8)
_NUMERIC_DATE = re.compile(r"(?<!\d)(?:\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})(?!\d)")
_MONTHS = r"jan(?:uari)?|feb(?:ruari)?|maart|mrt|apr(?:il)?|mei|jun(?:i)?|jul(?:i)?|aug(?:ustus)?|sep(?:t|tember)?|okt(?:ober)?|nov(?:ember)?|dec(?:ember)?"
_WORD_DATE = re.compile(rf"\b\d{{1,2}}\s*(?:{_MONTHS})\b\.?(?:\s*\d{{2,4}})?", re.IGNORECASE)


def looks_personal(query: str) -> bool:
    """Whether a raw query may hold personal data: an e-mail address, a BSN-like or phone number, a date."""
    if _EMAIL.search(query) or _NUMERIC_DATE.search(query) or _WORD_DATE.search(query):
        return True
    return bool(_LONG_NUMBER.search(_NUMBER_SEPARATORS.sub("", query)))


def normalise(query: str) -> str:
    """The form a query is counted under: folded words (no case, accents or punctuation), single spaces."""
    return " ".join(words(query))[:MAX_TEXT].strip()


def _hash(kind: str, value: str) -> str:
    return salted_hmac(f"wegwijzer.socialmap.search_stats.{kind}", value, algorithm="sha256").hexdigest()


def visitor_key(*, user: Any, session_key: str | None) -> str | None:
    """Who searched, for counting different visitors: the user when logged in, else the session, else None."""
    if user is not None and getattr(user, "is_authenticated", False) and getattr(user, "pk", None) is not None:
        return f"user:{user.pk}"
    return f"session:{session_key}" if session_key else None


# --- the buffer ------------------------------------------------------------------------------------------


@dataclass
class Seen:
    query_hash: str
    visitor_hash: str
    day: date
    text: str  # the normalised query: in memory only, stored only if the query is or becomes kept
    zero: bool
    at: float


class _Buffer:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: list[Seen] = []
        self.started = time.monotonic()
        self.last_of: dict[str, int] = {}  # visitor hash -> index of their latest item

    def add(self, item: Seen) -> list[Seen] | None:
        """Add one search; the items to flush when the buffer is full or old enough, else None."""
        with self.lock:
            if not self.items:
                self.started = item.at
            index = self.last_of.get(item.visitor_hash)
            previous = self.items[index] if index is not None else None
            if previous is not None and _typed_on(previous, item):
                self.items[index] = item  # type: ignore[index]  # still typing: the later query counts
            else:
                self.last_of[item.visitor_hash] = len(self.items)
                self.items.append(item)
            full = len(self.items) >= int(settings.SEARCH_STATS_FLUSH_RECORDS)
            old = item.at - self.started >= float(settings.SEARCH_STATS_FLUSH_SECONDS)
            return self._take() if full or old else None

    def _take(self) -> list[Seen]:
        items, self.items, self.last_of = self.items, [], {}
        return items

    def take(self) -> list[Seen]:
        with self.lock:
            return self._take()


def _typed_on(previous: Seen, item: Seen) -> bool:
    if item.day != previous.day or item.at - previous.at > float(settings.SEARCH_STATS_TYPING_SECONDS):
        return False
    return item.text.startswith(previous.text) or previous.text.startswith(item.text)


_BUFFER = _Buffer()


def search_seen(*, query: str, visitor: str | None, results: int, filtered: bool = False) -> None:
    """Record one search of the search page (never raises, never writes to the database by itself).

    `results` is how many results were shown; with a filter active a search does not count as "found
    nothing" (the filter, not the query, may be why)."""
    try:
        if not visitor or not isinstance(query, str) or looks_personal(query):
            return
        text = normalise(query)
        if not text:
            return
        item = Seen(query_hash=_hash("query", text), visitor_hash=_hash("visitor", visitor),
                    day=timezone.localdate(), text=text, zero=results == 0 and not filtered, at=time.monotonic())
        batch = _BUFFER.add(item)
        if batch:
            _store(batch)
    except Exception:  # statistics must never break a search
        logger.exception("search stats: search not recorded")


def search_stats_flush() -> int:
    """Write this process's buffered searches now; the number written."""
    batch = _BUFFER.take()
    if batch:
        _store(batch)
    return len(batch)


def search_stats_discard() -> None:
    """Forget the buffer without writing it (tests)."""
    _BUFFER.take()


_purged_on: date | None = None


def _store(batch: list[Seen]) -> None:
    """One transaction for the batch; on a unique clash with another process's flush, once more."""
    global _purged_on
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                _write(batch)
                today = timezone.localdate()
                if _purged_on != today:  # at most once a day per process: drop what is too old
                    search_stats_purge(today=today)
                    _purged_on = today
            return
        except IntegrityError:
            if attempt == 2:
                logger.warning("search stats: %d searches not recorded (concurrent flush)", len(batch))
        except DatabaseError as exc:
            logger.warning("search stats: %d searches not recorded: %s", len(batch), exc)
            return


def _write(batch: list[Seen]) -> None:
    # Counts per (query, visitor, day), and the plain text per query hash (in memory).
    counts: dict[tuple[str, str, date], list[int]] = defaultdict(lambda: [0, 0])
    text_of: dict[str, str] = {}
    for item in batch:
        cell = counts[(item.query_hash, item.visitor_hash, item.day)]
        cell[0] += 1
        cell[1] += int(item.zero)
        text_of[item.query_hash] = item.text
    kept = {q.query_hash: q for q in SearchQuery.objects.filter(query_hash__in=list(text_of))}

    per_kept_day: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0])
    pending: dict[tuple[str, str, date], list[int]] = {}
    for (qh, vh, day), (n, zero) in counts.items():
        if qh in kept:
            cell = per_kept_day[(qh, day)]
            cell[0] += n
            cell[1] += zero
        else:
            pending[(qh, vh, day)] = [n, zero]

    if pending:
        _add_pending(pending)
        hashes = sorted({qh for qh, _vh, _day in pending})
        visitors = (
            SearchPending.objects.filter(query_hash__in=hashes, day__gte=_cutoff()).values("query_hash")
            .annotate(n=Count("visitor_hash", distinct=True)).order_by()
        )
        reached = [row["query_hash"] for row in visitors if row["n"] >= int(settings.SEARCH_STATS_MIN_VISITORS)]
        for qh in reached:  # the threshold is reached in this batch: keep the plain text, move the counts
            query = SearchQuery.objects.create(query_hash=qh, text=text_of[qh], kept_on=timezone.localdate())
            kept[qh] = query
            rows = SearchPending.objects.filter(query_hash=qh)
            for row in rows.values("day").annotate(n=Sum("searches"), z=Sum("zero_results")).order_by():
                cell = per_kept_day[(qh, row["day"])]
                cell[0] += int(row["n"])
                cell[1] += int(row["z"])
            rows.delete()
    if per_kept_day:
        _add_days({(kept[qh], day): cell for (qh, day), cell in per_kept_day.items()})


def _add_pending(pending: dict[tuple[str, str, date], list[int]]) -> None:
    hashes = {qh for qh, _vh, _day in pending}
    existing = {
        (row.query_hash, row.visitor_hash, row.day): row
        for row in SearchPending.objects.select_for_update().filter(
            query_hash__in=hashes, day__in={day for _qh, _vh, day in pending}
        )
    }
    changed, new = [], []
    for key, (n, zero) in pending.items():
        row = existing.get(key)
        if row is None:
            new.append(SearchPending(query_hash=key[0], visitor_hash=key[1], day=key[2], searches=n, zero_results=zero))
        else:
            row.searches += n
            row.zero_results += zero
            changed.append(row)
    SearchPending.objects.bulk_update(changed, ["searches", "zero_results"], batch_size=500)
    SearchPending.objects.bulk_create(new, batch_size=500)


def _add_days(per_day: dict[tuple[SearchQuery, date], list[int]]) -> None:
    existing = {
        (row.query_id, row.day): row
        for row in SearchQueryDay.objects.select_for_update().filter(
            query__in={q for q, _day in per_day}, day__in={day for _q, day in per_day}
        )
    }
    changed, new = [], []
    for (query, day), (n, zero) in per_day.items():
        row = existing.get((query.pk, day))
        if row is None:
            new.append(SearchQueryDay(query=query, day=day, searches=n, zero_results=zero))
        else:
            row.searches += n
            row.zero_results += zero
            changed.append(row)
    SearchQueryDay.objects.bulk_update(changed, ["searches", "zero_results"], batch_size=500)
    SearchQueryDay.objects.bulk_create(new, batch_size=500)


def _cutoff(today: date | None = None) -> date:
    """The first day still kept."""
    return (today or timezone.localdate()) - timedelta(days=int(settings.SEARCH_STATS_KEEP_DAYS) - 1)


def search_stats_purge(*, today: date | None = None) -> dict[str, int]:
    """Drop everything older than SEARCH_STATS_KEEP_DAYS: pending hashes, daily counts, and kept queries with
    no day left. The rows deleted per kind."""
    cutoff = _cutoff(today)
    with transaction.atomic():
        pending, _ = SearchPending.objects.filter(day__lt=cutoff).delete()
        days, _ = SearchQueryDay.objects.filter(day__lt=cutoff).delete()
        queries, _ = SearchQuery.objects.filter(days__isnull=True).delete()
    return {"pending": pending, "days": days, "queries": queries}


@atexit.register
def _flush_at_exit() -> None:  # pragma: no cover - runs when a worker process ends normally
    try:
        search_stats_flush()
    except Exception:  # the interpreter is going away: the buffer is statistics only
        logger.warning("search stats: buffer lost at exit")
