"""Ranking reads groups and slug order from fast fields and decodes only the rows it shows (issue 9).

The outcome must be what reading every candidate would give: every hit decoded, sorted by (not an exact
name, -score, slug), a role and its one organisation as one row. `reference` below does exactly that from
the raw tantivy hits, and the tests compare it with `SearchIndex.search_outcome`, on an index with long
score ties (slugs sharing their first 8 bytes, so the slug key alone cannot order them) and groups.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from wegwijzer.socialmap.models import Role
from wegwijzer.socialmap.search import lifecycle, ranking
from wegwijzer.socialmap.search import query as query_mod
from wegwijzer.socialmap.search.index import INDEX_FORMAT, SearchIndex, slug_key
from wegwijzer.socialmap.search.text import words


def doc(slug: str, kind: str, name: str, summary: str = "", group: str = "") -> dict[str, Any]:
    return {
        "id": slug, "slug": slug, "kind": kind, "name": name, "alternate_name": "", "summary": summary,
        "description": "", "target_group": "", "conditions": "", "application_process": "", "laws": [],
        "phases": [], "domain": "", "access": [], "wijken": [], "url": f"/kaart/{slug}/", "group": group,
    }


def documents() -> list[dict[str, Any]]:
    docs = [
        doc("veilig-thuis", "rol", "Veilig Thuis", "Advies bij huiselijk geweld en kraamzorg.", group="veilig-thuis"),
        doc("veilig-thuis-org", "organisatie", "Veilig Thuis Utrecht", "Kraamzorg en advies.", group="veilig-thuis"),
        doc("ziekenhuis", "rol", "Ziekenhuis", "Kraamzorg in het ziekenhuis.", group="ziekenhuis"),
        doc("zh-a", "organisatie", "Ziekenhuis A", "Kraamzorg in het ziekenhuis.", group="ziekenhuis"),
        doc("zh-b", "organisatie", "Ziekenhuis B", "Kraamzorg in het ziekenhuis.", group="ziekenhuis"),
        doc("kraamzorg", "rol", "Kraamzorg", "Kraamzorg thuis."),
    ]
    # 40 identical records: one long tie. Their slugs share a 12-byte prefix, in an order the index does
    # not add them in (the index adds in slug order; ties must still come out by slug, not by number).
    for n in [17, 3, 29, 8, 36, 1, 22, 14, 39, 5, 31, 10, 26, 19, 2, 34, 12, 7, 24, 38,
              0, 15, 28, 4, 33, 11, 21, 9, 37, 16, 6, 27, 13, 35, 20, 30, 18, 25, 32, 23]:
        docs.append(doc(f"kraamzorg-dienst-{n}", "dienst", "Dienst", "Kraamzorg voor ouders."))
    # Ties whose slugs differ early: ordered by the slug key alone.
    for slug in ("b-kraam", "a-kraam", "c-kraam"):
        docs.append(doc(slug, "dienst", "Hulp", "Kraamzorg voor ouders."))
    return docs


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    built = SearchIndex(documents())
    # Updated records land in a new segment, after the others in tantivy's order of equal scores: the
    # ranking must still order them by slug (a fresh index alone is already in slug order).
    again = [d for d in documents() if d["slug"] in ("kraamzorg-dienst-0", "kraamzorg-dienst-1", "a-kraam", "zh-a")]
    built.apply(upserts=again, removed=[])
    assert built.index.searcher().num_segments == 2
    return built


def reference(index: SearchIndex, text: str, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Every candidate decoded, sorted, grouped: what ranking did before it read fast fields."""
    typed = words(text)
    searcher = index.index.searcher()
    plan = query_mod.build(index, typed)
    assert plan.query is not None
    exact = {(a.segment_ord, a.doc) for _s, a in searcher.search(query_mod.exact_name_query(index, typed), 20).hits}
    scored = [(round(float(s), 5), a) for s, a in searcher.search(plan.query, limit=ranking.CANDIDATES).hits]
    floor = max(s for s, _a in scored) * ranking.RELATIVE_CUT
    hits = []
    for score, address in scored:
        not_exact = (address.segment_ord, address.doc) not in exact
        if score >= floor or not not_exact:
            row = index._hit(searcher, address)
            hits.append((not_exact, -score, row["slug"], row))
    hits.sort(key=lambda h: h[:3])
    sizes: dict[str, int] = {}
    for _n, _s, _slug, row in hits:
        if row["group"]:
            sizes[row["group"]] = sum(1 for d in documents() if d["group"] == row["group"])
    rows: list[dict[str, Any]] = []
    first: dict[str, dict[str, Any]] = {}
    for _n, _s, _slug, row in hits:
        group = row.pop("group")
        row["also"] = []
        if group and sizes[group] == ranking.GROUP_SIZE:
            if group in first:
                first[group]["also"].append({k: row[k] for k in ("slug", "kind", "name", "url")})
                continue
            first[group] = row
        rows.append(row)
    return rows[:limit], len(rows)


@pytest.mark.parametrize("text", ["kraamzorg", "kraamzorg ouders", "ziekenhuis", "veilig thuis", "advies"])
@pytest.mark.parametrize("limit", [1, 3, 20, 100])
def test_outcome_equals_reading_every_candidate(index, text, limit):
    outcome = index.search_outcome(text, limit=limit)
    rows, total = reference(index, text, limit)
    assert outcome.results == rows
    assert outcome.total == total


def test_a_long_tie_comes_out_in_slug_order(index):
    tied = [r["slug"] for r in index.search("kraamzorg ouders", limit=100) if r["slug"].startswith("kraamzorg-dienst")]
    assert len(tied) == 40
    assert tied == sorted(tied)
    assert slug_key("kraamzorg-dienst-1") == slug_key("kraamzorg-dienst-2")  # the key alone cannot order them


def test_a_group_of_two_is_one_row_with_the_other_under_also(index):
    rows = index.search("veilig thuis", limit=20)
    assert [r["slug"] for r in rows][:1] == ["veilig-thuis"]
    assert [a["slug"] for a in rows[0]["also"]] == ["veilig-thuis-org"]
    assert "veilig-thuis-org" not in [r["slug"] for r in rows]


def test_an_index_without_the_fast_fields_gives_the_same_outcome(index):
    """A generation written before the fast fields (format 1) is read the old way until it is rebuilt."""
    expected = {t: index.search_outcome(t, limit=20) for t in ("kraamzorg ouders", "veilig thuis", "ziekenhuis")}
    index.has_group_field = False
    try:
        for text, outcome in expected.items():
            assert index.search_outcome(text, limit=20) == outcome
    finally:
        index.has_group_field = True


@pytest.mark.django_db
def test_a_generation_of_another_format_is_rebuilt():
    Role.objects.create(slug="kraamzorg", name="Kraamzorg", summary="Helpt in de eerste week.")
    assert lifecycle.follow_once(rebuild=True) == "rebuilt"
    generation = lifecycle.generation_current()
    assert generation is not None and generation.state["format"] == INDEX_FORMAT
    assert lifecycle.follow_once() == "fresh"
    state = {k: v for k, v in generation.state.items() if k != "format"}  # as written before the fast fields
    (generation.path / lifecycle.STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    assert lifecycle.follow_once() == "rebuilt"
    rebuilt = lifecycle.generation_current()
    assert rebuilt is not None and rebuilt.path != generation.path and rebuilt.state["format"] == INDEX_FORMAT
