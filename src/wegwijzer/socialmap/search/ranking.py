"""From a query plan to the results a professional reads: relevance cut, one row per real-world body,
and a "Bedoelde u …?" suggestion.

`search(index, typed, limit=, kind=)` returns an `Outcome`:

- hits scoring below `RELATIVE_CUT` of the best hit are dropped (the long tail of records sharing one
  weak word); when minimum-should-match leaves nothing, it is relaxed one word at a time;
- a role and the one organisation that fills it (documents.py gives both the same `group`) are one row:
  the better ranked one, with the other under `also`. A role filled by several organisations (ziekenhuis)
  is not grouped: those are different bodies;
- `suggestion`: the query with each unknown word replaced by the closest word of the index's names,
  other names and summaries (edit distance as for typos; ties: the more frequent word).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import tantivy
from rapidfuzz import process
from rapidfuzz.distance import OSA

from . import query as query_mod
from .text import STOPWORDS

if TYPE_CHECKING:
    from .index import SearchIndex

RELATIVE_CUT = 0.3  # a hit scoring under 30 % of the best one is noise, not a second choice
CANDIDATES = 200  # hits read before the cut and grouping (the cut keeps far fewer)
GROUP_SIZE = 2  # a group is one role plus the one organisation that fills it


@dataclass
class Outcome:
    results: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0  # rows after cut and grouping, before the limit
    suggestion: str = ""  # "" when every word is known
    filters: dict[str, list[str]] = field(default_factory=dict)


@dataclass(slots=True)
class _Hit:
    not_exact: bool
    score: float  # rounded
    address: Any
    group: int  # index.group_number of the record's group, 0 for none
    slug_key: int  # index.slug_key: orders ties by slug as far as the slugs' first 8 bytes differ
    document: tantivy.Document | None = None  # read only for hits that are shown or tie on all the above


def _key(address: Any) -> tuple[int, int]:
    return (address.segment_ord, address.doc)


def _hits(
    index: SearchIndex, searcher: tantivy.Searcher, built: tantivy.Query, kind: str | None, exact: set[tuple[int, int]]
) -> list[_Hit]:
    """The hits that pass the relative cut, ordered by (not an exact name, -score): a record whose name *is*
    the query leads. The cut is relative to the best score, whether or not that record is an exact name, and
    is applied on the scores alone; the groups come from a fast field in one call. No stored document is
    read here: `_rows` reads only those it shows (and orders ties by slug)."""
    if kind:
        kind_q = tantivy.Query.term_query(index.schema, "kind", kind, index_option="basic")
        built = tantivy.Query.boolean_query([(tantivy.Occur.Must, built), (tantivy.Occur.Must, kind_q)])
    # Rounded: near-equal float sums (added in another order) agree, for the cut and for ties by slug.
    scored = [(round(score, 5), address) for score, address in searcher.search(built, limit=CANDIDATES, count=False).hits]
    if not scored:
        return []
    floor = max(score for score, _address in scored) * RELATIVE_CUT
    if exact:
        kept = [(score, address, _key(address) not in exact) for score, address in scored]
        kept = [(score, address, not_exact) for score, address, not_exact in kept if score >= floor or not not_exact]
    else:  # the common case: no record is named as typed (no address to compare per hit)
        kept = [(score, address, True) for score, address in scored if score >= floor]
    groups, slug_keys = index.hit_keys(searcher, [address for _score, address, _n in kept])
    out = [
        _Hit(not_exact, score, address, group, key)
        for (score, address, not_exact), group, key in zip(kept, groups, slug_keys, strict=True)
    ]
    out.sort(key=_order)  # the rest of a tie is ordered by slug in _rows
    return out


def _order(hit: _Hit) -> tuple[bool, float, int]:
    return (hit.not_exact, -hit.score, hit.slug_key)


def _document(searcher: tantivy.Searcher, hit: _Hit) -> tantivy.Document:
    if hit.document is None:
        hit.document = searcher.doc(hit.address)
    return hit.document


def _row(index: SearchIndex, searcher: tantivy.Searcher, hit: _Hit) -> dict[str, Any]:
    return index.result_row(_document(searcher, hit))


def _rows(index: SearchIndex, searcher: tantivy.Searcher, hits: list[_Hit], limit: int) -> tuple[list[dict[str, Any]], int]:
    """The first `limit` rows (a group of two as one row, the other under `also`) and the number of rows.

    Equivalent to reading every hit, sorting by (not exact, -score, slug) and grouping, but it reads only
    the shown rows, their `also`, and the hits of a score tie it reaches (to order them by slug): the count
    follows from the group numbers alone."""
    seen: dict[int, int] = {}
    for hit in hits:
        if hit.group:
            seen[hit.group] = seen.get(hit.group, 0) + 1
    # A group is one row when both its records are hits and it has exactly those two (a role filled by
    # several organisations is no group of two).
    paired = {g for g, n in seen.items() if n >= 2 and index.group_size(searcher, g) == GROUP_SIZE}
    total = len(hits) - sum(seen[g] - 1 for g in paired)
    rows: list[dict[str, Any]] = []
    first_of: dict[int, dict[str, Any]] = {}
    position = 0
    while position < len(hits) and len(rows) < limit:
        end = position + 1
        while end < len(hits) and _order(hits[end]) == _order(hits[position]):
            end += 1
        run = hits[position:end]
        if len(run) > 1:
            run.sort(key=lambda h: str(_document(searcher, h).get_first("slug")))
            hits[position:end] = run
        for offset, hit in enumerate(run):
            if len(rows) >= limit:
                end = position + offset
                break
            row = _row(index, searcher, hit)
            row.pop("group", None)
            if hit.group in paired and hit.group in first_of:
                first_of[hit.group]["also"].append({k: row[k] for k in ("slug", "kind", "name", "url")})
                continue
            row["also"] = []
            rows.append(row)
            if hit.group in paired:
                first_of[hit.group] = row
        position = end
    for hit in hits[position:]:  # the other record of a group shown above, further down the list
        if hit.group in first_of:
            row = _row(index, searcher, hit)
            first_of[hit.group]["also"].append({k: row[k] for k in ("slug", "kind", "name", "url")})
    return rows, total


def _exact_names(index: SearchIndex, searcher: tantivy.Searcher, typed: Sequence[str]) -> set[tuple[int, int]]:
    hits = searcher.search(query_mod.exact_name_query(index, typed), limit=20, count=False).hits
    return {_key(address) for _score, address in hits}


def search(index: SearchIndex, typed: Sequence[str], *, limit: int, kind: str | None = None) -> Outcome:
    searcher = index.index.searcher()
    plan = query_mod.build(index, typed)
    if plan.query is None:
        return Outcome(suggestion=suggest(index, searcher, typed))
    exact = _exact_names(index, searcher, typed)
    hits = _hits(index, searcher, plan.query, kind, exact)
    need = plan.required
    while not hits and need > 1:  # nothing matches enough words: accept one fewer
        need -= 1
        relaxed = plan.with_need(need)
        if relaxed.query is not None:
            hits = _hits(index, searcher, relaxed.query, kind, exact)
    rows, total = _rows(index, searcher, hits, limit)
    return Outcome(rows, total, suggest(index, searcher, typed), plan.filters)


# ---------------------------------------------------------------------- "Bedoelde u …?"


def distance(a: str, b: str, bound: int) -> int:
    """Edit distance with transpositions (optimal string alignment); bound + 1 once it exceeds `bound`.
    rapidfuzz's C++ OSA: the pure-Python version was most of the time of a search with a typo."""
    return int(OSA.distance(a, b, score_cutoff=bound))


def _vocabulary(index: SearchIndex, searcher: tantivy.Searcher) -> tuple[list[tuple[str, int]], list[str]]:
    """(word, records) of the plain field, and the words alone; cached per index state (documents and segments)."""
    key = (searcher.num_docs, searcher.num_segments)
    cached = getattr(index, "_plain_vocabulary", None)
    if cached is None or cached[0] != key:
        words = [(t, n) for t, n in searcher.terms_with_prefix(query_mod.PLAIN_FIELD, "") if t.isalpha() and len(t) >= 3]
        cached = (key, words, [w for w, _n in words])
        index._plain_vocabulary = cached  # type: ignore[attr-defined]
    return cached[1], cached[2]


def _correction(index: SearchIndex, searcher: tantivy.Searcher, word: str) -> str | None:
    from .index import fuzzy_distance

    bound = fuzzy_distance(word)
    if not bound or not word.isalpha() or word in STOPWORDS:
        return None
    if index._stem(word) in index.known or len(index.decompounder.split(word)) > 1:
        return None  # a word of the map, or a compound of its words: nothing to correct
    vocabulary, words = _vocabulary(index, searcher)
    best: tuple[int, int, str] | None = None
    # Every word within the bound (rapidfuzz scans the vocabulary in C++), then the closest, the most frequent.
    for candidate, d, position in process.extract(
        word, words, scorer=OSA.distance, score_cutoff=bound, limit=None
    ):
        key = (int(d), -vocabulary[position][1], candidate)
        if best is None or key < best:
            best = key
    return best[2] if best else None


def suggest(index: SearchIndex, searcher: tantivy.Searcher, typed: Sequence[str]) -> str:
    """The query with likely typos corrected, or "" when there is nothing to correct."""
    changed = False
    out: list[str] = []
    for word in typed:
        fixed = _correction(index, searcher, word) if "-" not in word else None
        if fixed and fixed != word:
            changed = True
            out.append(fixed)
        else:
            out.append(word)
    return " ".join(out) if changed else ""
