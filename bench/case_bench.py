"""Case reads under load: a case read and the case list (200 cases) as ratios to the trivial endpoint.

Same approach as bench/http_bench.py: `wegwijzer serve` (gunicorn gthread) on a scratch database, driven by
wrk over loopback, every endpoint reported as a ratio to the trivial view measured in the same run on the
same server. One professional is a member of `--cases` cases and reads them with a bearer token:

    trivial    GET /api/v1/health
    case read  GET /api/v1/gezinsplannen/<id>      (need-to-know check, one access-log row)
    case list  GET /api/v1/gezinsplannen           (its first page: 20 of the --cases cases, each shown case logged)
    case list  GET /api/v1/gezinsplannen?per_page=100   (the largest page: 100 rows logged per request)

Two loads per endpoint: `--connections` concurrent clients (throughput ratio = endpoint req/s ÷ trivial
req/s) and one client (median latency ratio = endpoint p50 ÷ trivial p50). SQLite by default; with
`--postgres URL` (a server URL without a database name, e.g. postgres://postgres@127.0.0.1:5432) a scratch
database `ww_case_bench` is created there and dropped afterwards. `--src DIR` serves another source tree
(e.g. an exported older commit) for a before/after comparison.

    python bench/case_bench.py [--duration 10] [--connections 50] [--postgres URL] [--src DIR] [--tag NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_bench import LUA_REPORT, free_port, machine, wait_for  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
BENCH_DB = "ww_case_bench"

SETUP = r"""
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from wegwijzer.accounts.services import api_token_issue
from wegwijzer.gezinsplan import services

n = int(sys.argv[1])
User = get_user_model()
user = User(username="bench-prof", role="jgz", organization_slug="jgz-utrecht")
user.set_unusable_password()
user.save()
cases = [
    services.gezinsplan_create(actor=user, label=f"Gezin {i}", phase="zwangerschap", wijk="overvecht")
    for i in range(n)
]
_token, raw = api_token_issue(user=user, name="bench", days=1)
print(json.dumps({"token": raw, "case": str(cases[0].pk)}))
"""


def run_wrk(url: str, *, connections: int, duration: int, lua_extra: str = "") -> dict:
    """http_bench's wrk run, with no more wrk threads than connections (wrk refuses -t 2 -c 1)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua_extra + LUA_REPORT)
        script = f.name
    threads = str(min(2, connections))
    out = subprocess.run(
        ["wrk", "-t", threads, "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s", "-s", script, url],
        capture_output=True, text=True, check=True,
    ).stdout
    os.unlink(script)
    data = json.loads(re.search(r"^JSON (.*)$", out, re.M).group(1))
    data["rps"] = round(data["requests"] / (data["duration_us"] / 1e6), 1)
    for k in ("p50", "p95", "p99", "max"):
        data[k + "_ms"] = round(data.pop(k) / 1000, 2)
    return data


def _psql(server: str, sql: str) -> None:
    subprocess.run(["psql", f"{server}/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True,
                   capture_output=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=50)
    # `wegwijzer serve`'s own defaults (WEB_WORKERS, WEB_THREADS): the layout the product runs with. Until
    # 2026-12-07 this bench used 8 threads, which measured a layout nobody runs (docs/performance.md).
    ap.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", os.cpu_count() or 2)))
    ap.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--postgres", default="", help="PostgreSQL server URL without a database name")
    ap.add_argument("--src", default=str(REPO / "src"), help="source tree to serve (PYTHONPATH)")
    ap.add_argument("--tag", default="", help="name of this run in the results file")
    ap.add_argument("--rounds", type=int, default=1,
                    help="loaded runs of the three endpoints, interleaved; ratios are the median over rounds")
    ap.add_argument("--out", type=Path, default=RESULTS / "cases.json")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")

    tmp = Path(tempfile.mkdtemp(prefix="ww-case-bench-"))
    env = {**os.environ, "WEGWIJZER_VAR_DIR": str(tmp), "LOG_LEVEL": "WARNING", "PYTHONPATH": args.src,
           "DJANGO_SETTINGS_MODULE": "wegwijzer.conf.settings", "TASKS_BACKEND": "immediate"}
    env.pop("DATABASE_URL", None)
    database = "sqlite"
    if args.postgres:
        server = args.postgres.rstrip("/")
        _psql(server, f"DROP DATABASE IF EXISTS {BENCH_DB}")
        _psql(server, f"CREATE DATABASE {BENCH_DB}")
        env["DATABASE_URL"] = f"{server}/{BENCH_DB}"
        database = "postgresql"
    ww = [sys.executable, "-m", "wegwijzer.cli"]
    server_proc = None
    try:
        subprocess.run([*ww, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        setup = subprocess.run([sys.executable, "-c", SETUP, str(args.cases)], env=env, check=True,
                               capture_output=True, text=True).stdout
        data = json.loads(setup.strip().splitlines()[-1])
        port = free_port()
        server_proc = subprocess.Popen(
            [*ww, "serve", "--port", str(port), "--workers", str(args.workers), "--threads", str(args.threads),
             "--no-task-worker"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for(port)
        base = f"http://127.0.0.1:{port}/api/v1"
        auth = f'wrk.headers["Authorization"] = "Bearer {data["token"]}"\n'
        targets = {
            "trivial": (f"{base}/health", ""),
            "case_read": (f"{base}/gezinsplannen/{data['case']}", auth),
            "case_list": (f"{base}/gezinsplannen", auth),
            "case_list_100": (f"{base}/gezinsplannen?per_page=100", auth),
        }
        for url, lua in targets.values():  # warm every worker (imports, connections, token cache)
            run_wrk(url, connections=args.connections, duration=2, lua_extra=lua)
        load1 = time.time()
        # Interleaved rounds: on a shared machine the background load drifts within seconds, so each round's
        # ratios compare endpoints measured moments apart, and the median over rounds is reported.
        rounds: list[dict[str, dict]] = []
        singles: list[dict[str, dict]] = []
        for _ in range(args.rounds):
            rounds.append({name: run_wrk(url, connections=args.connections, duration=args.duration, lua_extra=lua)
                           for name, (url, lua) in targets.items()})
            single = {}
            for name, (url, lua) in targets.items():
                time.sleep(2)  # let the server drain what the loaded run left queued
                run_wrk(url, connections=1, duration=1, lua_extra=lua)
                single[name] = run_wrk(url, connections=1, duration=args.duration, lua_extra=lua)
            singles.append(single)
        loaded, single = rounds[len(rounds) // 2], singles[len(singles) // 2]
        load_avg = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    finally:
        if server_proc is not None:
            server_proc.terminate()
            server_proc.wait(15)
        shutil.rmtree(tmp, ignore_errors=True)
        if args.postgres:
            _psql(args.postgres.rstrip("/"), f"DROP DATABASE IF EXISTS {BENCH_DB}")

    results = {}
    for name in targets:
        throughput = sorted(r[name]["rps"] / max(r["trivial"]["rps"], 0.1) for r in rounds)
        latency = sorted(s[name]["p50_ms"] / max(s["trivial"]["p50_ms"], 0.001) for s in singles)
        results[name] = {
            "loaded": loaded[name],
            "one_client": single[name],
            "throughput_ratio": round(statistics.median(throughput), 3),
            "p50_ratio_one_client": round(statistics.median(latency), 2),
            "throughput_ratio_per_round": [round(x, 3) for x in throughput],
            "p50_ratio_per_round": [round(x, 2) for x in latency],
        }
    report = {
        "tag": args.tag, "database": database, "cases": args.cases, "src": args.src,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(load1)), "load_average_after": load_avg,
        "machine": machine(), "connections": args.connections, "duration_s": args.duration,
        "server": {"workers": args.workers, "threads": args.threads, "server": "gunicorn gthread"},
        "rounds": args.rounds, "results": results,
    }
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    runs = json.loads(out.read_text()) if out.exists() else []
    runs.append(report)
    out.write_text(json.dumps(runs, indent=2) + "\n")
    print(f"{database}, {args.cases} cases, {args.connections} connections ({args.tag or 'untagged'})")
    print("| endpoint | req/s | ÷ trivial | p95 ms | 1 client p50 ms | p50 ÷ trivial | errors |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, r in results.items():
        lo, one = r["loaded"], r["one_client"]
        print(f"| {name} | {lo['rps']} | {r['throughput_ratio']} | {lo['p95_ms']} | {one['p50_ms']} | "
              f"{r['p50_ratio_one_client']} | {lo['errors'] + lo['non2xx'] + one['errors'] + one['non2xx']} |")
    if args.rounds > 1:
        for name, r in results.items():
            print(f"{name}: throughput ratio per round {r['throughput_ratio_per_round']}, "
                  f"one-client p50 ratio per round {r['p50_ratio_per_round']}")


if __name__ == "__main__":
    main()
