"""HTTP under load: p50/p95/p99 of real endpoints vs a trivial view, 50 concurrent clients on loopback.

Starts `wegwijzer serve` on a scratch SQLite database filled with the real Utrecht content, then drives it
with wrk (Debian package `wrk`; C, so the load generator steals little CPU from the server). Each endpoint is
reported on its own and as a ratio to the trivial view measured in the same run on the same server.

    .venv/bin/python bench/http_bench.py [--duration 15] [--connections 50]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WW = REPO / ".venv" / "bin" / "wegwijzer"  # with PYTHONPATH=<other tree>/src it serves that tree's code
RESULTS = REPO / "bench" / "results"

ADVICE_BODY = {
    "phase": "zwangerschap",
    "reporter": "verloskundige",
    "wijk": "overvecht",
    "concerns": ["jong-ouderschap", "geen-netwerk"],
    "buurtteam_involved": False,
}

LUA_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("JSON {\\"requests\\": %d, \\"errors\\": %d, \\"non2xx\\": %d, \\"duration_us\\": %d, \\"p50\\": %d, \\"p95\\": %d, \\"p99\\": %d, \\"max\\": %d}\\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, timeout: float = 120) -> None:
    """Until the health endpoint answers 200 twenty times in a row (every worker booted, on a loaded box too)."""
    deadline = time.time() + timeout
    answered = 0
    while time.time() < deadline and answered < 20:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=5) as response:
                answered = answered + 1 if response.status == 200 else 0
        except OSError:
            answered = 0
            time.sleep(0.2)
    if answered < 20:
        raise SystemExit("server did not start")


def run_wrk(url: str, *, connections: int, duration: int, lua_extra: str = "") -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua_extra + LUA_REPORT)
        script = f.name
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s", "-s", script, url],
        capture_output=True, text=True, check=True,
    ).stdout
    os.unlink(script)
    data = json.loads(re.search(r"^JSON (.*)$", out, re.M).group(1))
    data["rps"] = round(data["requests"] / (data["duration_us"] / 1e6), 1)
    for k in ("p50", "p95", "p99", "max"):
        data[k + "_ms"] = round(data.pop(k) / 1000, 2)
    return data


def machine() -> dict:
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [ln.split(":", 1)[1].strip() for ln in cpuinfo.read_text().splitlines() if ln.startswith("model name")]
        cpu = models[0] if models else ""
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), "platform": platform.platform()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--label", default="", help="results go to bench/results/http[-LABEL].json")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")

    tmp = Path(tempfile.mkdtemp(prefix="ww-bench-"))
    env = {**os.environ, "WEGWIJZER_VAR_DIR": str(tmp), "LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    subprocess.run([WW, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run([WW, "content", "load"], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [WW, "serve", "--port", str(port), "--workers", str(args.workers), "--threads", str(args.threads)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        base = f"http://127.0.0.1:{port}/api/v1"
        post = (
            'wrk.method = "POST"\nwrk.body = [[' + json.dumps(ADVICE_BODY) + ']]\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
        )
        targets = {
            "trivial": (f"{base}/health", ""),
            "search": (f"{base}/search?q=kraamzorg%20extra%20uren", ""),
            "advice": (f"{base}/advice", post),
        }
        warm = {name: run_wrk(url, connections=args.connections, duration=4, lua_extra=lua)
                for name, (url, lua) in targets.items()}  # warm every worker's caches (search index, rule set)
        results = {name: run_wrk(url, connections=args.connections, duration=args.duration, lua_extra=lua)
                   for name, (url, lua) in targets.items()}
    finally:
        server.terminate()
        try:
            server.wait(60)  # the web workers finish their requests, the task worker its task
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    # Every advice is counted: the anonymous tally rows stored (after the server stopped and any rows still
    # waiting in spool files were stored) against the advice responses wrk saw.
    subprocess.run([WW, "tally", "flush"], env=env, capture_output=True)  # absent on older trees: no-op
    with sqlite3.connect(tmp / "wegwijzer.sqlite3") as db:
        table = "routeguide_advicetally"
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone():
            table = "routes_advicetally"  # trees before the rename of the routes app
        stored = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - one of two names
    shutil.rmtree(tmp, ignore_errors=True)
    answered = warm["advice"]["requests"] + results["advice"]["requests"]
    tally = {"advice_responses_seen_by_wrk": answered, "tally_rows_stored": stored}

    for name in ("search", "advice"):
        results[name]["p95_ratio_to_trivial"] = round(results[name]["p95_ms"] / max(results["trivial"]["p95_ms"], 0.01), 2)
    report = {"machine": machine(), "connections": args.connections, "duration_s": args.duration,
              "server": {"workers": args.workers, "threads": args.threads, "server": "gunicorn gthread"},
              "results": results, "tally": tally}
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"http-{args.label}.json" if args.label else "http.json"
    (RESULTS / name).write_text(json.dumps(report, indent=2) + "\n")
    print("| endpoint | req/s | p50 ms | p95 ms | p99 ms | p95 ÷ trivial | errors |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, r in results.items():
        print(f"| {name} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | "
              f"{r.get('p95_ratio_to_trivial', 1.0)} | {r['errors'] + r['non2xx']} |")
    print(json.dumps(tally))
    print(json.dumps(report["machine"]), file=sys.stderr)


if __name__ == "__main__":
    main()
