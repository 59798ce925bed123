"""The in-memory tantivy index of the social map, and its per-process lifecycle.

`SearchIndex(documents, synonyms)` builds an index from plain dicts (see
`wegwijzer.socialmap.search.documents.search_documents`) and answers queries. `current()` returns this process's
index, rebuilt lazily when the map changes: a cheap stamp (row counts and latest change times of roles,
services, organisations and wijken, plus the synonyms file's mtime) is compared at most once per
`SEARCH_STAMP_SECONDS` (default 1 s), and saves in this process invalidate it at once.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy
from django.utils.translation import gettext as _

from wegwijzer.core.health import Check

from ..snapshot import map_stamp as map_tables_stamp
from . import synonyms as synonyms_mod
from .documents import search_documents
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


class SearchIndex:
    def __init__(self, documents: Iterable[dict[str, Any]], synonyms: synonyms_mod.Synonyms | None = None):
        started = time.perf_counter()
        self.synonyms = synonyms or synonyms_mod.Synonyms()
        docs = sorted((d for d in documents if d.get("slug")), key=lambda d: str(d["slug"]))
        self.results: dict[str, dict[str, Any]] = {}
        prepared: list[dict[str, Any]] = []
        vocabulary: set[str] = set(self.synonyms.vocabulary())
        for doc in docs:
            slug = str(doc["slug"])
            if slug in self.results:
                continue
            self.results[slug] = {k: ("" if doc.get(k) is None else str(doc.get(k))) for k in RESULT_KEYS}
            # Short fields get the full treatment in Python (hyphen joins); long texts go to tantivy as
            # they are (its tokenizer splits on non-alphanumerics, lowercases and folds accents the same way).
            row: dict[str, Any] = {
                "slug": slug,
                "kind": str(doc.get("kind") or ""),
                "name": index_text(_text(doc.get("name"))),
                "alternate_name": index_text(_text(doc.get("alternate_name"))),
                "slug_words": index_text(slug),
                "summary": index_text(_text(doc.get("summary"))),
                "body": " ".join(_text(doc.get(k)) for k in BODY_KEYS),
                "tags": " ".join(_text(doc.get(k)) for k in TAG_KEYS),
            }
            row["title_words"] = set(" ".join((row["name"], row["alternate_name"], row["slug_words"])).split())
            row["body_words"] = set(row["summary"].split()) | set(tokens(row["body"]))
            vocabulary |= row["title_words"]
            vocabulary |= row["body_words"]
            prepared.append(row)
        # Compound parts must be words of the map itself (or their stems: "babygroep" splits into
        # baby + groep even when only "groepen" occurs); function words are never parts.
        self._stem_cache: dict[str, str] = {}
        words_seen = vocabulary
        vocabulary = {w for w in vocabulary if w.isalpha() and w not in STOPWORDS}
        vocabulary |= {self._stem(w) for w in vocabulary}
        self.decompounder = Decompounder(vocabulary)
        # Every compound word of the map, split once: word -> "part part".
        self._compounds: dict[str, str] = {}
        for word in words_seen:
            parts = self.decompounder.split(word)
            if len(parts) > 1:
                self._compounds[word] = " ".join(parts)
        compound_words = self._compounds.keys()

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("slug", stored=True, tokenizer_name="raw")
        builder.add_text_field("kind", stored=False, tokenizer_name="raw", index_option="basic")
        for name in EXACT_FIELDS:
            builder.add_text_field(name, tokenizer_name=ANALYZER_NAME)
        for name in PARTS_FIELDS:
            builder.add_text_field(name, tokenizer_name=ANALYZER_NAME, index_option="freq")
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema)
        self.index.register_tokenizer(ANALYZER_NAME, ANALYZER)
        # One thread, one commit: a single segment with documents in slug order, so equal scores tie by slug.
        writer = self.index.writer(heap_size=max(15_000_000, 2_000 * len(prepared)), num_threads=1)
        for row in prepared:
            document = tantivy.Document()
            document.add_text("slug", row["slug"])
            document.add_text("kind", row["kind"])
            for name in EXACT_FIELDS:
                document.add_text(name, row[name])
            document.add_text("title_parts", self._parts_text(row["title_words"] & compound_words))
            document.add_text("body_parts", self._parts_text(row["body_words"] & compound_words))
            writer.add_document(document)
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        # Every stem that occurs anywhere: a typed word that is a known stem is not "corrected".
        searcher = self.index.searcher()
        self.known: frozenset[str] = frozenset(
            term for f in EXACT_FIELDS for term, _n in searcher.terms_with_prefix(f, "")
        )
        self.size = len(prepared)
        self.build_seconds = time.perf_counter() - started

    # ------------------------------------------------------------------ analysis helpers

    def _stem(self, word: str) -> str:
        cached = self._stem_cache.get(word)
        if cached is None:
            cached = stem(word)
            if len(self._stem_cache) < 500_000:
                self._stem_cache[word] = cached
        return cached

    def _parts_text(self, compounds: Iterable[str]) -> str:
        """The parts of these compounds ("moederbabygroep" -> "moeder baby groep")."""
        return " ".join(self._compounds[w] for w in sorted(compounds))

    # ------------------------------------------------------------------ query building

    def _term_query(self, field: str, value: str, boost: float) -> tantivy.Query:
        q = tantivy.Query.term_query(self.schema, field, value, index_option="freq")
        return tantivy.Query.boost_query(q, boost) if boost != 1.0 else q

    def _word_query(self, term: _Term) -> tantivy.Query | None:
        """All the ways one typed word may match: exactly, as compound parts, with a typo."""
        if not term.stem:
            return None
        exact = tantivy.Query.disjunction_max_query(
            [self._term_query(f, term.stem, b) for f, b in EXACT_FIELDS.items()], tie_breaker=0.2
        )
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = [(tantivy.Occur.Should, exact)]
        parts = self.decompounder.split(term.word)
        if len(parts) > 1:
            # Each part may occur on its own (exact fields, lower) or as part of a compound (parts fields).
            share = 1.0 / len(parts)
            for part in parts:
                part_stem = self._stem(part)
                if part_stem:
                    options = [
                        self._term_query(f, part_stem, b * share * PART_EXACT_FACTOR) for f, b in EXACT_FIELDS.items()
                    ] + [self._term_query(f, part_stem, b * share) for f, b in PARTS_FIELDS.items()]
                    clauses.append(
                        (tantivy.Occur.Should, tantivy.Query.disjunction_max_query(options, tie_breaker=0.1))
                    )
        distance = fuzzy_distance(term.word)
        if term.fuzzy and distance and term.stem not in self.known:
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
        terms, sequence = self._terms(typed)
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for term in terms:
            q = self._word_query(term)
            if q is not None:
                clauses.append((tantivy.Occur.Should, q))
        for _start, _end, expansion in self.synonyms.expansions_for(sequence):
            sub = [
                q
                for w in expansion
                if (q := self._word_query(_Term(w, self._stem(w), 1.0, fuzzy=False))) is not None
            ]
            if sub:
                group = tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in sub])
                clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(group, SYNONYM_WEIGHT)))
        if len(sequence) >= 2:
            for f, b in PHRASE_FIELDS.items():
                phrase = tantivy.Query.phrase_query(self.schema, f, list[str | tuple[int, str]](sequence), slop=2)
                clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(phrase, b)))
        if not clauses:
            return None
        return tantivy.Query.boolean_query(clauses)

    # ------------------------------------------------------------------ searching

    def search(self, query: str, *, limit: int = 20, kind: str | None = None) -> list[dict[str, Any]]:
        typed = words(query[:MAX_QUERY_CHARS])[:MAX_QUERY_WORDS]
        if not typed or limit <= 0 or self.size == 0:
            return []
        built = self.build_query(typed)
        if built is None:
            return []
        if kind:
            kind_q = tantivy.Query.term_query(self.schema, "kind", kind, index_option="basic")
            built = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, built), (tantivy.Occur.Must, kind_q)]
            )
        searcher = self.index.searcher()
        # Documents sit in slug order in one segment, and tantivy breaks score ties by document order, so
        # ties come out by slug; the sort below also makes near-equal floats (sums in another order) agree.
        hits = searcher.search(built, limit=limit + 2, count=False).hits
        scored: list[tuple[float, str]] = []
        for score, address in hits:
            slug = str(searcher.doc(address).get_first("slug"))
            scored.append((-round(float(score), 5), slug))
        scored.sort()
        return [dict(self.results[slug]) for _score, slug in scored[:limit]]


# ---------------------------------------------------------------------- per-process lifecycle

_lock = threading.Lock()
_state: dict[str, Any] = {"index": None, "stamp": None, "checked": 0.0, "dirty": True}


def synonyms_path() -> Path:
    from django.conf import settings

    return Path(settings.CONTENT_DIR) / "search" / "synonyms.yaml"


def _synonyms_mtime() -> float:
    try:
        return os.stat(synonyms_path()).st_mtime
    except OSError:
        return 0.0


def map_stamp() -> tuple:
    """Cheap fingerprint of the map (socialmap.snapshot.map_stamp) and of the synonyms file."""
    return (*map_tables_stamp(), _synonyms_mtime())


def _load_documents() -> list[dict[str, Any]]:
    """search_documents(), plus the Dutch labels of its taxonomy codes ("Zorgverzekeringswet" finds zvw)
    and the signals/questions (concerns) a record helps with ("huilbaby", "armoede")."""
    from wegwijzer.socialmap import models as m

    labels: dict[str, str] = {}
    for code, name in m.TaxonomyTerm.objects.order_by("taxonomy", "code").values_list("code", "name"):
        labels.setdefault(code, name)
    concerns: dict[str, list[str]] = {}
    for model in (m.Role, m.Service, m.Organization):
        through = model.terms.through  # type: ignore[attr-defined]
        owner = model._meta.model_name
        rows = through.objects.filter(taxonomyterm__taxonomy=m.Taxonomy.CONCERN).values_list(
            f"{owner}__slug", "taxonomyterm__code", "taxonomyterm__name"
        )
        for slug, code, name in rows.order_by(f"{owner}__slug", "taxonomyterm__code"):
            concerns.setdefault(slug, []).extend((code, name))
    docs = search_documents()
    for doc in docs:
        codes = [c for key in ("laws", "phases", "domain", "access") for c in _codes(doc.get(key))]
        doc["tag_labels"] = " ".join([labels[c] for c in codes if c in labels] + concerns.get(doc["slug"], []))
    return docs


def _codes(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value or []]


def _build(stamp: tuple) -> SearchIndex:
    """Build under `_lock`. A change signalled while building marks the new index stale again."""
    _state["dirty"] = False
    index = SearchIndex(_load_documents(), synonyms_mod.load(synonyms_path()))
    _state.update(index=index, stamp=stamp, checked=time.monotonic())
    logger.debug("search index built: %d records in %.0f ms", index.size, index.build_seconds * 1000)
    return index


def _ensure_signals() -> None:
    if not _state.get("signals"):
        _connect_signals()
        _state["signals"] = True


def rebuild() -> SearchIndex:
    """Build this process's index now from the database and the synonyms file."""
    _ensure_signals()
    with _lock:
        return _build(map_stamp())


def invalidate() -> None:
    """Mark the index stale; the next search rebuilds it if the map changed."""
    _state["dirty"] = True


def stamp_interval() -> float:
    """Seconds between cross-process freshness checks (settings.SEARCH_STAMP_SECONDS; tests set 0)."""
    from django.conf import settings

    return float(settings.SEARCH_STAMP_SECONDS)


def _fresh(index: SearchIndex | None, now: float, interval: float) -> bool:
    return index is not None and not _state["dirty"] and now - _state["checked"] < interval


def current() -> SearchIndex:
    """This process's index, rebuilt first if the map changed (one thread builds, the others wait)."""
    interval = stamp_interval()
    if _fresh(_state["index"], time.monotonic(), interval):
        return _state["index"]
    _ensure_signals()
    with _lock:
        index: SearchIndex | None = _state["index"]
        now = time.monotonic()
        if _fresh(index, now, interval):  # another thread just checked or rebuilt
            return index  # type: ignore[return-value]
        stamp = map_stamp()
        if index is not None and not _state["dirty"] and stamp == _state["stamp"]:
            _state["checked"] = now
            return index
        return _build(stamp)


def _on_change(sender: Any, **kwargs: Any) -> None:
    if getattr(getattr(sender, "_meta", None), "app_label", None) == "socialmap":
        invalidate()


def _connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from wegwijzer.socialmap import models as m

    for model in (m.Role, m.Service, m.Organization, m.Wijk):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"search-{model.__name__}-save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"search-{model.__name__}-delete")
    m2m_changed.connect(_on_change, dispatch_uid="search-m2m")


def readiness_check() -> Check:
    """Readiness: this process's index builds and holds records."""
    index = current()
    if not index.size:
        return Check("search_index", False, _("De zoekindex is leeg."))
    return Check("search_index", True, _("De zoekindex bevat %(n)d records.") % {"n": index.size})
