"""Route engine benchmark: evaluation latency over many random valid situations (target p95 <= 1 ms).

Pure engine, no Django, no database: validate_situation + evaluate, timed one call at a time.
Writes bench/results/engine.json and the "## Route engine" section of docs/performance.md.

    .venv/bin/python bench/engine_bench.py [--n 20000] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from wegwijzer.routeguide.engine import evaluate, load_ruleset, load_vocabulary, validate_situation  # noqa: E402
from wegwijzer.routeguide.engine.situation import WEEKS_BY_PHASE  # noqa: E402

CONTENT = REPO / "content"
RESULTS = REPO / "bench" / "results" / "engine.json"
PERF_DOC = REPO / "docs" / "performance.md"
SECTION = "## Route engine"


def random_situation(rng: random.Random, vocab) -> dict:
    phase = rng.choice(list(vocab.phases))
    weeks = WEEKS_BY_PHASE[phase]
    data = {
        "phase": phase,
        "reporter": rng.choice(list(vocab.reporters)),
        "wijk": rng.choice([None, *vocab.wijken]),
        "concerns": rng.sample(list(vocab.concerns), rng.randint(0, 5)),
        "buurtteam_involved": rng.choice([None, True, False]),
        "urgent": rng.random() < 0.15,
        "child_protection_order": rng.random() < 0.05,
        "ambulant_sufficient": rng.random() > 0.05,
        "related_to_baby_care": rng.random() > 0.1,
    }
    if weeks is not None:
        data["weeks_since_birth"] = rng.choice([None, rng.randint(*weeks)])
    return data


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "onbekend"


def summarise(samples_ns: list[int]) -> dict:
    us = [s / 1000 for s in samples_ns]
    return {
        "p50_us": round(pct(us, 50), 2),
        "p95_us": round(pct(us, 95), 2),
        "p99_us": round(pct(us, 99), 2),
        "max_us": round(max(us), 2),
        "mean_us": round(statistics.fmean(us), 2),
    }


def run(n: int, seed: int) -> dict:
    t0 = time.perf_counter()
    vocab = load_vocabulary(CONTENT / "vocabulary.yaml")
    ruleset = load_ruleset(CONTENT / "routeguide" / "rules", vocab, CONTENT / "routeguide" / "schema" / "rules.schema.json")
    load_ms = (time.perf_counter() - t0) * 1000
    rng = random.Random(seed)
    raw = [random_situation(rng, vocab) for _ in range(n)]
    situations = [validate_situation(d, vocab) for d in raw]
    for s in situations[:500]:  # warm-up
        evaluate(s, ruleset)
    eval_ns, full_ns = [], []
    clock = time.perf_counter_ns
    for data, s in zip(raw, situations, strict=True):
        start = clock()
        evaluate(s, ruleset)
        eval_ns.append(clock() - start)
        start = clock()
        evaluate(validate_situation(data, vocab), ruleset)
        full_ns.append(clock() - start)
    return {
        "benchmark": "route engine: evaluate(situation, ruleset), pure Python, one call at a time",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "situations": n,
        "seed": seed,
        "rules": len(ruleset.rules),
        "content_version": ruleset.content_version,
        "ruleset_load_ms": round(load_ms, 1),
        "evaluate": summarise(eval_ns),
        "validate_and_evaluate": summarise(full_ns),
        "target": {"p95_us": 1000},
        "machine": {
            "nproc": os.cpu_count(),
            "cpu": cpu_model(),
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "loadavg_1m_at_start": round(os.getloadavg()[0], 2),
        },
    }


def write_section(result: dict) -> None:
    e, f, m = result["evaluate"], result["validate_and_evaluate"], result["machine"]
    verdict = "gehaald" if e["p95_us"] <= result["target"]["p95_us"] else "NIET gehaald"
    section = "\n".join([
        SECTION,
        "",
        f"`bench/engine_bench.py` ({result['date']}): {result['situations']} random valid situations drawn from the "
        f"vocabulary (seed {result['seed']}), {result['rules']} rules (content_version `{result['content_version']}`), "
        "timed one call at a time after a warm-up; pure engine, no Django, no database.",
        "",
        "| measure | p50 | p95 | p99 | max |",
        "| --- | --- | --- | --- | --- |",
        f"| `evaluate` | {e['p50_us']} µs | {e['p95_us']} µs | {e['p99_us']} µs | {e['max_us']} µs |",
        f"| `validate_situation` + `evaluate` | {f['p50_us']} µs | {f['p95_us']} µs | {f['p99_us']} µs | {f['max_us']} µs |",
        "",
        f"Target p95 ≤ 1 ms: {verdict}. Loading and validating the rule set (once per process): "
        f"{result['ruleset_load_ms']} ms.",
        f"Machine: {m['nproc']} CPU(s) ({m['cpu']}), {m['implementation']} {m['python']}, {m['platform']}; "
        f"1-minute load average at start {m['loadavg_1m_at_start']} (other processes share the CPUs, which "
        "shows in the tail). Raw numbers: `bench/results/engine.json`.",
        "",
    ])
    text = PERF_DOC.read_text(encoding="utf-8") if PERF_DOC.exists() else "# Performance\n\n"
    start = text.find(SECTION + "\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + ("\n" + text[end + 1:] if end != -1 else "")
    PERF_DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-doc", action="store_true", help="do not update docs/performance.md")
    args = parser.parse_args()
    result = run(args.n, args.seed)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if not args.no_doc:
        write_section(result)
    e = result["evaluate"]
    print(f"evaluate p50 {e['p50_us']} µs, p95 {e['p95_us']} µs, p99 {e['p99_us']} µs -> {RESULTS}")


if __name__ == "__main__":
    main()
