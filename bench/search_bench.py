"""In-process search latency: p50/p95/p99 over a fixed query mix, on the real map and on 20,000 synthetic
services (index build time too). Not a test: numbers go to docs/performance.md.

    .venv/bin/python bench/search_bench.py [--synthetic 20000] [--rounds 5]

The real map is loaded from content/ into a scratch SQLite database (DATABASE_URL is ignored unless
--use-database is given). Latency is measured around `SearchIndex.search`, which is what
`wegwijzer.socialmap.search.search()` runs once its per-process index is current (the freshness check
costs one small database round trip at most once per second per process, not per query).
Writes bench/results/search.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))
RESULTS = REPO / "bench" / "results"
CASE_FILES = [REPO / "tests" / "socialmap" / "search-public.yaml", REPO / "tests" / "socialmap" / "search-cases.yaml"]

# Beyond the quality cases: the shapes of query a search box really gets.
EXTRA_QUERIES = [
    "kraamzorg extra uren", "moedergroepen", "kraamzrog", "pop-poli", "poppoli", "consultatiebureau",
    "wijkteam overvecht", "huilbaby", "ouders baby hulp zorg thuis groep wijk", "jeugdgezondheidszorg",
    "opvoedondersteuning zuilen", "verloskundige", "k", "de", "hulp", "zorg",
    "buurtteam jeugd en gezin leidsche rijn", "psychische klachten zwangerschap", "geldzorgen", "taal",
    "x" * 10_000, "😀 AND ( ) \" * : ^ ~", "",
]


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def query_mix() -> list[str]:
    import yaml

    queries: list[str] = []
    for path in CASE_FILES:
        if path.is_file():
            queries += [str(c["q"]) for c in yaml.safe_load(path.read_text(encoding="utf-8")) or []]
    return queries + EXTRA_QUERIES


def setup_django(use_database: bool) -> None:
    if not use_database:
        scratch = Path(tempfile.mkdtemp(prefix="ww-search-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegwijzer.conf.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def real_documents(use_database: bool) -> list[dict]:
    from django.core.management import call_command

    from wegwijzer.socialmap import content
    from wegwijzer.socialmap.search.documents import search_documents

    call_command("migrate", verbosity=0)
    if not use_database or content.map_is_empty():
        content.load(if_empty=False, replace=True)
    return search_documents()


def percentile(sorted_ms: list[float], p: float) -> float:
    if not sorted_ms:
        return 0.0
    k = (len(sorted_ms) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(sorted_ms) - 1)
    return sorted_ms[lo] + (sorted_ms[hi] - sorted_ms[lo]) * (k - lo)


def measure(name: str, documents: list[dict], synonyms, queries: list[str], rounds: int) -> dict:
    from wegwijzer.socialmap.search.index import SearchIndex

    started = time.perf_counter()
    index = SearchIndex(documents, synonyms)
    build_s = time.perf_counter() - started
    for q in queries:  # warm-up: page in posting lists, fill stem caches
        index.search(q, limit=20)
    timings: list[float] = []
    cpu: list[float] = []
    per_query: dict[str, float] = {}
    hits = 0
    for _ in range(rounds):
        for q in queries:
            c0, t0 = time.thread_time_ns(), time.perf_counter_ns()
            result = index.search(q, limit=20)
            t1, c1 = time.perf_counter_ns(), time.thread_time_ns()
            timings.append((t1 - t0) / 1e6)
            cpu.append((c1 - c0) / 1e6)
            per_query[q] = max(per_query.get(q, 0.0), (c1 - c0) / 1e6)
            hits += bool(result)
    timings.sort()
    cpu.sort()
    slowest = sorted(per_query.items(), key=lambda kv: -kv[1])[:5]
    return {
        "map": name,
        "records": index.size,
        "build_seconds": round(build_s, 3),
        "queries": len(timings),
        "distinct_queries": len(queries),
        "with_results": round(hits / len(timings), 3),
        "p50_ms": round(percentile(timings, 50), 3),
        "p95_ms": round(percentile(timings, 95), 3),
        "p99_ms": round(percentile(timings, 99), 3),
        "mean_ms": round(statistics.fmean(timings), 3),
        "max_ms": round(timings[-1], 3),
        # CPU time of the searching thread: what the search costs, without time spent descheduled
        # while other processes use the cores (the wall-clock tail on a busy machine).
        "cpu_p50_ms": round(percentile(cpu, 50), 3),
        "cpu_p95_ms": round(percentile(cpu, 95), 3),
        "cpu_p99_ms": round(percentile(cpu, 99), 3),
        "slowest_cpu_ms": [{"q": q[:60], "ms": round(ms, 3)} for q, ms in slowest],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="in-process search latency")
    parser.add_argument("--synthetic", type=int, default=20_000, help="synthetic services (0: skip)")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the query mix per map")
    parser.add_argument("--use-database", action="store_true", help="use DATABASE_URL instead of a scratch SQLite")
    parser.add_argument("--out", type=Path, default=RESULTS / "search.json")
    args = parser.parse_args(argv)

    setup_django(args.use_database)
    from generate_map import generate
    from wegwijzer.socialmap.search import synonyms as synonyms_mod
    from wegwijzer.socialmap.search.lifecycle import synonyms_path

    synonyms = synonyms_mod.load(synonyms_path())
    queries = query_mix()
    rows = [measure("echte kaart (content/)", real_documents(args.use_database), synonyms, queries, args.rounds)]
    if args.synthetic:
        rows.append(measure(f"synthetisch ({args.synthetic})", generate(args.synthetic), synonyms, queries,
                            args.rounds))

    report = {"machine": machine(), "limit": 20, "results": rows,
              "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    m = report["machine"]
    print(f"Machine: {m['nproc']} CPU ({m['cpu']}), Python {m['python']}, load average {m['load_average']}")
    print()
    print("| map | records | build (s) | queries | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) "
          "| CPU p50 | CPU p95 | CPU p99 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['map']} | {r['records']} | {r['build_seconds']:.2f} | {r['queries']} | {r['p50_ms']:.2f} | "
              f"{r['p95_ms']:.2f} | {r['p99_ms']:.2f} | {r['max_ms']:.2f} | {r['cpu_p50_ms']:.2f} | "
              f"{r['cpu_p95_ms']:.2f} | {r['cpu_p99_ms']:.2f} |")
    for r in rows:
        print(f"slowest (CPU) on {r['map']}: " + ", ".join(f"{s['q']!r} {s['ms']:.1f} ms" for s in r["slowest_cpu_ms"]))
    print(f"\nwritten: {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
