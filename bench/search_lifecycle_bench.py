"""The search index's lifecycle at scale (issue 9): full build, on-disk size, a worker's cold start, RSS and
search latency on the opened index, and the time from one edit to searchable with searches running.

    .venv/bin/python bench/search_lifecycle_bench.py [--sizes 1000,20000,50000] [--edit-sizes 20000,50000]

Per size: a scratch SQLite database (WAL, as in production's embedded default) gets N synthetic services
(bench/generate_map.py, seed 1000) as real rows with taxonomy terms and wijken; `search_index` builds the
on-disk index (`follow_once`, the indexer's own step). A fresh worker process (`--worker`) then opens that
index like a web worker, times its first search from process start, runs the query mix of search_bench.py
(wall and CPU time per search) and reports its RSS. For the edit sizes the real indexer
(`wegwijzer search_index --follow`) runs as a child process while two threads search through
`wegwijzer.socialmap.search.search()` (SEARCH_STAMP_SECONDS=1, as deployed) and this process renames one
service at a time through the service layer; it polls until the new name is found. Writes
bench/results/search_lifecycle.json and prints markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))
RESULTS = REPO / "bench" / "results"


def rss_mb() -> tuple[float, float]:
    """(VmRSS, VmHWM) of this process in MB."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, value = line.split(":", 1)
            values[key] = int(value.split()[0]) / 1024
    return round(values.get("VmRSS", 0.0), 1), round(values.get("VmHWM", 0.0), 1)


def dir_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6, 1)


def setup(db_path: Path, index_dir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["SEARCH_INDEX_DIR"] = str(index_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegwijzer.conf.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def fill(n: int) -> float:
    """N synthetic records as rows (kinds, terms, wijken); returns seconds."""
    from django.core.management import call_command
    from django.db import transaction

    from generate_map import generate
    from wegwijzer.socialmap import changes
    from wegwijzer.socialmap import models as m

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    docs = generate(n)
    taxonomies = {"laws": "wet", "phases": "fase", "domain": "domein", "access": "toegang"}
    with transaction.atomic():
        terms: dict[tuple[str, str], m.TaxonomyTerm] = {}
        wijken: dict[str, m.Wijk] = {}
        for doc in docs:
            for key, taxonomy in taxonomies.items():
                for code in [doc[key]] if isinstance(doc[key], str) else doc[key]:
                    terms.setdefault((taxonomy, code), m.TaxonomyTerm(taxonomy=taxonomy, code=code, name=code.title()))
            for slug in doc["wijken"]:
                wijken.setdefault(slug, m.Wijk(slug=slug, name=slug.title()))
        m.TaxonomyTerm.objects.bulk_create(terms.values())
        m.Wijk.objects.bulk_create(wijken.values())
        rows: dict[type, list] = {m.Role: [], m.Service: [], m.Organization: []}
        links: list[tuple[type, object, dict]] = []
        for doc in docs:
            fields = {k: doc[k] for k in ("slug", "name", "alternate_name", "summary", "description", "target_group",
                                          "conditions", "application_process")}
            if doc["kind"] == "rol":
                obj = m.Role(**fields)
                rows[m.Role].append(obj)
            elif doc["kind"] == "aanbod":
                obj = m.Service(**fields)
                rows[m.Service].append(obj)
            else:
                obj = m.Organization(**fields, kind=doc["kind"])
                rows[m.Organization].append(obj)
            links.append((type(obj), obj, doc))
        for model, objs in rows.items():
            model.objects.bulk_create(objs, batch_size=2000)
        for model in rows:
            through = model.terms.through
            owner = f"{model._meta.model_name}_id"
            term_rows = [
                through(**{owner: obj.pk, "taxonomyterm_id": terms[(tax, code)].pk})
                for mdl, obj, doc in links if mdl is model
                for key, tax in taxonomies.items()
                for code in ([doc[key]] if isinstance(doc[key], str) else doc[key])
            ]
            through.objects.bulk_create(term_rows, batch_size=5000)
            if model is not m.Role:
                areas = model.service_areas.through
                areas.objects.bulk_create(
                    [areas(**{owner: obj.pk, "wijk_id": wijken[w].pk}) for mdl, obj, doc in links if mdl is model
                     for w in doc["wijken"]], batch_size=5000)
        changes.changes_record_all()
    return time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    if not s:
        return 0.0
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def worker(rounds: int) -> None:
    """A web worker's view (runs in a fresh process): open the on-disk index, search, report."""
    started = time.perf_counter()
    os.environ["SEARCH_BUILD_IN_PROCESS"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegwijzer.conf.settings")
    import django

    django.setup()
    from search_bench import query_mix
    from wegwijzer.socialmap.search import lifecycle, search

    django_s = time.perf_counter() - started
    rss_django = rss_mb()[0]
    opened_at = time.perf_counter()
    index = lifecycle.current()
    open_s = time.perf_counter() - opened_at
    first = search("kraamzorg extra uren")
    first_s = time.perf_counter() - started
    queries = query_mix()
    wall: list[float] = []
    cpu: list[float] = []
    for q in queries:  # warm-up, as search_bench does
        index.search(q, limit=20)
    for _ in range(rounds):
        for q in queries:
            c0, t0 = time.thread_time_ns(), time.perf_counter_ns()
            index.search(q, limit=20)
            t1, c1 = time.perf_counter_ns(), time.thread_time_ns()
            wall.append((t1 - t0) / 1e6)
            cpu.append((c1 - c0) / 1e6)
    rss, hwm = rss_mb()
    print(json.dumps({
        "records": index.size, "django_setup_s": round(django_s, 2), "open_index_s": round(open_s, 3),
        "first_search_after_start_s": round(first_s, 2), "first_hits": len(first),
        "searches": len(wall), "p50_ms": round(percentile(wall, 50), 3), "p95_ms": round(percentile(wall, 95), 3),
        "cpu_p50_ms": round(percentile(cpu, 50), 3), "cpu_p95_ms": round(percentile(cpu, 95), 3),
        "rss_django_mb": rss_django, "rss_mb": rss, "rss_peak_mb": hwm, "index_rss_mb": round(rss - rss_django, 1),
    }))


def run_worker(env: dict, rounds: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", "--rounds", str(rounds)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def edit_latency(edits: int, env: dict) -> dict:
    """The real indexer as a child process; searching threads here; one rename at a time."""
    from django.conf import settings

    from wegwijzer.socialmap import services
    from wegwijzer.socialmap.models import Service
    from wegwijzer.socialmap.search import lifecycle, search

    settings.SEARCH_BUILD_IN_PROCESS = False
    settings.SEARCH_STAMP_SECONDS = 1.0
    lifecycle._opened.update(index=None, key=None, path=None, extra_offset=0)  # read like a worker
    lifecycle._reader.update(index=None, root=None)
    indexer = subprocess.Popen([sys.executable, "-m", "wegwijzer.cli", "search_index", "--follow"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from search_bench import query_mix

    queries = [q for q in query_mix() if len(q) < 200]
    samples: list[tuple[float, float, float]] = []  # (start time, wall ms, CPU ms)
    stop = threading.Event()

    def searching(offset: int) -> None:
        i = offset
        while not stop.is_set():
            q = queries[i % len(queries)]
            i += 1
            c0, t0 = time.thread_time(), time.perf_counter()
            search(q)
            samples.append((t0, (time.perf_counter() - t0) * 1000, (time.thread_time() - c0) * 1000))

    try:
        waited = time.perf_counter()
        while not lifecycle.writer_busy() and time.perf_counter() - waited < 300:
            time.sleep(0.1)  # the indexer has started and holds the writer lock
        time.sleep(1.0)
        search("kraamzorg")
        threads = [threading.Thread(target=searching, args=(k * 7,), daemon=True) for k in range(2)]
        for t in threads:
            t.start()
        time.sleep(3.0)
        baseline_end = time.perf_counter()
        windows: list[tuple[float, float]] = []
        latencies: list[float] = []
        ids = list(Service.objects.order_by("slug").values_list("pk", flat=True)[:edits])
        for n, pk in enumerate(ids):
            word = f"zwaluwnest{chr(97 + n)}{chr(97 + n)}"
            service = Service.objects.get(pk=pk)
            t0 = time.perf_counter()
            Service.objects.filter(pk=pk).update(name=f"{service.name} {word}")
            services.map_records_changed(user=None, objects=[service])
            while not any(r["slug"] == service.slug for r in search(word)):
                time.sleep(0.02)
                if time.perf_counter() - t0 > 120:
                    break
            t1 = time.perf_counter()
            latencies.append(t1 - t0)
            windows.append((t0, t1))
            time.sleep(1.5)
        stop.set()
        for t in threads:
            t.join()
    finally:
        indexer.terminate()
        indexer.wait(timeout=30)
    base = [ms for t, ms, _c in samples if t < baseline_end]
    during = [ms for t, ms, _c in samples if any(a <= t <= b for a, b in windows)]
    base_cpu = [c for t, _ms, c in samples if t < baseline_end]
    during_cpu = [c for t, _ms, c in samples if any(a <= t <= b for a, b in windows)]
    median = statistics.median(base) if base else 0.0
    worst = max(during) if during else 0.0
    median_cpu = statistics.median(base_cpu) if base_cpu else 0.0
    worst_cpu = max(during_cpu) if during_cpu else 0.0
    return {
        "edits": len(latencies), "edit_to_searchable_s": [round(x, 2) for x in latencies],
        "edit_to_searchable_max_s": round(max(latencies), 2), "baseline_searches": len(base),
        "baseline_median_ms": round(median, 2), "searches_during_edits": len(during),
        "worst_during_edit_ms": round(worst, 2), "worst_over_median": round(worst / median, 1) if median else None,
        "p95_during_edit_ms": round(percentile(during, 95), 2),
        # CPU time of the searching thread: what a search itself cost, without the time the loaded machine
        # (or the GIL held by the other threads of this process) kept it waiting.
        "baseline_median_cpu_ms": round(median_cpu, 2), "worst_cpu_during_edit_ms": round(worst_cpu, 2),
        "worst_cpu_over_median": round(worst_cpu / median_cpu, 1) if median_cpu else None,
        "p95_cpu_during_edit_ms": round(percentile(during_cpu, 95), 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="search index lifecycle at scale")
    parser.add_argument("--sizes", default="1000,20000,50000")
    parser.add_argument("--edit-sizes", default="20000,50000")
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=RESULTS / "search_lifecycle.json")
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.rounds)
        return 0
    if args.size:  # one size in its own process (so sizes do not share a Django setup)
        return one_size(args)
    rows = []
    from search_bench import machine

    for n in [int(x) for x in args.sizes.split(",") if x]:
        out = Path(tempfile.mkstemp(suffix=".json")[1])
        cmd = [sys.executable, __file__, "--size", str(n), "--edit-sizes", args.edit_sizes, "--edits",
               str(args.edits), "--rounds", str(args.rounds), "--out", str(out)]
        subprocess.run(cmd, check=True)
        rows.append(json.loads(out.read_text()))
        print(json.dumps(rows[-1]), flush=True)
    report = {"machine": machine(), "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
              "results": rows, "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nMachine: {report['machine']['nproc']} CPU, load: {report['uptime']}\n")
    print("| services | fill (s) | load docs (s) | full build (s) | disk (MB) | first search after start (s) "
          "| worker RSS (MB) | index RSS (MB) | p50 / p95 (ms) | CPU p50 / p95 (ms) | edit→searchable max (s) "
          "| worst search during edit ÷ median (wall / CPU) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        w, e = r["worker"], r.get("edit") or {}
        print(f"| {r['n']} | {r['fill_s']} | {r['load_documents_s']} | {r['full_build_s']} | {r['disk_mb']} "
              f"| {w['first_search_after_start_s']} | {w['rss_mb']} | {w['index_rss_mb']} "
              f"| {w['p50_ms']} / {w['p95_ms']} | {w['cpu_p50_ms']} / {w['cpu_p95_ms']} "
              f"| {e.get('edit_to_searchable_max_s', '–')} "
              f"| {e.get('worst_over_median', '–')} / {e.get('worst_cpu_over_median', '–')} |")
    return 0


def one_size(args: argparse.Namespace) -> int:
    n = args.size
    scratch = Path(tempfile.mkdtemp(prefix=f"ww-search-life-{n}-"))
    setup(scratch / "db.sqlite3", scratch / "search-index")
    fill_s = fill(n)
    from wegwijzer.socialmap.search import lifecycle
    from wegwijzer.socialmap.search.documents import search_documents

    t0 = time.perf_counter()
    documents = search_documents()
    load_s = time.perf_counter() - t0
    del documents
    t0 = time.perf_counter()
    with lifecycle.writer_lock(lifecycle.index_root(), blocking=True):
        lifecycle.follow_once(rebuild=True)
    build_s = time.perf_counter() - t0
    generation = lifecycle.generation_current()
    assert generation is not None
    env = {**os.environ, "PYTHONPATH": str(REPO / "src") + os.pathsep + str(REPO / "bench")}
    row: dict = {"n": n, "fill_s": round(fill_s, 1), "load_documents_s": round(load_s, 2),
                 "full_build_s": round(build_s, 2), "disk_mb": dir_mb(generation.path),
                 "worker": run_worker(env, args.rounds)}
    if n in {int(x) for x in args.edit_sizes.split(",") if x}:
        row["edit"] = edit_latency(args.edits, env)
    args.out.write_text(json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
