"""Beside the product: SQLite FTS5 and PostgreSQL `dutch` full-text search on the same documents and queries.

    .venv/bin/python bench/search_fts_compare.py [--synthetic 20000,50000] [--postgres postgres://postgres@127.0.0.1:5432/postgres]

Quality: recall@5 on the held queries (tests/socialmap/search-public.yaml and search-cases.yaml: query ->
slug expected in the top 5) over the real map (content/). Speed: p50/p95 wall and CPU time of the same
query mix as search_bench.py over the real map and N synthetic services, as ratios to the product's own
search measured in the same run. Both engines get the fields and weights the product uses (name 6,
other names 4.5, summary 2, tags 1.2, texts 1); a query is its words ORed (the product's words are also
optional), best rank first. PostgreSQL runs in a scratch database that is dropped afterwards.
Writes bench/results/search_fts.json and prints markdown.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))
RESULTS = REPO / "bench" / "results"

BODY = ("description", "target_group", "conditions", "application_process")
TAGS = ("kind", "laws", "phases", "domain", "access", "wijken", "tag_labels")


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, (list, tuple, set)):
        return " ".join(_text(x) for x in v)
    return str(v)


def rows(documents: list[dict]) -> list[tuple[str, str, str, str, str, str]]:
    return [(str(d["slug"]), _text(d.get("name")), _text(d.get("alternate_name")), _text(d.get("summary")),
             " ".join(_text(d.get(k)) for k in BODY), " ".join(_text(d.get(k)) for k in TAGS)) for d in documents]


def words_of(query: str) -> list[str]:
    from wegwijzer.socialmap.search.text import MAX_QUERY_CHARS, MAX_QUERY_WORDS, words

    return words(query[:MAX_QUERY_CHARS])[:MAX_QUERY_WORDS]


class Fts5:
    def __init__(self, documents: list[dict]):
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute("CREATE VIRTUAL TABLE d USING fts5(slug UNINDEXED, name, alt, summary, body, tags, "
                        "tokenize = 'unicode61 remove_diacritics 2')")
        self.db.executemany("INSERT INTO d VALUES (?, ?, ?, ?, ?, ?)", rows(documents))
        self.db.execute("INSERT INTO d(d) VALUES ('optimize')")

    def search(self, query: str, limit: int = 20) -> list[str]:
        ws = words_of(query)
        if not ws:
            return []
        match = " OR ".join('"' + w.replace('"', "") + '"' for w in ws)
        sql = "SELECT slug FROM d WHERE d MATCH ? ORDER BY bm25(d, 0, 6.0, 4.5, 2.0, 1.0, 1.2), slug LIMIT ?"
        return [r[0] for r in self.db.execute(sql, (match, limit))]


class PostgresFts:
    def __init__(self, documents: list[dict], url: str):
        import psycopg

        self.admin = psycopg.connect(url, autocommit=True)
        self.name = f"ww_fts_{uuid.uuid4().hex[:8]}"
        self.admin.execute(f"CREATE DATABASE {self.name}")
        base, _sep, _db = url.rpartition("/")
        self.db = psycopg.connect(f"{base}/{self.name}", autocommit=True)
        self.db.execute("CREATE TABLE d (slug text, name text, alt text, summary text, body text, tags text, "
                        "v tsvector)")
        with self.db.cursor() as cur, cur.copy("COPY d (slug, name, alt, summary, body, tags) FROM STDIN") as copy:
            for row in rows(documents):
                copy.write_row(row)
        # tsvector weights: A name, B other names, C summary and tags, D texts; ts_rank gets them as the product's
        # weights over the name's (D 1/6, C 2/6, B 4.5/6, A 1: ts_rank allows 0..1).
        self.db.execute("UPDATE d SET v = setweight(to_tsvector('dutch', name), 'A') || "
                        "setweight(to_tsvector('dutch', alt), 'B') || setweight(to_tsvector('dutch', summary), 'C') "
                        "|| setweight(to_tsvector('dutch', tags), 'C') || setweight(to_tsvector('dutch', body), 'D')")
        self.db.execute("CREATE INDEX d_v ON d USING gin (v)")
        self.db.execute("ANALYZE d")

    def search(self, query: str, limit: int = 20) -> list[str]:
        ws = words_of(query)
        if not ws:
            return []
        sql = ("SELECT slug FROM d, to_tsquery('dutch', %s) q WHERE v @@ q "
               "ORDER BY ts_rank(ARRAY[0.17, 0.33, 0.75, 1.0]::float4[], v, q) DESC, slug LIMIT %s")
        terms = " | ".join("'" + w.replace("'", "") + "'" for w in ws)
        return [r[0] for r in self.db.execute(sql, (terms, limit))]

    def close(self) -> None:
        self.db.close()
        self.admin.execute(f"DROP DATABASE {self.name}")
        self.admin.close()


def product(documents: list[dict]):
    from wegwijzer.socialmap.search import synonyms as synonyms_mod
    from wegwijzer.socialmap.search.index import SearchIndex
    from wegwijzer.socialmap.search.lifecycle import synonyms_path

    index = SearchIndex(documents, synonyms_mod.load(synonyms_path()))

    class Product:
        def search(self, query: str, limit: int = 20) -> list[str]:
            return [r["slug"] for r in index.search(query, limit=limit)]

    return Product()


def timed(engine, queries: list[str], rounds: int) -> dict:
    from search_bench import percentile

    for q in queries:
        engine.search(q)
    wall, cpu = [], []
    for _ in range(rounds):
        for q in queries:
            c0, t0 = time.thread_time_ns(), time.perf_counter_ns()
            engine.search(q)
            t1, c1 = time.perf_counter_ns(), time.thread_time_ns()
            wall.append((t1 - t0) / 1e6)
            cpu.append((c1 - c0) / 1e6)
    wall.sort()
    cpu.sort()
    return {"p50_ms": round(percentile(wall, 50), 3), "p95_ms": round(percentile(wall, 95), 3),
            "cpu_p50_ms": round(percentile(cpu, 50), 3), "cpu_p95_ms": round(percentile(cpu, 95), 3)}


def recall(engine, cases: list[tuple[str, str]]) -> float:
    return round(sum(expect in engine.search(q, limit=5) for q, expect in cases) / len(cases), 3)


def held_cases() -> list[tuple[str, str]]:
    import yaml

    from search_bench import CASE_FILES

    out = []
    for path in CASE_FILES:
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            out.append((str(case["q"]), str(case["expect"])))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="product search vs SQLite FTS5 vs PostgreSQL FTS")
    parser.add_argument("--synthetic", default="20000,50000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres",
                        help="a server where a scratch database may be created ('' to skip)")
    parser.add_argument("--out", type=Path, default=RESULTS / "search_fts.json")
    args = parser.parse_args(argv)

    from search_bench import machine, query_mix, real_documents, setup_django

    setup_django(use_database=False)
    from generate_map import generate

    queries = query_mix()
    maps = [("echte kaart (content/)", real_documents(False))]
    maps += [(f"synthetisch ({n})", generate(n)) for n in (int(x) for x in args.synthetic.split(",") if x)]
    results = []
    for name, documents in maps:
        engines = {"product (tantivy)": product(documents), "SQLite FTS5": Fts5(documents)}
        if args.postgres:
            engines["PostgreSQL dutch"] = PostgresFts(documents, args.postgres)
        row = {"map": name, "records": len(documents), "engines": {}}
        try:
            for label, engine in engines.items():
                row["engines"][label] = timed(engine, queries, args.rounds)
                if name.startswith("echte"):
                    row["engines"][label]["recall_at_5"] = recall(engine, held_cases())
        finally:
            for engine in engines.values():
                if isinstance(engine, PostgresFts):
                    engine.close()
        base = row["engines"]["product (tantivy)"]
        for stats in row["engines"].values():
            stats["cpu_p95_vs_product"] = round(stats["cpu_p95_ms"] / base["cpu_p95_ms"], 2) if base["cpu_p95_ms"] else None
            stats["p95_vs_product"] = round(stats["p95_ms"] / base["p95_ms"], 2) if base["p95_ms"] else None
        results.append(row)
        print(json.dumps(row), flush=True)
    report = {"machine": machine(), "results": results, "queries": len(queries), "held_cases": len(held_cases()),
              "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print("\n| map | engine | recall@5 | p50 (ms) | p95 (ms) | CPU p95 (ms) | p95 ÷ product | CPU p95 ÷ product |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in results:
        for label, s in row["engines"].items():
            print(f"| {row['map']} | {label} | {s.get('recall_at_5', '–')} | {s['p50_ms']} | {s['p95_ms']} "
                  f"| {s['cpu_p95_ms']} | {s['p95_vs_product']} | {s['cpu_p95_vs_product']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
