"""The tantivy index of the social map: documents in, ranked results out.

`SearchIndex(documents, synonyms)` builds an index (in memory, or into a directory with `path=`) from plain
dicts (see `wegwijzer.socialmap.search.documents.search_documents`) and answers queries;
`SearchIndex.open(path, vocabulary)` opens one another process built, and `apply` updates records in place.
Where the index lives and who keeps it current: `wegwijzer.socialmap.search.lifecycle`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy

from . import query as query_mod
from . import ranking
from . import synonyms as synonyms_mod
from .text import (
    ANALYZER,
    ANALYZER_NAME,
    MAX_QUERY_CHARS,
    MAX_QUERY_WORDS,
    STOPWORDS,
    Decompounder,
    expand_hyphens,
    index_text,
    stem,
    tokens,
    words,
)

logger = logging.getLogger("wegwijzer.search")

# Field weights (BM25 scores are multiplied by these). Names count most, then what people call a thing,
# then its code, then the one-line summary, then the long texts.
EXACT_FIELDS: dict[str, float] = {
    "name": 6.0,
    "alternate_name": 4.5,
    "slug_words": 4.0,
    "summary": 2.0,
    "tags": 1.2,
    "body": 1.0,
}
# Compound parts ("moedergroepen" -> moeder + groep), lower than an exact word.
PARTS_FIELDS: dict[str, float] = {"title_parts": 2.0, "body_parts": 0.5}
# The parts fields a typed compound's parts are looked up in. Not the long texts' parts: in the records of a
# large map nearly every common part ("zorg", "baby") is in some compound of the long texts (26,000 of 50,000
# records), so that field cost a quarter of a compound word's search for matches under the relevance cut
# (the real map's outcomes did not change). body_parts is still written: an older version's readers search it.
PARTS_SEARCHED = ("title_parts",)
PART_EXACT_FACTOR = 0.35  # a part of the typed compound found as a word of its own
# Typo tolerance: a fuzzy match scores a constant (no BM25), so these are absolute: about half of what an
# exact match in the same field typically scores. Only the best field counts (no tie breaker).
FUZZY_FIELDS: dict[str, float] = {"name": 6.0, "alternate_name": 5.0, "slug_words": 4.0, "summary": 2.0, "body": 1.0}
PHRASE_FIELDS: dict[str, float] = {"name": 4.0, "alternate_name": 3.0}
JOINED_WEIGHT = 0.8  # "pop poli" also tried as "poppoli"
SYNONYM_WEIGHT = 0.9  # an expansion, beside what was typed
STOPWORD_WEIGHT = 0.15
BODY_KEYS = ("description", "target_group", "conditions", "application_process")
TAG_KEYS = ("kind", "laws", "phases", "domain", "access", "wijken", "tag_labels")
RESULT_KEYS = ("slug", "kind", "name", "summary", "url")
# The record's group (query.group_of) as a number in a fast field: ranking reads the groups of all candidate
# hits in one call and decodes only the stored documents it shows (decoding every hit was ~40 % of a search).
GROUP_FIELD = "group_no"
# The slug's first 8 bytes as a number: equal scores are ordered by slug, and this orders most of a tie
# (thousands of equal fuzzy scores on a large map) without reading the stored documents.
SLUG_KEY_FIELD = "slug_key"
WORD_QUERY_CACHE = 2_000  # word queries kept per index (see _word_query): a few MB
# What a generation on disk holds; lifecycle rebuilds one written in another format (2: the fast fields;
# 3: query.NO_CODE_FIELD, "no wijk / no phase").
INDEX_FORMAT = 3


def slug_key(slug: str) -> int:
    """A number that orders like the slug wherever the two differ in their first 8 bytes (UTF-8 byte order
    is code point order, and zero padding puts a prefix first)."""
    return int.from_bytes(slug.encode()[:8].ljust(8, b"\0"), "big")


def group_number(group: str) -> int:
    """A group as a 63-bit number, 0 for none. Two groups sharing a number (odds ~1e-10 at 50,000) only
    look larger than two records together, so they are shown ungrouped; nothing is lost."""
    if not group:
        return 0
    return (int.from_bytes(hashlib.blake2b(group.encode(), digest_size=8).digest(), "big") >> 1) or 1


def fuzzy_distance(word: str) -> int:
    """Edit distance allowed for a typed word: none below 4 letters, 1 from 4, 2 from 8."""
    n = len(word)
    return 2 if n >= 8 else 1 if n >= 4 else 0


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set)):
        return " ".join(_text(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class _Term:
    word: str  # folded word as typed (no hyphens)
    stem: str
    weight: float
    fuzzy: bool
    parts: bool = True  # also as the parts of a compound ("moedergroepen" -> moeder + groep)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("slug", stored=True, tokenizer_name="raw")
    # The record's stable id: an update deletes by this term (a rename changes the slug, not the id).
    builder.add_text_field("rid", stored=False, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("kind", stored=False, tokenizer_name="raw", index_option="basic")
    for name in EXACT_FIELDS:
        builder.add_text_field(name, tokenizer_name=ANALYZER_NAME)
    for name in PARTS_FIELDS:
        builder.add_text_field(name, tokenizer_name=ANALYZER_NAME, index_option="freq")
    builder.add_unsigned_field(GROUP_FIELD, indexed=True, fast=True)
    builder.add_unsigned_field(SLUG_KEY_FIELD, fast=True)
    query_mod.add_fields(builder)  # facets (wijk/phase filters, groups), exact names, plain words
    # What a hit returns (RESULT_KEYS as JSON): stored in the index, so a worker needs nothing else in memory.
    builder.add_bytes_field("result", stored=True, indexed=False)
    return builder.build()


class _KnownTerms:
    """`stem in index.known`: does the stem occur in any exact field (one term lookup per field)?

    Asked of the index itself, so it stays right after per-record updates without a set in memory."""

    def __init__(self, index: tantivy.Index):
        self._index = index

    def __contains__(self, term: object) -> bool:
        if not isinstance(term, str) or not term:
            return False
        searcher = self._index.searcher()
        return any(searcher.doc_freq(f, term) for f in EXACT_FIELDS)


def _has_fast_field(index: tantivy.Index, name: str) -> bool:
    """Whether an opened index's schema has this fast field (tantivy's Python schema lists no fields)."""
    try:
        index.searcher().fast_field_values(name, [])
    except ValueError:  # "Unknown field": a generation written before the field existed
        return False
    return True


class SearchIndex:
    """A tantivy index of search documents: built in memory (`SearchIndex(documents)`), built into a
    directory (`path=`), or opened from one (`SearchIndex.open`); `apply` updates records in place."""

    def __init__(
        self,
        documents: Iterable[dict[str, Any]] = (),
        synonyms: synonyms_mod.Synonyms | None = None,
        *,
        path: Path | None = None,
    ):
        started = time.perf_counter()
        self.synonyms = synonyms or synonyms_mod.Synonyms()
        self.path = path
        self._stem_cache: dict[str, str] = {}
        prepared, words_seen = self._prepare(documents)
        # Compound parts must be words of the map itself (or their stems: "babygroep" splits into
        # baby + groep even when only "groepen" occurs); function words are never parts.
        self.corpus_vocabulary: frozenset[str] = frozenset(self._vocabulary(words_seen))
        self._set_decompounder()
        self.schema = _schema()
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(self.schema, path=str(path) if path else None, reuse=False)
        self.index.register_tokenizer(ANALYZER_NAME, ANALYZER)
        query_mod.register(self.index)
        # One thread, one commit: a single segment with documents in slug order, so equal scores tie by slug.
        writer = self.index.writer(heap_size=max(15_000_000, 2_000 * len(prepared)), num_threads=1)
        for row in prepared:
            writer.add_document(self._document(row))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.has_group_field = True
        self.index_format = INDEX_FORMAT
        self._group_names: dict[int, str] = {}  # format 1 only (see hit_keys)
        # Every stem that occurs anywhere: a typed word that is a known stem is not "corrected".
        self.known = _KnownTerms(self.index)
        self.build_seconds = time.perf_counter() - started

    @classmethod
    def open(
        cls,
        path: Path,
        vocabulary: Iterable[str],
        synonyms: synonyms_mod.Synonyms | None = None,
        *,
        index_format: int = INDEX_FORMAT,
    ) -> SearchIndex:
        """Open an index another process built (read-only use: searches and `reload`); `index_format` is
        the format its generation's state names (an older one is read the older way)."""
        started = time.perf_counter()
        self = cls.__new__(cls)
        self.synonyms = synonyms or synonyms_mod.Synonyms()
        self.path = path
        self._stem_cache = {}
        self.corpus_vocabulary = frozenset(vocabulary)
        self._set_decompounder()
        self.index = tantivy.Index.open(str(path))
        self.index.register_tokenizer(ANALYZER_NAME, ANALYZER)
        query_mod.register(self.index)
        self.index.config_reader(reload_policy="Manual", num_warmers=0)  # we reload when the state file says so
        self.schema = self.index.schema
        self.has_group_field = _has_fast_field(self.index, GROUP_FIELD)
        self.index_format = index_format
        self._group_names = {}
        self.known = _KnownTerms(self.index)
        self.build_seconds = time.perf_counter() - started
        return self

    @property
    def size(self) -> int:
        return int(self.index.searcher().num_docs)

    def _vocabulary(self, words_seen: Iterable[str]) -> set[str]:
        vocabulary = {w for w in words_seen if w.isalpha() and w not in STOPWORDS}
        return vocabulary | {self._stem(w) for w in vocabulary}

    def _set_decompounder(self) -> None:
        self.decompounder = Decompounder(self.corpus_vocabulary | self._vocabulary(self.synonyms.vocabulary()))
        # The word queries depend on the compound splits: built again after the vocabulary grew.
        self._word_queries: dict[tuple[_Term, bool], tantivy.Query | None] = {}

    def add_vocabulary(self, words: Iterable[str]) -> set[str]:
        """Add corpus words (already filtered and stemmed); returns the ones that were new."""
        new = set(words) - self.corpus_vocabulary
        if new:
            self.corpus_vocabulary = self.corpus_vocabulary | new
            self._set_decompounder()
        return new

    def _prepare(self, documents: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], set[str]]:
        """Documents -> index rows in slug order (first of a slug wins), and every word they contain."""
        docs = sorted((d for d in documents if d.get("slug")), key=lambda d: str(d["slug"]))
        seen: set[str] = set()
        prepared: list[dict[str, Any]] = []
        words_seen: set[str] = set()
        for doc in docs:
            slug = str(doc["slug"])
            if slug in seen:
                continue
            seen.add(slug)
            # Short fields get the full treatment in Python (hyphen joins); long texts go to tantivy as
            # they are (its tokenizer splits on non-alphanumerics, lowercases and folds accents the same way).
            row: dict[str, Any] = {
                "slug": slug,
                "rid": str(doc.get("id") or slug),
                "kind": str(doc.get("kind") or ""),
                "name": index_text(_text(doc.get("name"))),
                "alternate_name": index_text(_text(doc.get("alternate_name"))),
                "slug_words": index_text(slug),
                "summary": index_text(_text(doc.get("summary"))),
                "body": " ".join(_text(doc.get(k)) for k in BODY_KEYS),
                "tags": " ".join(_text(doc.get(k)) for k in TAG_KEYS),
                "result": {**{k: ("" if doc.get(k) is None else str(doc.get(k))) for k in RESULT_KEYS},
                           "group": query_mod.group_of(doc)},
                "source": doc,
            }
            row["title_words"] = set(" ".join((row["name"], row["alternate_name"], row["slug_words"])).split())
            row["body_words"] = set(row["summary"].split()) | set(tokens(row["body"]))
            words_seen |= row["title_words"]
            words_seen |= row["body_words"]
            prepared.append(row)
        return prepared, words_seen

    def _document(self, row: dict[str, Any]) -> tantivy.Document:
        document = tantivy.Document()
        document.add_text("slug", row["slug"])
        document.add_text("rid", row["rid"])
        document.add_text("kind", row["kind"])
        for name in EXACT_FIELDS:
            document.add_text(name, row[name])
        document.add_text("title_parts", self._parts_text(row["title_words"]))
        document.add_text("body_parts", self._parts_text(row["body_words"]))
        query_mod.document_fields(row["source"], document)
        document.add_unsigned(GROUP_FIELD, group_number(row["result"]["group"]))
        document.add_unsigned(SLUG_KEY_FIELD, slug_key(row["slug"]))
        document.add_bytes("result", json.dumps(row["result"], ensure_ascii=False).encode())
        return document

    def apply(self, *, upserts: Iterable[dict[str, Any]], removed: Iterable[str]) -> set[str]:
        """Per-record update: delete every named record id (and each upserted one) by term, add the new
        documents, commit, reload. Returns the corpus words that were new (the caller persists them).

        Compounds of records already indexed keep the parts they were split into; a full rebuild re-splits."""
        prepared, words_seen = self._prepare(upserts)
        new_words = self.add_vocabulary(self._vocabulary(words_seen))
        writer = self.index.writer(heap_size=15_000_000, num_threads=1)
        for rid in sorted({*removed, *(row["rid"] for row in prepared)}):
            writer.delete_documents_by_term("rid", rid)
        for row in prepared:
            writer.add_document(self._document(row))
        writer.commit()
        writer.wait_merging_threads()  # also releases the directory's writer lock
        self.index.reload()
        return new_words

    # ------------------------------------------------------------------ analysis helpers

    def _stem(self, word: str) -> str:
        cached = self._stem_cache.get(word)
        if cached is None:
            cached = stem(word)
            if len(self._stem_cache) < 500_000:
                self._stem_cache[word] = cached
        return cached

    def _parts_text(self, words_of_record: Iterable[str]) -> str:
        """The parts of the compounds among these words ("moederbabygroep" -> "moeder baby groep")."""
        out: list[str] = []
        for word in sorted(words_of_record):
            parts = self.decompounder.split(word)
            if len(parts) > 1:
                out.append(" ".join(parts))
        return " ".join(out)

    # ------------------------------------------------------------------ query building (see query.py)

    phrase_fields = PHRASE_FIELDS
    exact_fields = EXACT_FIELDS
    joined_weight = JOINED_WEIGHT

    def term(self, word: str, weight: float, *, fuzzy: bool, parts: bool = True) -> _Term:
        return _Term(word, self._stem(word), weight, fuzzy, parts)

    def _hit(self, searcher: tantivy.Searcher, address: Any) -> dict[str, Any]:
        """The result row of one hit (a copy: ranking adds `also` and drops `group`)."""
        return self.result_row(searcher.doc(address))

    @staticmethod
    def result_row(document: tantivy.Document) -> dict[str, Any]:
        return json.loads(document.get_first("result") or b"{}")

    def hit_keys(self, searcher: tantivy.Searcher, addresses: list[Any]) -> tuple[list[int], list[int]]:
        """`group_number` and `slug_key` of each hit, from the fast fields in one call each (an index of
        format 1, until the indexer has rebuilt it: groups from the stored documents, no slug keys)."""
        if self.has_group_field:
            groups = [int(v or 0) for v in searcher.fast_field_values(GROUP_FIELD, addresses)]
            return groups, [int(v or 0) for v in searcher.fast_field_values(SLUG_KEY_FIELD, addresses)]
        groups = []
        for address in addresses:
            group = query_mod.group_of(self._hit(searcher, address))
            groups.append(group_number(group))
            self._group_names[groups[-1]] = group
        return groups, [0] * len(addresses)

    def group_size(self, searcher: tantivy.Searcher, number: int) -> int:
        """Records in a group: one term count on the number (format 1: on the group's facet)."""
        if self.has_group_field:
            q = tantivy.Query.term_query(self.schema, GROUP_FIELD, number)
        else:
            group = self._group_names.get(number, "")
            q = tantivy.Query.term_query(self.schema, query_mod.FACET_FIELD, f"group:{group}", index_option="basic")
        return int(searcher.search(q, limit=1, count=True).count or 0)  # type: ignore[attr-defined]  # missing in the stubs

    def _term_query(self, field: str, value: str, boost: float) -> tantivy.Query:
        q = tantivy.Query.term_query(self.schema, field, value, index_option="freq")
        return tantivy.Query.boost_query(q, boost) if boost != 1.0 else q

    def _word_query(self, term: _Term) -> tantivy.Query | None:
        """All the ways one typed word may match: exactly, as compound parts, with a typo.

        Cached per term (and whether its typo alternative applies, which the index's words decide): a query
        object is only a description, and building the 20-40 of a word was a tenth of a search's CPU."""
        fuzzy = bool(term.fuzzy and term.stem and fuzzy_distance(term.word) and term.stem not in self.known)
        key = (term, fuzzy)
        if key in self._word_queries:
            return self._word_queries[key]
        query = self._build_word_query(term, fuzzy)
        if len(self._word_queries) >= WORD_QUERY_CACHE:
            self._word_queries.clear()
        self._word_queries[key] = query
        return query

    def _build_word_query(self, term: _Term, fuzzy_too: bool) -> tantivy.Query | None:
        if not term.stem:
            return None
        exact = tantivy.Query.disjunction_max_query(
            [self._term_query(f, term.stem, b) for f, b in EXACT_FIELDS.items()], tie_breaker=0.2
        )
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = [(tantivy.Occur.Should, exact)]
        parts = self.decompounder.split(term.word) if term.parts else []
        if len(parts) > 1:
            # Each part may occur on its own (exact fields, lower) or as part of a compound (parts fields).
            share = 1.0 / len(parts)
            for part in parts:
                part_stem = self._stem(part)
                if part_stem:
                    options = [
                        self._term_query(f, part_stem, b * share * PART_EXACT_FACTOR) for f, b in EXACT_FIELDS.items()
                    ] + [self._term_query(f, part_stem, PARTS_FIELDS[f] * share) for f in PARTS_SEARCHED]
                    clauses.append(
                        (tantivy.Occur.Should, tantivy.Query.disjunction_max_query(options, tie_breaker=0.1))
                    )
        distance = fuzzy_distance(term.word)
        if fuzzy_too:
            fuzzy = [
                tantivy.Query.boost_query(
                    tantivy.Query.fuzzy_term_query(self.schema, f, term.stem, distance=distance), b
                )
                for f, b in FUZZY_FIELDS.items()
            ]
            clauses.append((tantivy.Occur.Should, tantivy.Query.disjunction_max_query(fuzzy, tie_breaker=0.0)))
        query = tantivy.Query.boolean_query(clauses) if len(clauses) > 1 else exact
        return tantivy.Query.boost_query(query, term.weight) if term.weight != 1.0 else query

    def _terms(self, typed: Sequence[str]) -> tuple[list[_Term], list[str]]:
        """Typed words -> weighted terms (hyphen parts, joined forms) and the plain stem sequence."""
        terms: list[_Term] = []
        sequence: list[str] = []
        for word in typed:
            pieces = expand_hyphens(word)
            plain = pieces[:-1] if len(pieces) > 1 else pieces
            for piece in plain:
                s = self._stem(piece)
                if not s:
                    continue
                weight = STOPWORD_WEIGHT if piece in STOPWORDS else 1.0
                terms.append(_Term(piece, s, weight, fuzzy=piece not in STOPWORDS))
                sequence.append(s)
            if len(pieces) > 1:
                joined = pieces[-1]
                terms.append(_Term(joined, self._stem(joined), JOINED_WEIGHT, fuzzy=False))
        # "pop poli" typed apart: also try "poppoli" when that is a word of the map.
        flat = [p for w in typed for p in (expand_hyphens(w)[:-1] if "-" in w else [w])]
        for left, right in zip(flat, flat[1:], strict=False):
            joined = left + right
            s = self._stem(joined)
            if s in self.known:
                terms.append(_Term(joined, s, JOINED_WEIGHT, fuzzy=False))
        return terms, sequence

    def build_query(self, typed: Sequence[str]) -> tantivy.Query | None:
        return query_mod.build(self, typed).query

    # ------------------------------------------------------------------ searching

    def search_outcome(self, query: str, *, limit: int = 20, kind: str | None = None) -> ranking.Outcome:
        """Results (with `also`: the same body under another record), their count and a suggestion."""
        typed = words(query[:MAX_QUERY_CHARS])[:MAX_QUERY_WORDS]
        if not typed or limit <= 0 or self.size == 0:
            return ranking.Outcome()
        return ranking.search(self, typed, limit=limit, kind=kind)

    def search(self, query: str, *, limit: int = 20, kind: str | None = None) -> list[dict[str, Any]]:
        return self.search_outcome(query, limit=limit, kind=kind).results
