"""Inzicht at scale: every figure's aggregate and the whole overview page, as ratios to a plain COUNT(*).

In one process on a scratch database (SQLite by default; `--postgres URL`, a server URL without a database
name, creates `ww_insight_bench` there and drops it afterwards): migrate, load the content (the social map),
bulk-insert `--tally` anonymous tally rows (default 100,000) over 24 months and the wijken, and `--cases`
gezinsplannen (default 5,000) with consents, referrals, MDOs and feedback; then, in `--rounds` interleaved
rounds, time

    count       SELECT COUNT(*) over the whole tally (the unit: every other time is a ratio to it)
    <slug>      the queries of one figure (Python around them included), for 12 months and the whole city
    page        GET /inzicht/?maanden=12 as a two-factor policy officer, charts cached (the usual case)
    page_cold   the same with the chart cache cleared first (every chart rendered by vl-convert again)
    advice_*    the six advice figures (inzicht/advice.py), read from the advice summary

and, after the rounds, `--refresh-rounds` full refreshes of the advice summary (`insight_summary_refresh(full=True)`,
the release rule-set cache cleared first: one GROUP BY of the tally, the engine once per distinct situation),
with the number of distinct situations and engine runs. 90 % of the tally rows carry the content version of
the loaded rules, 10 % an old version without a release (counted as "onbekende inhoudsversie").

and report medians, ratios and the machine and load average.

    python bench/insight_bench.py [--tally 100000] [--cases 5000] [--rounds 5] [--refresh-rounds 1] [--postgres URL]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_bench import machine  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
BENCH_DB = "ww_insight_bench"


def _psql(server: str, sql: str) -> None:
    subprocess.run(["psql", f"{server}/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True,
                   capture_output=True)


def _fill(n_tally: int, n_cases: int) -> None:
    from django.utils import timezone

    from wegwijzer.core.vocabulary import vocabulary
    from wegwijzer.gezinsplan import models as plan
    from wegwijzer.routeguide import service
    from wegwijzer.routeguide.models import AdviceTally

    rnd = random.Random(14)
    current = service.ruleset().content_version
    voc = vocabulary()
    wijken, phases, concerns = list(voc.wijken), list(voc.phases), list(voc.concerns)
    reporters = list(voc.reporters)
    today = timezone.localdate()
    rows = []
    for _ in range(n_tally):
        picked = sorted(rnd.sample(concerns, rnd.randint(1, 3)))
        rows.append(AdviceTally(
            date=today - timedelta(days=rnd.randrange(730)), phase=rnd.choice(phases), reporter=rnd.choice(reporters),
            wijk=rnd.choice(wijken), concerns=picked, content_version=current if rnd.random() < 0.9 else "v1" * 6,
        ))
    AdviceTally.objects.bulk_create(rows, batch_size=5000)

    now = timezone.now()
    plans = []
    for i in range(n_cases):
        created = now - timedelta(days=rnd.randrange(730), minutes=rnd.randrange(1440))
        closed = created + timedelta(days=rnd.randrange(30, 300)) if rnd.random() < 0.4 else None
        plans.append(plan.Gezinsplan(
            label=f"Gezin {i}", wijk=rnd.choice(wijken), phase=rnd.choice(phases), created_at=created,
            closed_at=closed if closed and closed < now else None,
            status="closed" if closed and closed < now else "open",
        ))
    plan.Gezinsplan.objects.bulk_create(plans, batch_size=2000)
    consents, referrals, meetings, feedback = [], [], [], []
    statuses = [s for s, _label in plan.Verwijzing.Status.choices]
    for p in plans:
        if rnd.random() < 0.6:
            consents.append(plan.Consent(gezinsplan=p, what="delen met het netwerk", with_whom="JGZ",
                                         given_by="ouder", given_on=p.created_at.date()))
        for _ in range(rnd.randint(0, 2)):
            referrals.append(plan.Verwijzing(gezinsplan=p, target_kind="aanbod", target_slug="bench",
                                             target_name="Bench", status=rnd.choice(statuses),
                                             created_at=p.created_at + timedelta(days=rnd.randrange(20))))
        if rnd.random() < 0.5:
            meetings.append(plan.Meeting(gezinsplan=p, starts_at=p.created_at + timedelta(days=rnd.randrange(40))))
        if rnd.random() < 0.3:
            feedback.append(plan.Feedback(gezinsplan=p, recipient_role="huisarts", recipient_email="ha@example.org",
                                          message="bench", sent_at=p.created_at + timedelta(days=rnd.randrange(60))))
    for model, objs in ((plan.Consent, consents), (plan.Verwijzing, referrals), (plan.Meeting, meetings),
                        (plan.Feedback, feedback)):
        model.objects.bulk_create(objs, batch_size=2000)


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _figure_times(filters: Any, scope: Any) -> dict[str, float]:
    """Seconds per figure: the time from the previous figure's table to this one's (its queries and Python).

    Every figure ends in one `figures._table` call, so the clock is read there; no figure code is changed."""
    from wegwijzer.inzicht import figures

    marks: list[float] = []
    original = figures._table

    def marking(*args: Any, **kwargs: Any) -> Any:
        table = original(*args, **kwargs)
        marks.append(time.perf_counter())
        return table

    sections = (
        lambda: figures.route_figures(filters), lambda: figures.wait_figures(filters),
        lambda: figures.learning_figures(filters, scope), lambda: figures.plan_figures(filters),
        lambda: figures.map_figures(filters),
    )
    out: dict[str, float] = {}
    figures._table = marking  # type: ignore[assignment]
    try:
        for section in sections:
            marks.clear()
            start = time.perf_counter()
            built = section()
            end = time.perf_counter()
            # A figure that is no table of counts (waiting weeks per service) makes no mark: it ends the section.
            edges = [start, *marks[: len(built) - 1]]
            edges += [end] * (len(built) + 1 - len(edges))
            for figure, (a, b) in zip(built, zip(edges, edges[1:], strict=False), strict=True):
                out[figure.slug] = b - a
    finally:
        figures._table = original  # type: ignore[assignment]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tally", type=int, default=100_000)
    ap.add_argument("--cases", type=int, default=5_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--refresh-rounds", type=int, default=1)
    ap.add_argument("--postgres", default="", help="PostgreSQL server URL without a database name")
    ap.add_argument("--tag", default="")
    ap.add_argument("--out", type=Path, default=RESULTS / "insight.json")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="ww-insight-bench-"))
    os.environ.update({"WEGWIJZER_VAR_DIR": str(tmp), "LOG_LEVEL": "WARNING",
                       "DJANGO_SETTINGS_MODULE": "wegwijzer.conf.settings", "TASKS_BACKEND": "immediate"})
    os.environ.pop("DATABASE_URL", None)
    database = "sqlite"
    if args.postgres:
        server = args.postgres.rstrip("/")
        _psql(server, f"DROP DATABASE IF EXISTS {BENCH_DB}")
        _psql(server, f"CREATE DATABASE {BENCH_DB}")
        os.environ["DATABASE_URL"] = f"{server}/{BENCH_DB}"
        database = "postgresql"
    try:
        report = _run(args, database)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(tmp, ignore_errors=True)
        if args.postgres:
            _psql(args.postgres.rstrip("/"), f"DROP DATABASE IF EXISTS {BENCH_DB}")

    runs = json.loads(args.out.read_text()) if args.out.exists() else []
    runs.append(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(runs, indent=2) + "\n")
    print(f"{database}: {args.tally} tally rows, {args.cases} cases, {args.rounds} rounds, "
          f"load average {report['load_average_before']} → {report['load_average_after']}")
    print(f"COUNT(*) over the tally: median {report['count_ms']} ms (the unit)")
    print("| what | median ms | ÷ COUNT(*) |")
    print("| --- | --- | --- |")
    for name, r in report["results"].items():
        print(f"| {name} | {r['median_ms']} | {r['ratio']} |")
    print(f"refresh: {report['refresh']}")


def _run(args: argparse.Namespace, database: str) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from wegwijzer.accounts.models import User
    from wegwijzer.inzicht import charts, summary
    from wegwijzer.inzicht.advice import advice_route_figures, advice_wait_figures
    from wegwijzer.inzicht.figures import Filters, Scope, last_months
    from wegwijzer.routeguide.models import AdviceTally

    call_command("migrate", interactive=False, verbosity=0)
    call_command("content", "load", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    started = time.time()
    _fill(args.tally, args.cases)
    fill_s = round(time.time() - started, 1)

    user = User(username="bench-beleid", role="beleid")
    user.set_unusable_password()
    user.save()
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    def page() -> None:
        response = client.get("/inzicht/", {"maanden": "12"})
        assert response.status_code == 200, response.status_code

    def page_cold() -> None:
        charts._svg.cache_clear()
        page()

    filters, scope = Filters(last_months(12)), Scope()
    summary.insight_summary_refresh(full=True)  # the summary the advice figures read
    page()  # warm: imports, the chart engine's start, the connection
    load_before = os.getloadavg()[0]
    samples: dict[str, list[float]] = {}
    for _ in range(args.rounds):  # interleaved, so the shared machine's drifting load hits every measure alike
        samples.setdefault("count", []).append(_timed(lambda: AdviceTally.objects.count()))
        for slug, seconds in _figure_times(filters, scope).items():
            samples.setdefault(slug, []).append(seconds)
        samples.setdefault("advice_route_5", []).append(_timed(lambda: advice_route_figures(filters)))
        samples.setdefault("advice_wait_1", []).append(_timed(lambda: advice_wait_figures(filters)))
        samples.setdefault("count", []).append(_timed(lambda: AdviceTally.objects.count()))
        samples.setdefault("page", []).append(_timed(page))
        samples.setdefault("page_cold", []).append(_timed(page_cold))
    refresh: dict[str, Any] = {"seconds": []}
    for _ in range(args.refresh_rounds):
        summary.reset_rulesets()
        seconds = _timed(lambda: refresh.update(run=summary.insight_summary_refresh(full=True)))
        refresh["seconds"].append(round(seconds, 2))
    run = refresh.pop("run")
    refresh.update(tally_rows=run.tally_rows, groups=run.groups, engine_runs=run.engine_runs, unknown=run.unknown)
    load_after = os.getloadavg()[0]
    unit = statistics.median(samples.pop("count"))
    refresh["ratio"] = round(statistics.median(refresh["seconds"]) / unit, 1)
    results = {
        name: {"median_ms": round(statistics.median(s) * 1000, 2), "ratio": round(statistics.median(s) / unit, 1),
               "samples_ms": [round(x * 1000, 2) for x in s]}
        for name, s in samples.items()
    }
    return {
        "tag": args.tag, "database": database, "tally": args.tally, "cases": args.cases, "rounds": args.rounds,
        "fill_s": fill_s, "started": datetime.fromtimestamp(started).astimezone().isoformat(timespec="seconds"),
        "machine": machine(), "load_average_before": round(load_before, 2), "load_average_after": round(load_after, 2),
        "count_ms": round(unit * 1000, 3), "results": results, "refresh": refresh,
    }


if __name__ == "__main__":
    main()
