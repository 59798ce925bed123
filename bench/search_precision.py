"""Search precision and recall on labelled queries, for any source tree (so main and a branch are compared in
one run, on one machine state). Not a test: numbers go to docs/search.md.

    PYTHONPATH=/work/main/src .venv/bin/python bench/search_precision.py --label main
    PYTHONPATH=src .venv/bin/python bench/search_precision.py --label branch

The labelled files are this checkout's (tests/socialmap/search-precision.yaml and the recall cases); the
code and content/ (synonyms included) are the imported tree's. The real map is loaded into a scratch
SQLite database. Metrics, per half of search-precision.yaml (tuned / held out) and overall:

- first right: the first result (or a record grouped under it) is one of `first`;
- top-5 fit: share of the (at most) five first results that are in `first` or `fits` (0 when none);
- results: mean number of results (limit 100), what a professional scrolls through;
- recall@5 on search-public.yaml + search-cases.yaml: the expected slug among the first five rows.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "tests" / "socialmap"


def setup() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="ww-search-precision-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'precision.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegwijzer.conf.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    from wegwijzer.socialmap import content
    from wegwijzer.socialmap.search import rebuild

    call_command("migrate", verbosity=0)
    content.load(if_empty=False, replace=True)
    rebuild()


def slugs_of(row: dict) -> set[str]:
    return {row["slug"], *(a["slug"] for a in row.get("also") or [])}


def measure() -> dict:
    from wegwijzer.socialmap.search import search

    precision = yaml.safe_load((CASES / "search-precision.yaml").read_text(encoding="utf-8"))
    out: dict = {}
    for half, keep in (("tuned", False), ("held", True), ("all", None)):
        cases = [c for c in precision if keep is None or bool(c.get("held")) == keep]
        first_right, fit5, counts, misses = [], [], [], []
        for case in cases:
            rows = search(case["q"], limit=100)
            first, fits = set(case["first"]), set(case["first"]) | set(case["fits"])
            right = bool(rows) and bool(slugs_of(rows[0]) & first)
            first_right.append(right)
            top = rows[:5]
            fit5.append(sum(bool(slugs_of(r) & fits) for r in top) / len(top) if top else 0.0)
            counts.append(len(rows))
            if not right:
                misses.append(f"{case['q']!r}: first {rows[0]['slug'] if rows else None}")
        out[half] = {
            "queries": len(cases),
            "first_right": round(statistics.mean(first_right), 3),
            "top5_fit": round(statistics.mean(fit5), 3),
            "mean_results": round(statistics.mean(counts), 1),
            "max_results": max(counts),
            "first_misses": misses,
        }
    recall_cases = [
        c for name in ("search-public.yaml", "search-cases.yaml")
        for c in yaml.safe_load((CASES / name).read_text(encoding="utf-8")) or []
    ]
    hits = [any(c["expect"] in slugs_of(r) for r in search(c["q"], limit=5)) for c in recall_cases]
    out["recall_at_5"] = {"queries": len(hits), "recall": round(sum(hits) / len(hits), 3)}
    out["issue_examples"] = {
        q: [r["slug"] for r in search(q, limit=100)][:12] + [f"({len(search(q, limit=100))} results)"]
        for q in ("huilbaby", "consultatiebureau", "wijkteam", "zwangere tiener zonder netwerk Overvecht")
    }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="tree", help="name of the measured tree in the output")
    args = parser.parse_args(argv)
    setup()
    import wegwijzer

    result = {"label": args.label, "source": str(Path(wegwijzer.__file__).parent), "load": os.getloadavg()}
    result.update(measure())
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
