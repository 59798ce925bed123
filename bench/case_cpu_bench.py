"""What a case read and the case list cost in CPU, as ratios to the trivial endpoint, through the whole Django stack.

Beside `case_bench.py` (wrk against `wegwijzer serve`), whose ratios on a shared 2-CPU machine move with other
people's load: here each request goes through Django's WSGI handler in this process (the test client, all
middleware, the bearer token, the need-to-know check, the access-log write and its commit), and what is counted is
CPU time — this process's, plus on PostgreSQL the server backend's (from /proc, read around each batch) — which
queueing for a CPU does not inflate. On a CPU-bound server, throughput ratios follow these cost ratios.

    python bench/case_cpu_bench.py [--cases 200] [--batches 7] [--calls 50] [--postgres URL] [--src DIR] [--tag T]

Batches are interleaved (trivial, read, list, trivial, ...); the median batch per endpoint is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
BENCH_DB = "ww_case_cpu_bench"

CHILD = r"""
import json, os, statistics, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from wegwijzer.accounts.services import api_token_issue
from wegwijzer.gezinsplan import services

n, batches, calls = (int(x) for x in sys.argv[1:4])
call_command("migrate", verbosity=0)
User = get_user_model()
user = User(username="bench-prof", role="jgz", organization_slug="jgz-utrecht")
user.set_unusable_password()
user.save()
cases = [services.gezinsplan_create(actor=user, label=f"Gezin {i}", phase="zwangerschap", wijk="overvecht")
         for i in range(n)]
_token, raw = api_token_issue(user=user, name="bench", days=1)
client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {raw}")
targets = {"trivial": "/api/v1/health", "case_read": f"/api/v1/gezinsplannen/{cases[0].pk}",
           "case_list": "/api/v1/gezinsplannen", "case_list_100": "/api/v1/gezinsplannen?per_page=100"}
backend = None
if connection.vendor == "postgresql":
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend = cur.fetchone()[0]
tick = os.sysconf("SC_CLK_TCK")

def backend_cpu():
    if backend is None:
        return 0.0
    fields = open(f"/proc/{backend}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick

for url in targets.values():  # warm: imports, prepared queries, connection
    for _ in range(20):
        assert client.get(url).status_code == 200
out = {name: {"cpu_ms": [], "wall_ms": [], "server_cpu_ms": []} for name in targets}
for _ in range(batches):
    for name, url in targets.items():
        b0, c0, w0 = backend_cpu(), time.process_time(), time.perf_counter()
        for _ in range(calls):
            client.get(url)
        w1, c1, b1 = time.perf_counter(), time.process_time(), backend_cpu()
        out[name]["cpu_ms"].append((c1 - c0) * 1000 / calls)
        out[name]["wall_ms"].append((w1 - w0) * 1000 / calls)
        out[name]["server_cpu_ms"].append((b1 - b0) * 1000 / calls)
print("JSON " + json.dumps({"vendor": connection.vendor, "out": out}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--batches", type=int, default=7)
    ap.add_argument("--calls", type=int, default=50)
    ap.add_argument("--postgres", default="", help="PostgreSQL server URL without a database name")
    ap.add_argument("--src", default=str(REPO / "src"), help="source tree to measure (PYTHONPATH)")
    ap.add_argument("--tag", default="")
    ap.add_argument("--out", type=Path, default=RESULTS / "cases_cpu.json")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="ww-case-cpu-"))
    env = {**os.environ, "WEGWIJZER_VAR_DIR": str(tmp), "LOG_LEVEL": "WARNING", "PYTHONPATH": args.src,
           "DJANGO_SETTINGS_MODULE": "wegwijzer.conf.settings", "TASKS_BACKEND": "immediate"}
    env.pop("DATABASE_URL", None)
    server = args.postgres.rstrip("/")
    if server:
        _psql(server, f"DROP DATABASE IF EXISTS {BENCH_DB}")
        _psql(server, f"CREATE DATABASE {BENCH_DB}")
        env["DATABASE_URL"] = f"{server}/{BENCH_DB}"
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    load_before = os.getloadavg()[0]
    try:
        proc = subprocess.run([sys.executable, "-c", CHILD, str(args.cases), str(args.batches), str(args.calls)],
                              env=env, check=True, capture_output=True, text=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if server:
            _psql(server, f"DROP DATABASE IF EXISTS {BENCH_DB}")
    data = json.loads(next(line for line in proc.stdout.splitlines() if line.startswith("JSON "))[5:])

    def med(xs: list[float]) -> float:
        return sorted(xs)[len(xs) // 2]

    cost = {name: med([c + s for c, s in zip(v["cpu_ms"], v["server_cpu_ms"], strict=True)])
            for name, v in data["out"].items()}
    results = {
        name: {
            "cpu_ms": round(med(v["cpu_ms"]), 3),
            "server_cpu_ms": round(med(v["server_cpu_ms"]), 3),
            "wall_ms": round(med(v["wall_ms"]), 3),
            "cost_ms": round(cost[name], 3),
            "cost_ratio_to_trivial": round(cost["trivial"] / cost[name], 3),
            "wall_ratio": round(med(v["wall_ms"]) / med(data["out"]["trivial"]["wall_ms"]), 2),
        }
        for name, v in data["out"].items()
    }
    report = {"tag": args.tag, "database": data["vendor"], "src": args.src, "cases": args.cases,
              "batches": args.batches, "calls": args.calls, "started": started,
              "load_average": [load_before, os.getloadavg()[0]], "nproc": os.cpu_count(), "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    runs = json.loads(args.out.read_text()) if args.out.exists() else []
    runs.append(report)
    args.out.write_text(json.dumps(runs, indent=2) + "\n")
    print(f"{data['vendor']}, {args.cases} cases ({args.tag or 'untagged'}), load {load_before:.1f}")
    print("| endpoint | CPU ms (app) | CPU ms (db server) | cost ÷ trivial cost (inverse) | wall ms | wall ÷ trivial |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, r in results.items():
        print(f"| {name} | {r['cpu_ms']} | {r['server_cpu_ms']} | {r['cost_ratio_to_trivial']} | {r['wall_ms']} | "
              f"{r['wall_ratio']} |")


def _psql(server: str, sql: str) -> None:
    subprocess.run(["psql", f"{server}/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True,
                   capture_output=True)


if __name__ == "__main__":
    main()
