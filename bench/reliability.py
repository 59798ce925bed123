"""Reliability under load, optionally with faults: no 5xx, no lost acknowledged writes.

Starts `wegwijzer serve` (gunicorn gthread, 2 workers, 127.0.0.1 only) on a scratch database with the real
Utrecht content, creates a few professionals with API tokens who share a few cases, and drives N client
threads (stdlib http.client, one keep-alive connection each) for a bounded time over a mix of search,
advice, case reads and case writes. Every write the server acknowledges with a 2xx is recorded (its id, or
the version and text of a plan step) and read back through the API at the end.

    .venv/bin/python bench/reliability.py [--database sqlite|postgres] [--faults] [--duration 180] [--clients 50]

--database postgres (and every --faults run on postgres) uses a throwaway PostgreSQL 15 cluster that this
script creates (initdb as the `postgres` user, trust auth, 127.0.0.1 and a free port, socket in its own
directory) and always removes; the shared server on :5432 is never touched.

--faults: while the traffic runs, SIGKILL a gunicorn worker a few times (gunicorn starts a new one) and,
on postgres, restart the cluster (pg_ctl stop -m fast, a few seconds down, pg_ctl start). Connection
errors and 5xx are then reported per window (worker kill, database outage, elsewhere).

Results: bench/results/reliability-<database>[-faults].json (and a summary on stdout).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
WW = REPO / ".venv" / "bin" / "wegwijzer"
RESULTS = REPO / "bench" / "results"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
HOST = "127.0.0.1"

ADVICE_BODIES = [
    {  # bench/http_bench.py ADVICE_BODY
        "phase": "zwangerschap",
        "reporter": "verloskundige",
        "wijk": "overvecht",
        "concerns": ["jong-ouderschap", "geen-netwerk"],
        "buurtteam_involved": False,
    },
]
SEARCH_QUERIES = [
    "kraamzorg extra uren", "huilbaby", "armoede", "taalbarrière", "buurtteam", "verloskundige",
    "schulden", "postpartum depressie", "jgz", "kinderopvang", "huiselijk geweld", "overvecht",
]
ROLES = ["verloskundige", "kraamzorg", "jgz", "huisarts", "buurtteam-jeugd-gezin", "ziekenhuis"]
# kind → weight in the mix
MIX = {
    "search": 25,
    "advice": 20,
    "case_read": 25,
    "agreement_create": 15,
    "plan_step_put": 10,  # preceded by a plan_step_read of the same step (optimistic locking)
    "case_create": 5,
}
IDLE_RECONNECT_S = 1.0
WRITE_KINDS = ("agreement_create", "plan_step_put", "case_create")


class Stop(Exception):
    pass


def _on_term(_signum, _frame):
    raise KeyboardInterrupt


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def machine() -> dict:
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [ln.split(":", 1)[1].strip() for ln in cpuinfo.read_text().splitlines() if ln.startswith("model name")]
        cpu = models[0] if models else ""
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), "platform": platform.platform()}


def source_info(rev: str) -> dict:
    def git(*a: str) -> str:
        return subprocess.run(["git", "-C", str(REPO), *a], capture_output=True, text=True).stdout.strip()

    if rev:
        return {"tested": f"git archive {rev}", "commit": git("rev-parse", rev)}
    dirty = git("status", "--porcelain", "--", "src", "content").splitlines()
    return {"tested": "working tree", "commit": git("rev-parse", "HEAD"), "uncommitted_paths": len(dirty)}


def run(cmd: list, *, env: dict, input_: str | None = None) -> str:
    out = subprocess.run([str(c) for c in cmd], env=env, input=input_, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return out.stdout


# ---- a throwaway PostgreSQL cluster ----------------------------------------------------------------------


class OwnCluster:
    """initdb/pg_ctl as the `postgres` OS user in a temp dir; loopback only; never the shared :5432."""

    def __init__(self) -> None:
        if not (PG_BIN / "initdb").exists():
            raise SystemExit(f"{PG_BIN}/initdb not found (PostgreSQL 15 server binaries)")
        self.dir = Path(tempfile.mkdtemp(prefix="ww-rel-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.port = free_port()
        self.started = False
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        else:  # already a non-root user: run the binaries directly
            self.prefix = []

    def _pg(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [*self.prefix, *args]
        out = subprocess.run(cmd, cwd=self.dir, capture_output=True, text=True)
        if check and out.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
        return out

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/wegwijzer"

    def init(self) -> None:
        self._pg(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                 "--locale", "C.UTF-8")
        self.start()
        self._pg(str(PG_BIN / "createdb"), "-h", HOST, "-p", str(self.port), "-U", "postgres", "wegwijzer")

    def start(self) -> None:
        opts = f"-c listen_addresses={HOST} -p {self.port} -k {self.dir} -c max_connections=100"
        self._pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", opts, "-w", "-t", "60",
                 "start")
        self.started = True

    def stop(self, mode: str = "fast") -> None:
        self._pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")
        self.started = False

    def cleanup(self) -> None:
        try:
            if self.data.exists():
                self._pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


# ---- the server ---------------------------------------------------------------------------------------


def is_task_worker(pid: int) -> bool:
    """True for the `wegwijzer db_worker` process (its command line names the command)."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"db_worker" in argv


class Server:
    def __init__(self, env: dict, log: Path, workers: int, threads: int) -> None:
        self.port = free_port()
        self.log_path = log
        self._log = open(log, "w")  # noqa: SIM115  (open for the server's whole life, closed in stop())
        self.proc = subprocess.Popen(
            [str(WW), "serve", "--host", HOST, "--port", str(self.port), "--workers", str(workers),
             "--threads", str(threads)],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited ({self.proc.returncode}); see {self.log_path}")
            try:
                status, _body = request(self.port, "GET", "/api/v1/health", timeout=2)
                if status == 200 and len(self.workers()) > 0:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit("server did not start")

    def workers(self) -> list[int]:
        """The gunicorn workers: the master's children except the Django Tasks worker (`db_worker`), which
        `serve` starts beside them and which must not be killed or counted as a web worker."""
        pids: list[int] = []
        task_dir = Path(f"/proc/{self.proc.pid}/task")
        for task in task_dir.glob("*"):
            with contextlib.suppress(OSError):
                pids += [int(p) for p in (task / "children").read_text().split()]
        return [pid for pid in pids if not is_task_worker(pid)]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self._log.close()


def request(port: int, method: str, path: str, *, body: object = None, token: str | None = None,
            timeout: float = 30, conn: http.client.HTTPConnection | None = None) -> tuple[int, object]:
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    own = conn is None
    c = conn or http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        c.request(method, path, body=data, headers=headers)
        resp = c.getresponse()
        raw = resp.read()
    finally:
        if own:
            c.close()
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw[:200].decode(errors="replace")
    return resp.status, parsed


# ---- setup: users, tokens, cases ---------------------------------------------------------------------


def create_users(env: dict, count: int) -> list[dict]:
    users = []
    for i in range(count):
        username = f"rel{i}"
        role = ROLES[i % len(ROLES)]
        run([WW, "users", "create", username, "--role", role], env={**env, "WEGWIJZER_PASSWORD": uuid.uuid4().hex})
        token = run([WW, "users", "token", username, "--name", "reliability"], env=env).strip().splitlines()[-1]
        users.append({"username": username, "role": role, "token": token, "gezinsplannen": []})
    return users


def create_cases(port: int, users: list[dict], count: int) -> list[str]:
    """Case c is created by user c % U and shared with the next two users: each user is in a few cases."""
    cases = []
    n = len(users)
    for c in range(count):
        owner = users[c % n]
        status, body = request(port, "POST", "/api/v1/gezinsplannen", body={"label": f"betrouwbaarheid {c}"},
                               token=owner["token"])
        if status != 201:
            raise SystemExit(f"creating a case failed: {status} {body}")
        gezinsplan_id = body["id"]  # type: ignore[index]
        owner["gezinsplannen"].append(gezinsplan_id)
        for k in (1, 2):
            member = users[(c + k) % n]
            if member is owner or gezinsplan_id in member["gezinsplannen"]:
                continue
            status, body = request(port, "POST", f"/api/v1/gezinsplannen/{gezinsplan_id}/members",
                                   body={"username": member["username"]}, token=owner["token"])
            if status != 201:
                raise SystemExit(f"adding a member failed: {status} {body}")
            member["gezinsplannen"].append(gezinsplan_id)
        cases.append(gezinsplan_id)
    return cases


# ---- traffic ------------------------------------------------------------------------------------------


class Recorder:
    def __init__(self, t0: float) -> None:
        self.t0 = t0
        self.lock = threading.Lock()
        self.samples: list[tuple[str, float, float, object]] = []  # kind, t (s since start), ms, outcome
        self.acked: dict[str, list[dict]] = defaultdict(list)
        self.error_bodies: dict[str, list] = defaultdict(list)  # "kind status" → first bodies of 4xx/5xx

    def error_body(self, kind: str, status: int, path: str, body: object) -> None:
        key = f"{kind} {status}"
        with self.lock:
            if len(self.error_bodies[key]) < 3:
                self.error_bodies[key].append({"path": path, "body": body})

    def add(self, kind: str, t: float, ms: float, outcome: object) -> None:
        with self.lock:
            self.samples.append((kind, t, ms, outcome))

    def ack(self, kind: str, record: dict) -> None:
        with self.lock:
            self.acked[kind].append(record)


class Client(threading.Thread):
    def __init__(self, idx: int, port: int, user: dict, rec: Recorder, deadline: float, seed: int) -> None:
        super().__init__(daemon=True, name=f"client-{idx}")
        self.port, self.user, self.rec, self.deadline = port, user, rec, deadline
        self.rng = random.Random(seed)
        self.conn: http.client.HTTPConnection | None = None
        self.last_used = 0.0
        self.kinds = list(MIX)
        self.weights = [MIX[k] for k in self.kinds]

    def call(self, kind: str, method: str, path: str, body: object = None, auth: bool = False):
        if time.monotonic() >= self.deadline:
            raise Stop
        if self.conn is not None and time.monotonic() - self.last_used > IDLE_RECONNECT_S:
            self.conn.close()  # gunicorn closes idle keep-alive connections after 2 s: never reuse a stale one
            self.conn = None
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        start = time.monotonic()
        try:
            status, data = request(self.port, method, path, body=body, conn=self.conn,
                                   token=self.user["token"] if auth else None)
        except (OSError, http.client.HTTPException) as exc:
            self.rec.add(kind, start - self.rec.t0, (time.monotonic() - start) * 1000, f"conn:{type(exc).__name__}")
            self.conn.close()
            self.conn = None
            return None, None
        self.last_used = time.monotonic()
        self.rec.add(kind, start - self.rec.t0, (self.last_used - start) * 1000, status)
        if status >= 400:
            self.rec.error_body(kind, status, path, data)
        return status, data

    def run(self) -> None:
        try:
            while True:
                kind = self.rng.choices(self.kinds, self.weights)[0]
                getattr(self, f"do_{kind}")()
        except Stop:
            pass
        finally:
            if self.conn:
                self.conn.close()

    def case(self) -> str:
        return self.rng.choice(self.user["gezinsplannen"])

    def do_search(self) -> None:
        self.call("search", "GET", "/api/v1/search?q=" + quote(self.rng.choice(SEARCH_QUERIES)))

    def do_advice(self) -> None:
        self.call("advice", "POST", "/api/v1/advice", body=self.rng.choice(ADVICE_BODIES))

    def do_case_read(self) -> None:
        case = self.case()
        sub = self.rng.choices(["", "/plan", "/agreements", "/members"], [4, 3, 1, 2])[0]
        self.call("case_read", "GET", f"/api/v1/gezinsplannen/{case}{sub}", auth=True)

    def do_agreement_create(self) -> None:
        case = self.case()
        what = f"afspraak {uuid.uuid4().hex[:12]}"
        status, data = self.call("agreement_create", "POST", f"/api/v1/gezinsplannen/{case}/agreements",
                                 body={"what": what}, auth=True)
        if status is not None and 200 <= status < 300:
            self.rec.ack("agreement_create", {"case": case, "id": data["id"], "what": what,
                                              "by": self.user["username"]})

    def do_plan_step_put(self) -> None:
        case, step = self.case(), self.rng.randint(1, 5)
        status, data = self.call("plan_step_read", "GET", f"/api/v1/gezinsplannen/{case}/plan/{step}", auth=True)
        if status != 200:
            return
        content = f"stap {step} door {self.user['username']} {uuid.uuid4().hex[:12]}"
        status, data = self.call("plan_step_put", "PUT", f"/api/v1/gezinsplannen/{case}/plan/{step}",
                                 body={"content": content, "version": data["version"]}, auth=True)
        if status is not None and 200 <= status < 300:
            self.rec.ack("plan_step_put", {"case": case, "step": step, "version": data["version"],
                                           "content": content, "by": self.user["username"]})

    def do_case_create(self) -> None:
        label = "lading " + "".join(self.rng.choices("abcdefghjkmnpqrstuvwxyz", k=12))  # no 9-digit runs (BSN guard)
        status, data = self.call("case_create", "POST", "/api/v1/gezinsplannen", body={"label": label}, auth=True)
        if status is not None and 200 <= status < 300:
            self.rec.ack("case_create", {"id": data["id"], "label": label, "by": self.user["username"]})


# ---- faults -------------------------------------------------------------------------------------------


class Faults(threading.Thread):
    """Kill a worker at 15/30/75/90 % of the run; restart PostgreSQL at 45 % (down for `db_down` seconds)."""

    def __init__(self, server: Server, cluster: OwnCluster | None, t0: float, duration: float,
                 db_down: float) -> None:
        super().__init__(daemon=True, name="faults")
        self.server, self.cluster, self.t0, self.duration, self.db_down = server, cluster, t0, duration, db_down
        self.events: list[dict] = []
        self.error: str | None = None

    def at(self, fraction: float) -> None:
        delay = self.t0 + fraction * self.duration - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def now(self) -> float:
        return round(time.monotonic() - self.t0, 3)

    def kill_worker(self) -> None:
        pids = self.server.workers()
        if not pids:
            self.events.append({"t": self.now(), "event": "kill_worker", "pid": None, "note": "no worker found"})
            return
        pid = random.choice(pids)
        os.kill(pid, signal.SIGKILL)
        self.events.append({"t": self.now(), "event": "kill_worker", "pid": pid})

    def restart_db(self) -> None:
        assert self.cluster is not None
        t_stop = self.now()
        self.cluster.stop("fast")
        t_down = self.now()
        time.sleep(self.db_down)
        t_start = self.now()
        self.cluster.start()
        self.events.append({"t": t_stop, "event": "db_stop", "stopped_at": t_down, "start_at": t_start,
                            "up_at": self.now()})

    def run(self) -> None:
        try:
            for fraction in (0.15, 0.30):
                self.at(fraction)
                self.kill_worker()
            if self.cluster is not None:
                self.at(0.45)
                self.restart_db()
            for fraction in (0.75, 0.90):
                self.at(fraction)
                self.kill_worker()
        except Exception as exc:  # reported, never silently
            self.error = repr(exc)

    def windows(self) -> list[tuple[str, float, float]]:
        out = []
        for e in self.events:
            if e["event"] == "kill_worker":
                out.append(("worker_kill", e["t"], e["t"] + 3.0))
            elif e["event"] == "db_stop":
                out.append(("db_outage", e["t"], e["up_at"]))
                out.append(("db_after", e["up_at"], e["up_at"] + 10.0))
        return out


class ReadyProbe(threading.Thread):
    """Polls /api/v1/health/ready (if it exists) and /api/v1/health twice a second; not part of the mix."""

    def __init__(self, port: int, t0: float, deadline: float) -> None:
        super().__init__(daemon=True, name="probe")
        self.port, self.t0, self.deadline = port, t0, deadline
        self.samples: list[tuple[str, float, object]] = []

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            for path in ("/api/v1/health/ready", "/api/v1/health"):
                t = time.monotonic() - self.t0
                try:
                    status, _ = request(self.port, "GET", path, timeout=5)
                except (OSError, http.client.HTTPException) as exc:
                    status = f"conn:{type(exc).__name__}"
                self.samples.append((path, round(t, 2), status))
            time.sleep(0.5)


# ---- verification -------------------------------------------------------------------------------------


def get_retry(port: int, path: str, token: str, tries: int = 20) -> tuple[int, object]:
    last: tuple[int, object] = (0, None)
    for _ in range(tries):
        try:
            last = request(port, "GET", path, token=token, timeout=60)
        except (OSError, http.client.HTTPException) as exc:
            last = (0, repr(exc))
        if last[0] == 200 or last[0] == 404:
            return last
        time.sleep(1)
    return last


def verify(port: int, users: list[dict], acked: dict[str, list[dict]]) -> dict:
    tokens = {u["username"]: u["token"] for u in users}
    lost: dict[str, list[dict]] = {k: [] for k in WRITE_KINDS}

    # agreements: one list per case, read as the member who made it
    by_case: dict[str, list[dict]] = defaultdict(list)
    for a in acked["agreement_create"]:
        by_case[a["case"]].append(a)
    for case, items in by_case.items():
        status, body = get_retry(port, f"/api/v1/gezinsplannen/{case}/agreements", tokens[items[0]["by"]])
        stored = {r["id"]: r["what"] for r in body["results"]} if status == 200 else {}  # type: ignore[index]
        for a in items:
            if stored.get(a["id"]) != a["what"]:
                lost["agreement_create"].append({**a, "read_status": status})

    # plan steps: the stored version is at least the highest acknowledged one, with that text if equal
    best: dict[tuple[str, int], dict] = {}
    for p in acked["plan_step_put"]:
        key = (p["case"], p["step"])
        if key not in best or p["version"] > best[key]["version"]:
            best[key] = p
    plans: dict[str, dict[int, dict]] = {}
    for (case, _step), p in best.items():
        if case not in plans:
            status, body = get_retry(port, f"/api/v1/gezinsplannen/{case}/plan", tokens[p["by"]])
            plans[case] = {s["step"]: s for s in body["steps"]} if status == 200 else {}  # type: ignore[index]
    for (case, step), p in best.items():
        s = plans[case].get(step)
        if s is None or s["version"] < p["version"] or (s["version"] == p["version"] and s["content"] != p["content"]):
            lost["plan_step_put"].append({**p, "stored": s and {"version": s["version"], "content": s["content"]}})
    # every acknowledged version is distinct per (case, step): two acks of the same version = a lost update
    seen: Counter = Counter((p["case"], p["step"], p["version"]) for p in acked["plan_step_put"])
    duplicate_versions = [list(k) for k, n in seen.items() if n > 1]

    # created cases: readable by their creator with the label they were given
    for c in acked["case_create"]:
        status, body = get_retry(port, f"/api/v1/gezinsplannen/{c['id']}", tokens[c["by"]])
        if status != 200 or body.get("label") != c["label"]:  # type: ignore[union-attr]
            lost["case_create"].append({**c, "read_status": status})

    return {
        "acknowledged": {k: len(acked[k]) for k in WRITE_KINDS},
        "acknowledged_total": sum(len(acked[k]) for k in WRITE_KINDS),
        "plan_steps_checked": len(best),
        "lost": {k: len(v) for k, v in lost.items()},
        "lost_total": sum(len(v) for v in lost.values()) + len(duplicate_versions),
        "lost_examples": {k: v[:5] for k, v in lost.items() if v},
        "duplicate_acknowledged_plan_versions": duplicate_versions[:20],
    }


# ---- report -------------------------------------------------------------------------------------------


def pct(sorted_ms: list[float], p: float) -> float:
    if not sorted_ms:
        return 0.0
    i = min(len(sorted_ms) - 1, max(0, int(round(p / 100 * len(sorted_ms) + 0.5)) - 1))
    return round(sorted_ms[i], 1)


WINDOW_PRIORITY = ("db_outage", "worker_kill", "db_after")


def window_of(t: float, windows: list[tuple[str, float, float]], end: float | None = None) -> str:
    """The fault window a request [t, end] overlaps (database outage first), else 'elsewhere'."""
    end = t if end is None else end
    for wanted in WINDOW_PRIORITY:
        for name, a, b in windows:
            if name == wanted and t <= b and end >= a:
                return name
    return "elsewhere"


def summarise(rec: Recorder, windows: list[tuple[str, float, float]], duration: float) -> dict:
    per_kind: dict[str, dict] = {}
    by_kind: dict[str, list] = defaultdict(list)
    for s in rec.samples:
        by_kind[s[0]].append(s)
    for kind, samples in sorted(by_kind.items()):
        ms = sorted(s[2] for s in samples)
        statuses = Counter(str(s[3]) for s in samples)
        per_kind[kind] = {
            "requests": len(samples),
            "rps": round(len(samples) / duration, 1),
            "statuses": dict(sorted(statuses.items())),
            "p50_ms": pct(ms, 50), "p95_ms": pct(ms, 95), "p99_ms": pct(ms, 99), "max_ms": round(ms[-1], 1),
        }
    statuses = Counter(str(s[3]) for s in rec.samples)
    fivexx: dict[str, Counter] = defaultdict(Counter)
    conn: dict[str, Counter] = defaultdict(Counter)
    fivexx_kinds: dict[str, Counter] = defaultdict(Counter)
    timeline: dict[int, Counter] = defaultdict(Counter)
    for kind, t, ms, outcome in rec.samples:
        w = window_of(t, windows, t + ms / 1000)
        cls = (f"{outcome // 100}xx" if outcome < 500 else str(outcome)) if isinstance(outcome, int) else "conn"
        timeline[int(t)][cls] += 1
        if isinstance(outcome, int) and outcome >= 500:
            fivexx[str(outcome)][w] += 1
            fivexx_kinds[str(outcome)][kind] += 1
        elif isinstance(outcome, str):
            conn[outcome][w] += 1
    return {
        "requests_total": len(rec.samples),
        "statuses": dict(sorted(statuses.items())),
        "per_kind": per_kind,
        "5xx_total": sum(sum(c.values()) for c in fivexx.values()),
        "5xx_by_code_and_window": {k: dict(v) for k, v in sorted(fivexx.items())},
        "5xx_by_code_and_kind": {k: dict(v) for k, v in sorted(fivexx_kinds.items())},
        "connection_errors_total": sum(sum(c.values()) for c in conn.values()),
        "connection_errors_by_window": {k: dict(v) for k, v in sorted(conn.items())},
        "timeline_per_second": [{"t": t, **dict(sorted(c.items()))} for t, c in sorted(timeline.items())],
    }


HEAD_LINE = re.compile(r"^(Internal Server Error: |Bad Request: |Service Unavailable: |\[\d{4}-\d\d-\d\d )")
TRACEBACK_PARTS = ("Traceback (most recent call last):", "The above exception", "During handling of the above")
EXC_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)?: ")


def server_log_excerpt(path: Path) -> dict:
    """Distinct error blocks in the server log: first line + final exception line, counted, one example each."""
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return {}
    blocks: list[list[str]] = []
    prev = ""
    for line in lines:
        # a new block: a log line (not indented, not part of a traceback, not an exception line after frames)
        new = bool(line) and not line[0].isspace() and not line.startswith(TRACEBACK_PARTS) and (
            HEAD_LINE.match(line) or not prev[:1].isspace())
        if new or not blocks:
            blocks.append([line])
        else:
            blocks[-1].append(line)
        prev = line
    counts: Counter = Counter()
    examples: dict[str, str] = {}
    for block in blocks:
        head = re.sub(r"^\[\d{4}-[^\]]*\] \[\d+\]", "[time] [pid]", block[0])
        head = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "<uuid>", head)
        head = re.sub(r"\(pid:\d+\)", "(pid:N)", head)
        head = re.sub(r"/plan/\d+", "/plan/<step>", head)
        exc = [ln for ln in block[1:] if EXC_LINE.match(ln)]
        key = head[:200] + (" | " + re.sub(r"port \d+", "port <port>", exc[-1][:300]) if exc else "")
        counts[key] += 1
        examples.setdefault(key, "\n".join(block[:60]))
    return {"blocks": len(blocks),
            "distinct": [{"count": n, "summary": k, "example": examples[k]} for k, n in counts.most_common(15)]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--faults", action="store_true", help="kill workers (and restart PostgreSQL) during the run")
    ap.add_argument("--duration", type=float, default=180, help="seconds of traffic (default 180)")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
    ap.add_argument("--users", type=int, default=6)
    ap.add_argument("--cases", type=int, default=6)
    ap.add_argument("--db-down", type=float, default=5.0, help="seconds PostgreSQL stays down (--faults)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--keep-log", type=Path, default=None, help="copy the server's log here at the end")
    ap.add_argument("--rev", default="", help="test this commit (git archive of src/ and content/) instead of the "
                    "working tree, e.g. HEAD while colleagues have half-finished edits on disk")
    args = ap.parse_args()
    if not 1 <= args.duration <= 3600 or not 1 <= args.clients <= 500:
        raise SystemExit("--duration 1..3600 s and --clients 1..500")

    signal.signal(signal.SIGTERM, _on_term)
    random.seed(args.seed)
    name = f"reliability-{args.database}{'-faults' if args.faults else ''}"
    out_path = args.out or RESULTS / f"{name}.json"
    tmp = Path(tempfile.mkdtemp(prefix="ww-rel-"))
    env = {**os.environ, "WEGWIJZER_VAR_DIR": str(tmp), "LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    source = source_info(args.rev)
    if args.rev:
        tree = tmp / "tree"
        tree.mkdir()
        archive = subprocess.run(["git", "-C", str(REPO), "archive", args.rev, "src", "content"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        env["PYTHONPATH"] = str(tree / "src")  # ahead of the editable install's /work/main/src
    cluster: OwnCluster | None = None
    server: Server | None = None
    keep_log = tmp / "server.log"
    try:
        if args.database == "postgres":
            cluster = OwnCluster()
            cluster.init()
            env["DATABASE_URL"] = cluster.url
        print(f"[setup] database {args.database}" + (f" (own cluster on {HOST}:{cluster.port})" if cluster else ""),
              file=sys.stderr)
        run([WW, "migrate", "--noinput", "-v", "0"], env=env)
        run([WW, "content", "load"], env=env)
        users = create_users(env, args.users)
        server = Server(env, keep_log, args.workers, args.threads)
        server.wait_ready()
        cases = create_cases(server.port, users, args.cases)
        print(f"[setup] {len(users)} users, {len(cases)} cases; server :{server.port} workers {server.workers()}",
              file=sys.stderr)
        # warm every worker (search index, rule set) outside the measured window
        for _ in range(20):
            request(server.port, "GET", "/api/v1/search?q=kraamzorg")
            request(server.port, "POST", "/api/v1/advice", body=ADVICE_BODIES[0])

        load: list[tuple[float, float, float, float]] = []
        t0 = time.monotonic()
        deadline = t0 + args.duration
        rec = Recorder(t0)
        clients = [Client(i, server.port, users[i % len(users)], rec, deadline, args.seed * 1000 + i)
                   for i in range(args.clients)]
        faults = Faults(server, cluster, t0, args.duration, args.db_down) if args.faults else None
        probe = ReadyProbe(server.port, t0, deadline)
        for c in clients:
            c.start()
        probe.start()
        if faults:
            faults.start()
        load.append((0.0, *os.getloadavg()))
        while any(c.is_alive() for c in clients):
            time.sleep(1)
            t = time.monotonic() - t0
            if t - load[-1][0] >= 10:
                load.append((round(t, 1), *os.getloadavg()))
        load.append((round(time.monotonic() - t0, 1), *os.getloadavg()))
        elapsed = time.monotonic() - t0
        if faults:
            faults.join(120)
        probe.join(10)
        print(f"[run] {len(rec.samples)} requests in {elapsed:.1f} s; verifying…", file=sys.stderr)

        windows = faults.windows() if faults else []
        summary = summarise(rec, windows, elapsed)
        writes = verify(server.port, users, rec.acked)
        probe_summary: dict[str, dict] = {}
        for path, t, status in probe.samples:
            w = window_of(t, windows)
            probe_summary.setdefault(path, {}).setdefault(w, Counter())[str(status)] += 1
        server_workers_end = server.workers()
        server.stop()
        log_excerpt = server_log_excerpt(keep_log)
        report = {
            "name": name,
            "command": "python bench/reliability.py " + " ".join(sys.argv[1:]),
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "machine": machine(),
            "source": source,
            "loadavg_1_5_15": [{"t": t, "load": [round(a, 2), round(b, 2), round(c, 2)]} for t, a, b, c in load],
            "database": args.database,
            "server": {"workers": args.workers, "threads": args.threads, "server": "gunicorn gthread",
                       "bind": f"{HOST}:<free port>", "workers_at_end": len(server_workers_end)},
            "clients": args.clients,
            "users": args.users,
            "gezinsplannen": args.cases,
            "duration_s": round(elapsed, 1),
            "mix_weights": MIX,
            "faults": {"enabled": args.faults, "events": faults.events if faults else [],
                       "error": faults.error if faults else None,
                       "windows": [{"name": n, "from_s": a, "to_s": b} for n, a, b in windows]},
            "traffic": summary,
            "writes": writes,
            "error_bodies": dict(sorted(rec.error_bodies.items())),
            "probes": {p: {w: dict(c) for w, c in ws.items()} for p, ws in probe_summary.items()},
            "server_log_errors": log_excerpt,
        }
        RESULTS.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print_summary(report)
        print(f"[done] {out_path}", file=sys.stderr)
    except KeyboardInterrupt:
        print("[interrupted] cleaning up", file=sys.stderr)
        raise SystemExit(130) from None
    finally:
        if server is not None:
            try:
                server.stop()
            except Exception as exc:
                print(f"[cleanup] server: {exc!r}", file=sys.stderr)
        if cluster is not None:
            cluster.cleanup()
        if args.keep_log and keep_log.exists():
            shutil.copy(keep_log, args.keep_log)
            print(f"[cleanup] server log copied to {args.keep_log}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)


def print_summary(r: dict) -> None:
    t = r["traffic"]
    print(f"## {r['name']}: {r['clients']} clients, {r['duration_s']} s, {t['requests_total']} requests")
    print("| kind | requests | statuses | p50 ms | p95 ms | p99 ms |")
    print("| --- | --- | --- | --- | --- | --- |")
    for kind, k in t["per_kind"].items():
        st = ", ".join(f"{s}: {n}" for s, n in k["statuses"].items())
        print(f"| {kind} | {k['requests']} | {st} | {k['p50_ms']} | {k['p95_ms']} | {k['p99_ms']} |")
    print(f"5xx: {t['5xx_total']} {t['5xx_by_code_and_window']}; connection errors: "
          f"{t['connection_errors_total']} {t['connection_errors_by_window']}")
    w = r["writes"]
    print(f"writes acknowledged: {w['acknowledged_total']} {w['acknowledged']}; lost: {w['lost_total']} {w['lost']}")
    if r["faults"]["enabled"]:
        print(f"faults: {r['faults']['events']}")
    print(f"load average: {[x['load'] for x in r['loadavg_1_5_15']]}")


if __name__ == "__main__":
    main()
