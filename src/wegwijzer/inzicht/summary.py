"""The advice summary: what the route guide advised for the tallied situations, counted per month, refreshed
periodically so that the figures are a GROUP BY over a small table (docs/inzicht.md, docs/performance.md).

The tally stores the situation, not the advice. A refresh groups the tally by the situation's codes, its
content version and its month (one GROUP BY), runs the rule engine once per distinct (situation, content
version) with the rules of *that* version (a content release; a process-local cache keeps each release's rule
set), and replaces the summary rows of the months it recomputed in one transaction. A tally row whose version
has no release (old data), or whose situation that release no longer accepts, is counted as "onbekende
inhoudsversie", never an error.

When a refresh runs: the overview read asks for one (`summary_refresh_if_stale`) when the newest is older
than INSIGHT_REFRESH_SECONDS, as the Django Task `insight_refresh`; `wegwijzer insight refresh` runs one now.
The project has no scheduler of its own (its other background work is queued by the request that causes it).
"""

from __future__ import annotations

import json
import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.tasks import task
from django.utils import timezone

from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.audit.service import access_log_write
from wegwijzer.routeguide import content, service
from wegwijzer.routeguide.engine import EngineError, RuleSet, evaluate, validate_situation
from wegwijzer.routeguide.models import AdviceTally
from wegwijzer.routeguide.releases import ContentReleaseError, content_release_get, release_folder
from wegwijzer.routeguide.tally import SITUATION_FIELDS, situation_data
from wegwijzer.socialmap import selectors as map_selectors
from wegwijzer.socialmap.models import Service, WaitTime

from .figures import DateMonth
from .models import AdviceSummary, SummaryRefresh

logger = logging.getLogger("wegwijzer.inzicht")
Kind = AdviceSummary.Kind
BABYTHUISZORG = "babythuiszorg"  # the intervention code of content/vocabulary.yaml (rule R-int-babythuiszorg)
OBJECT_TYPE = "inzicht_samenvatting"
KEEP_REFRESHES = 50

# (content_version, route) -> that version's rule set. A release never changes, so a hit is good for the
# process's life; a miss is not kept (the release may be recorded later).
_RULESETS: dict[tuple[str, str], RuleSet] = {}
_RULESETS_LOCK = threading.Lock()


def reset_rulesets() -> None:
    with _RULESETS_LOCK:
        _RULESETS.clear()


def version_ruleset(version: str, route: str) -> RuleSet | None:
    """The rule set whose advice carries `version` for `route`: the content folder's or the live one when they
    carry it, else the content release that holds it; None when there is none (old data)."""
    key = (version, route)
    found = _RULESETS.get(key)
    if found is not None:
        return found
    rules: RuleSet | None = None
    for live_release in (False, True):
        try:
            candidate = service.ruleset(route, live_release=live_release)
        except (ValueError, EngineError, OSError):  # an unknown route here; a release may still know it
            continue
        if candidate.content_version == version:
            rules = candidate
            break
    if rules is None:
        try:
            release = content_release_get(version)
            with release_folder(release) as folder:
                candidate = content.route_ruleset(route, folder)
        except (ContentReleaseError, ValueError, EngineError, OSError) as exc:
            logger.info("insight summary: no rules for version %s of route %s: %s", version, route, exc)
            return None
        rules = candidate if candidate.content_version == version else None
    if rules is not None:
        with _RULESETS_LOCK:
            _RULESETS[key] = rules
    return rules


@dataclass(frozen=True)
class Outcome:
    """What one advice held, as far as the summary counts it."""

    first: str  # the first role to involve ("" when the advice names none)
    laws: tuple[str, ...]
    warnings: tuple[str, ...]
    babythuiszorg: bool
    alongside: tuple[str, ...]  # the roles to involve when Babythuiszorg is advised
    pointed: frozenset[str]  # slugs of social-map services the advice pointed to (see _pointed)


class _Map:
    """The social map as the waiting-list count needs it, read once per refresh (map data, not tally rows)."""

    def __init__(self) -> None:
        self.org_services: dict[str, set[str]] = defaultdict(set)
        through = Service.organizations.through.objects.values_list("organization__slug", "service__slug")
        for org, slug in through:
            self.org_services[org].add(slug)
        self.waits: dict[str, list[tuple[date, str, int]]] = defaultdict(list)
        for slug, wijk, weeks, measured_on in WaitTime.objects.order_by("measured_on", "created_at").values_list(
            "service__slug", "wijk__slug", "weeks", "measured_on"
        ):
            self.waits[slug].append((measured_on, wijk or "", weeks))
        self._waiting: dict[tuple[date, str], frozenset[str]] = {}

    def pointed(self, first: str, interventions: Iterable[str], wijk: str) -> frozenset[str]:
        """The advised offers (a service per intervention code) and the services of the organisations the
        advice names as first contact for the wijk (socialmap.contacts_for_roles, today's map)."""
        out = set(interventions)
        if first:
            for contact in map_selectors.contacts_for_roles([first], wijk or None):
                out |= self.org_services.get(contact.get("slug", ""), set())
        return frozenset(out)

    def waiting(self, month: date, wijk: str) -> frozenset[str]:
        """Services with a waiting list in that month: the newest figure for the whole service or for the wijk,
        measured on or before the month's last day (today for this month), is at least 1 week and not stale
        on that day (WAIT_TIME_STALE_DAYS)."""
        key = (month, wijk)
        found = self._waiting.get(key)
        if found is None:
            on = min(_next_month(month) - timedelta(days=1), timezone.localdate())
            stale_before = on - timedelta(days=int(settings.WAIT_TIME_STALE_DAYS))
            out = set()
            for slug, rows in self.waits.items():
                current = None
                for measured_on, row_wijk, weeks in rows:  # oldest first: the last that fits is the newest
                    if measured_on > on:
                        break
                    if row_wijk in ("", wijk):
                        current = (measured_on, weeks)
                if current is not None and current[1] >= 1 and current[0] >= stale_before:
                    out.add(slug)
            found = self._waiting[key] = frozenset(out)
        return found


def _next_month(month: date) -> date:
    return month.replace(year=month.year + (month.month == 12), month=month.month % 12 + 1)


def _month(value: Any) -> date:
    text = value if isinstance(value, str) else value.strftime("%Y-%m")
    return date(int(text[:4]), int(text[5:7]), 1)


def _outcome(group: dict[str, Any], version: str, the_map: _Map, missing: set[tuple[str, str]]) -> Outcome | None:
    if (version, group["route"]) in missing:  # looked for once per run, not once per situation
        return None
    rules = version_ruleset(version, group["route"])
    if rules is None:
        missing.add((version, group["route"]))
        return None
    try:
        situation = validate_situation(situation_data(group), rules.vocabulary)
        advice = evaluate(situation, rules)
    except (ValueError, EngineError) as exc:  # the release no longer accepts this situation
        logger.info("insight summary: situation not replayed with %s: %s", version, exc)
        return None
    first = advice.involve[0] if advice.involve else ""
    with_btz = BABYTHUISZORG in advice.interventions
    return Outcome(
        first=first, laws=tuple(dict.fromkeys(advice.laws)), warnings=tuple(dict.fromkeys(advice.warnings)),
        babythuiszorg=with_btz, alongside=tuple(dict.fromkeys(advice.involve)) if with_btz else (),
        pointed=the_map.pointed(first, advice.interventions, group["wijk"] or ""),
    )


def _counts(outcome: Outcome | None, waiting: frozenset[str]) -> list[tuple[str, str]]:
    """The (kind, code) pairs one advised situation adds 1 to."""
    if outcome is None:
        return [(Kind.ADVICE, ""), (Kind.UNKNOWN, "")]
    return [
        (Kind.ADVICE, ""), (Kind.FIRST, outcome.first),
        *((Kind.LAW, law) for law in outcome.laws), *((Kind.WARNING, w) for w in outcome.warnings),
        (Kind.BABYTHUISZORG, "ja" if outcome.babythuiszorg else "nee"),
        *((Kind.BABYTHUISZORG_WITH, role) for role in outcome.alongside),
        (Kind.WAITING, "ja" if outcome.pointed & waiting else "nee"),
    ]


def _since(full: bool) -> date | None:
    """The first month to recompute: all (None) for a full refresh or the first one; else the month of the day
    before the last run began (rows of an advice reach the tally seconds to minutes late, docs/inzicht.md)."""
    if full:
        return None
    last = SummaryRefresh.objects.filter(finished_at__isnull=False).values_list("requested_at", flat=True).first()
    if last is None:
        return None
    return (timezone.localdate(last) - timedelta(days=1)).replace(day=1)


_LOCK_KEY = 7_513_000_002  # pg_advisory_xact_lock key of the summary refresh (audit.seal uses ..._001)


def insight_summary_refresh(*, actor: Any = None, full: bool = False) -> SummaryRefresh:
    """Recompute the advice summary (every month with `full`, else from the month of the previous run) and
    replace those months' rows in one transaction. Running it twice gives the same rows. `actor`: the user
    of `wegwijzer insight refresh`, None for the task."""
    started = timezone.now()
    since = _since(full)
    tally = AdviceTally.objects.all()
    if since is not None:
        tally = tally.filter(date__gte=since)
    groups = (tally.annotate(_m=DateMonth("date")).values("_m", "content_version", *SITUATION_FIELDS)
              .annotate(_n=Count("id")).order_by())
    the_map = _Map()
    outcomes: dict[str, Outcome | None] = {}
    missing: set[tuple[str, str]] = set()
    cells: dict[tuple[date, str, str, str, str, str], int] = defaultdict(int)
    stats = {"rows": 0, "groups": 0, "runs": 0, "unknown": 0}
    for group in groups:  # one row per distinct (month, situation, version), not per tally row
        n, month, version = int(group["_n"]), _month(group["_m"]), group["content_version"]
        wijk = group["wijk"] or ""
        key = json.dumps([version, {k: group[k] for k in SITUATION_FIELDS}], sort_keys=True, default=str)
        if key not in outcomes:
            outcomes[key] = _outcome(group, version, the_map, missing)
            stats["runs"] += 1
        outcome = outcomes[key]
        stats["rows"] += n
        stats["groups"] += 1
        stats["unknown"] += n if outcome is None else 0
        waiting = the_map.waiting(month, wijk) if outcome is not None else frozenset()
        for kind, code in _counts(outcome, waiting):
            cells[(month, wijk, group["route"], version, kind, code)] += n
    rows = [AdviceSummary(month=m, wijk=w, route=r, content_version=v, kind=k, code=c, count=n)
            for (m, w, r, v, k, c), n in cells.items()]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Two refreshes at once: the second waits here, then replaces the first's rows. Without it, its
            # DELETE would not see the rows the first just inserted, and its INSERT would break the unique key.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        old = AdviceSummary.objects.all()
        if since is not None:
            old = old.filter(month__gte=since)
        old.delete()
        AdviceSummary.objects.bulk_create(rows, batch_size=1000)
        run = SummaryRefresh.objects.create(
            requested_at=started, finished_at=timezone.now(), since=since, tally_rows=stats["rows"],
            groups=stats["groups"], engine_runs=stats["runs"], unknown=stats["unknown"],
        )
        keep = SummaryRefresh.objects.values_list("pk", flat=True)[:KEEP_REFRESHES]
        SummaryRefresh.objects.exclude(pk__in=list(keep)).delete()
        access_log_write(
            context=None, user=actor, action=AccessLogEntry.Action.UPDATE, object_type=OBJECT_TYPE,
            object_id=str(run.pk),
            detail=f"since={since or 'alle'} tally={stats['rows']} groups={stats['groups']} runs={stats['runs']}",
        )
    return run


@task
def insight_refresh() -> int:
    """The Django Task: refresh the advice summary from the month of the previous run; the rows counted."""
    return insight_summary_refresh().tally_rows


def summary_refresh_if_stale() -> None:
    """Queue `insight_refresh` when the newest refresh (run or asked for) is older than INSIGHT_REFRESH_SECONDS.
    The request is a row, so every worker sees it and a busy page queues one task, not one per view."""
    seconds = float(settings.INSIGHT_REFRESH_SECONDS)
    newest = SummaryRefresh.objects.aggregate(at=Max("requested_at"))["at"]
    if newest is not None and (timezone.now() - newest).total_seconds() < seconds:
        return
    SummaryRefresh.objects.create()
    try:
        insight_refresh.enqueue()
    except Exception as exc:  # the page shows the last summary; the next read after the interval asks again
        logger.warning("insight summary: refresh not queued: %s: %s", type(exc).__name__, exc)


# ------------------------------------------------------------------ selectors


def summary_refreshed_at() -> Any:
    """When the summary was last brought up to date (None: never)."""
    return SummaryRefresh.objects.filter(finished_at__isnull=False).aggregate(at=Max("finished_at"))["at"]


def summary_counts(*, kind: str, start: date, end_exclusive: date, wijk: str = "",
                   by_month: bool = False) -> dict[tuple[str, str], int]:
    """(month 'YYYY-MM' or '', code) -> count of one kind over the months in [start, end_exclusive), one GROUP BY."""
    qs = AdviceSummary.objects.filter(kind=kind, month__gte=start, month__lt=end_exclusive)
    if wijk:
        qs = qs.filter(wijk=wijk)
    fields = ("month", "code") if by_month else ("code",)
    out: dict[tuple[str, str], int] = {}
    for item in qs.values(*fields).annotate(_n=Sum("count")).order_by():
        month = item["month"].strftime("%Y-%m") if by_month else ""
        out[(month, item["code"])] = int(item["_n"])
    return out
