"""Precise query building: most typed words must match, phase and wijk words act as filters.

`build(index, typed)` turns the typed words into a `Plan` over a `SearchIndex` (its schema, stems,
compound splits and synonyms; the per-word alternatives stay `SearchIndex._word_query`). What it adds to
the recall-oriented query of before:

- **minimum-should-match**: every typed content word is one *unit* (its stem, compound parts, typo, the
  synonyms covering it, a joined "pop poli"); `required(n)` of the n units must match. Function words are
  no units (they still score a little);
- **filter words**: a wijk ("Overvecht") or phase word ("zwanger") from the synonyms file's `filters:`
  section is not a unit but a filter: records for that wijk/phase, records without any wijk/phase
  (citywide, every phase), and records carrying the word in their name pass;
- fuzzy and synonym alternatives score below exact matches (weights in index.py and here).

The index needs three extra fields, added by `add_fields` and filled by `document_fields`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import tantivy

from .text import STOPWORDS, expand_hyphens, fold, words

if TYPE_CHECKING:
    from .index import SearchIndex

# "fase:zwangerschap", "wijk:overvecht", "group:veilig-thuis": exact codes, for filters and grouping.
FACET_FIELD = "facet"
# Name, other names and summary folded but not stemmed: the vocabulary "Bedoelde u …?" suggests from.
PLAIN_FIELD = "plain"
PLAIN_ANALYZER_NAME = "nl_plain"
PLAIN_ANALYZER = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    .filter(tantivy.Filter.remove_long(41))
    .filter(tantivy.Filter.lowercase())
    .filter(tantivy.Filter.ascii_fold())
    .build()
)
# Every name and other name as one whole phrase, folded but not stemmed ("wijkteam", "veilig thuis"): a
# query that *is* a name of a record puts it first (ranking.py), above records where the words only occur
# ("wijkteam volwassenen", "wijkteams").
EXACT_NAME_FIELD = "exact_name"
FILTER_FAMILIES = {"wijk": "wijken", "fase": "phases"}  # facet prefix -> document key
# A record with no code of a family (citywide, every phase) has the family's prefix ("wijk") in this field
# (index format 3): a filter passes those with one term instead of every record minus a regex over the
# family's codes (0.5 ms of a filtered search at 50,000). A field of its own: the facet field's lengths,
# which its boost's BM25 scores use, stay as they were.
NO_CODE_FIELD = "no_code"
SYNONYM_UNIT_WEIGHT = 0.6  # a synonym expansion inside a unit: below the word as typed
FILTER_WORD_WEIGHT = 0.5  # a recognised filter word still scores a little (its own records first)
FACET_BOOST = 1.5  # records explicitly in the wijk/phase asked for, above citywide ones
MSM_MAX_UNITS = 8  # beyond this many content words the rest only score
# A word found in more than this share of the records ("baby", "ouders") is not required: like a function
# word it says little about what is meant (Lucene's "common terms"); it still scores.
COMMON_SHARE = 0.25


def required(units: int) -> int:
    """How many of n content words must match: all of 1-2, then all but about a third (3->2, 4->3, 6->4)."""
    if units <= 2:
        return units
    return units - units // 3


def most_of(queries: Sequence[tantivy.Query], need: int) -> tantivy.Query:
    """Records matching at least `need` of the queries, scored by the sum of those that match.

    All of them: an intersection (tantivy leapfrogs from the rarest), several times cheaper than
    `minimum_number_should_match`, which walks the union of every clause's postings (1.2 against 0.2 ms
    for six common words at 20,000 services)."""
    if len(queries) == 1:
        return queries[0]
    if need >= len(queries):
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in queries])
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, q) for q in queries], minimum_number_should_match=need
    )


def add_fields(builder: tantivy.SchemaBuilder) -> None:
    builder.add_text_field(FACET_FIELD, stored=False, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(NO_CODE_FIELD, stored=False, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(EXACT_NAME_FIELD, stored=False, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(PLAIN_FIELD, stored=False, tokenizer_name=PLAIN_ANALYZER_NAME, index_option="basic")


def register(index: tantivy.Index) -> None:
    index.register_tokenizer(PLAIN_ANALYZER_NAME, PLAIN_ANALYZER)


def group_of(doc: dict[str, Any]) -> str:
    """The real-world body a record stands for (documents.py sets `group`); "" when it is its own."""
    return str(doc.get("group") or "")


def name_key(text: str) -> str:
    """A name as one key: folded words, hyphenated words as their parts ("POP-poli" -> "pop poli")."""
    return " ".join(p for w in words(text) for p in _unit_pieces(w))


def exact_name_query(index: SearchIndex, typed: Sequence[str]) -> tantivy.Query:
    key = " ".join(p for w in typed for p in _unit_pieces(w))
    return tantivy.Query.term_query(index.schema, EXACT_NAME_FIELD, key, index_option="basic")


def document_fields(doc: dict[str, Any], document: tantivy.Document) -> None:
    """Fill the extra fields of one search document (a dict from documents.search_documents)."""
    for prefix, key in FILTER_FAMILIES.items():
        values = doc.get(key) or []
        codes = [v for v in ([values] if isinstance(values, str) else values) if v]
        for value in codes:
            document.add_text(FACET_FIELD, f"{prefix}:{value}")
        if not codes:  # citywide / every phase: passes every filter of the family (one term, see _filter_query)
            document.add_text(NO_CODE_FIELD, prefix)
    if group := group_of(doc):
        document.add_text(FACET_FIELD, f"group:{group}")
    names = [str(doc.get("name") or ""), *str(doc.get("alternate_name") or "").split(",")]
    for key in sorted({name_key(n) for n in names} - {""}):
        document.add_text(EXACT_NAME_FIELD, key)
    plain = " ".join(str(doc.get(k) or "") for k in ("name", "alternate_name", "summary"))
    document.add_text(PLAIN_FIELD, fold(plain).replace("-", " "))


@dataclass
class Plan:
    query: tantivy.Query | None
    units: int = 0  # content words that count toward minimum-should-match
    required: int = 0
    filters: dict[str, list[str]] = field(default_factory=dict)  # recognised: {"wijk": [...], "fase": [...]}
    # The counted units and every other clause: `with_need` assembles the query for another `required`
    # (ranking relaxes one word at a time) without building the units again.
    counted: list[tantivy.Query] = field(default_factory=list, repr=False)
    rest: list[tuple[tantivy.Occur, tantivy.Query]] = field(default_factory=list, repr=False)

    def with_need(self, need: int) -> Plan:
        """The same plan with `need` of the counted units required (at least 1, at most all of them)."""
        must = max(1, min(need, len(self.counted))) if self.counted else 0
        query = _assemble(self.counted, must, self.rest)
        return Plan(query, self.units, must, self.filters, self.counted, self.rest)


def _facet(index: SearchIndex, value: str) -> tantivy.Query:
    return tantivy.Query.term_query(index.schema, FACET_FIELD, value, index_option="basic")


def _filter_query(index: SearchIndex, family: str, codes: list[str], words: list[str]) -> tantivy.Query:
    """Passes records for one of `codes`, records with no code of the family at all, and records with
    the typed word in their name ("Nu Niet Zwanger" is not filtered away by the phase word "zwanger")."""
    if index.index_format >= 3:
        none_of_family = tantivy.Query.term_query(index.schema, NO_CODE_FIELD, family, index_option="basic")
    else:  # a generation written before the marker: every record minus those with a code (walks them all)
        any_of_family = tantivy.Query.regex_query(index.schema, FACET_FIELD, f"{family}:.*")
        none_of_family = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, tantivy.Query.all_query()), (tantivy.Occur.MustNot, any_of_family)]
        )
    clauses: list[tuple[tantivy.Occur, tantivy.Query]] = [
        (tantivy.Occur.Should, _facet(index, f"{family}:{c}")) for c in codes
    ]
    clauses.append((tantivy.Occur.Should, none_of_family))
    for word in words:
        for f in ("name", "alternate_name"):
            clauses.append((tantivy.Occur.Should, index._term_query(f, index._stem(word), 1.0)))
    return tantivy.Query.const_score_query(tantivy.Query.boolean_query(clauses), 0.0)


def _unit_pieces(word: str) -> list[str]:
    pieces = expand_hyphens(word)
    return pieces[:-1] if len(pieces) > 1 else pieces


def _records_with(index: SearchIndex, searcher: tantivy.Searcher, word: str) -> int:
    """Records holding the word's stem in their most common field: a lower bound of the records it matches."""
    stem = index._stem(word)
    return max((searcher.doc_freq(f, stem) for f in index.exact_fields), default=0) if stem else 0


def build(index: SearchIndex, typed: Sequence[str], *, need: int | None = None) -> Plan:
    """The query for these typed words; `need` overrides how many content words must match."""
    recognised = index.synonyms.filter_words.recognise(typed)
    content = [i for i, w in enumerate(typed) if i not in recognised and w not in STOPWORDS]
    if not content:  # only filter words ("Overvecht", "zwanger") or function words: search them as words
        recognised = {}
        content = [i for i, w in enumerate(typed) if w not in STOPWORDS]
    # Each typed word's own alternatives; a synonym expansion or joined form covering several typed words is
    # kept once, with the words it covers (`shared`), and placed after the units are known.
    alternatives: dict[int, list[tantivy.Query]] = {}
    shared: list[tuple[tantivy.Query, list[int]]] = []
    scoring: list[tuple[tantivy.Occur, tantivy.Query]] = []
    positions: list[int] = []  # stem sequence position -> typed word
    sequence: list[str] = []
    for i, word in enumerate(typed):
        terms, seq = index._terms([word])
        queries = [q for t in terms if (q := index._word_query(t)) is not None]
        sequence.extend(seq)
        positions.extend([i] * len(seq))
        if i in recognised:
            scoring.extend((tantivy.Occur.Should, tantivy.Query.boost_query(q, FILTER_WORD_WEIGHT)) for q in queries)
        elif i in content:
            alternatives[i] = queries
        else:  # function words: score a little (their weight is in the term), never required
            scoring.extend((tantivy.Occur.Should, q) for q in queries)
    searcher: tantivy.Searcher | None = None
    for start, end, expansion in index.synonyms.expansions_for(sequence):
        # A several-word expansion ("jong ouderschap", "klein netwerk") needs most of its words in the
        # record, as typed words do (`required`): one by one ("jong", "ouderschap") they are in most records
        # and would let any of them satisfy the unit. As for typed words, its function words ("buurtteam
        # jeugd *en* gezin") and its common words (in more than COMMON_SHARE of the records) do not count
        # and only score: requiring most of them walked the union of the longest posting lists of the index
        # (2-4 ms of a search at 50,000 services). (Body fields keep no positions, so co-occurrence, not a
        # phrase.) It scores the sum of the words that match. Its words match as written, not also as the
        # parts of a compound ("buurt" + "team"): an editor wrote the expansion to name what is meant, and the
        # parts matched any record with another compound of "team" (and walked the parts fields, the longest).
        if searcher is None:
            searcher = index.index.searcher()
        meaningful = [w for w in expansion if w not in STOPWORDS] or list(expansion)
        uncommon = [w for w in meaningful if _records_with(index, searcher, w) <= COMMON_SHARE * searcher.num_docs]
        counted_expansion = uncommon or meaningful
        sub = [q for w in counted_expansion if (q := index._word_query(index.term(w, 1.0, fuzzy=False, parts=False))) is not None]
        if not sub:
            continue
        matched: tantivy.Query = most_of(sub, required(len(sub)))
        only_score = [w for w in expansion if w not in counted_expansion]
        also = [q for w in only_score if (q := index._word_query(index.term(w, 1.0, fuzzy=False, parts=False))) is not None]
        if also:
            matched = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, matched)] + [(tantivy.Occur.Should, q) for q in also]
            )
        group = tantivy.Query.boost_query(matched, SYNONYM_UNIT_WEIGHT)
        shared.append((group, sorted({positions[p] for p in range(start, end)})))
    flat = [(i, p) for i, w in enumerate(typed) for p in _unit_pieces(w)]
    for (i, left), (j, right) in zip(flat, flat[1:], strict=False):
        if i != j and (left + right) and index._stem(left + right) in index.known:
            joined = index._word_query(index.term(left + right, index.joined_weight, fuzzy=False, parts=False))
            if joined is not None:
                shared.append((joined, [i, j]))
    unit_words = [i for i in content if i in alternatives and (alternatives[i] or any(i in c for _q, c in shared))]
    counted_words = unit_words
    score_words: list[int] = []
    if len(unit_words) > 1:
        searcher = searcher or index.index.searcher()
        limit = COMMON_SHARE * searcher.num_docs
        # How common a word is, from its stem's document frequencies (O(1) per field), not by counting
        # every record its whole unit (typos, parts, synonyms) matches: that count cost as much as the search.
        rare = [i for i in unit_words if _records_with(index, searcher, typed[i]) <= limit]
        if rare and len(rare) < len(unit_words):
            counted_words = rare
            score_words = [i for i in unit_words if i not in rare]
    counted_words, extra_words = counted_words[:MSM_MAX_UNITS], counted_words[MSM_MAX_UNITS:]
    # A shared query used to be an alternative of every unit it covers, so it was evaluated (and scored) once
    # per unit. Where at most one of those units is counted it is now evaluated once, in that unit (or in a
    # scoring one), boosted by the number of units it covers: the same records match with the same scores.
    units_of: dict[int, list[tantivy.Query]] = {i: list(alternatives.get(i) or []) for i in unit_words}
    for q, covered in shared:
        present = [i for i in covered if i in units_of]
        if not present:
            continue
        in_counted = [i for i in present if i in counted_words]
        if len(in_counted) <= 1:
            home = in_counted[0] if in_counted else present[0]
            units_of[home].append(tantivy.Query.boost_query(q, float(len(present))) if len(present) > 1 else q)
        else:
            others = len(present) - len(in_counted)
            for n, i in enumerate(in_counted):
                units_of[i].append(tantivy.Query.boost_query(q, float(1 + others)) if n == 0 and others else q)

    def unit(i: int) -> tantivy.Query:
        qs = units_of[i]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in qs]) if len(qs) > 1 else qs[0]

    units = [unit(i) for i in counted_words]
    extra = [unit(i) for i in extra_words]
    scoring.extend((tantivy.Occur.Should, unit(i)) for i in score_words if units_of[i])
    if not units and not scoring:
        return Plan(None)
    rest: list[tuple[tantivy.Occur, tantivy.Query]] = [(tantivy.Occur.Should, q) for q in extra]
    rest.extend(scoring)
    if len(sequence) >= 2:
        for f, b in index.phrase_fields.items():
            phrase = tantivy.Query.phrase_query(index.schema, f, list[str | tuple[int, str]](sequence), slop=2)
            rest.append((tantivy.Occur.Should, tantivy.Query.boost_query(phrase, b)))
    filters: dict[str, list[str]] = {}
    for family, code in recognised.values():
        if code not in filters.setdefault(family, []):
            filters[family].append(code)
    for family, codes in filters.items():
        words = [typed[i] for i, (fam, _c) in recognised.items() if fam == family]
        rest.append((tantivy.Occur.Must, _filter_query(index, family, codes, words)))
        for code in codes:  # explicitly in that wijk/phase: above citywide records
            rest.append((tantivy.Occur.Should, tantivy.Query.boost_query(_facet(index, f"{family}:{code}"), FACET_BOOST)))
    plan = Plan(None, len(units), 0, filters, units, rest)
    return plan.with_need(required(len(units)) if need is None else need)


def _assemble(counted: list[tantivy.Query], must: int, rest: list[tuple[tantivy.Occur, tantivy.Query]]) -> tantivy.Query:
    clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
    if counted:
        clauses.append((tantivy.Occur.Must, most_of(counted, must)))
    clauses.extend(rest)
    if not any(occur == tantivy.Occur.Must for occur, _q in clauses):
        clauses = [(tantivy.Occur.Should, q) for _o, q in clauses]
    return tantivy.Query.boolean_query(clauses)


@dataclass(frozen=True)
class FilterWords:
    """Words that name a wijk or phase: folded word -> (family, code). From the synonyms file's `filters:`."""

    words: dict[str, tuple[str, str]] = field(default_factory=dict)

    def codes(self, family: str) -> list[str]:
        return sorted({code for fam, code in self.words.values() if fam == family})

    def recognise(self, typed: Sequence[str]) -> dict[int, tuple[str, str]]:
        """Typed word index -> (family, code); a multi-word name ("leidsche rijn") marks each of its words."""
        found: dict[int, tuple[str, str]] = {}
        joined = [w.replace("-", " ") for w in typed]
        for i in range(len(joined)):
            for n in (3, 2, 1):
                phrase = " ".join(joined[i:i + n])
                if len(joined[i:i + n]) == n and phrase in self.words:
                    for k in range(i, i + n):
                        found.setdefault(k, self.words[phrase])
                    break
        return found


def parse_filter_words(data: object) -> FilterWords:
    """`filters: {wijk: {overvecht: [overvecht]}, fase: {zwangerschap: [zwanger, zwangere]}}` -> FilterWords."""
    table = data.get("filters") if isinstance(data, dict) else None
    words: dict[str, tuple[str, str]] = {}
    if not isinstance(table, dict):
        return FilterWords(words)
    for family, codes in table.items():
        if str(family) not in FILTER_FAMILIES or not isinstance(codes, dict):
            continue
        for code, spellings in codes.items():
            for spelling in [spellings] if isinstance(spellings, str) else spellings or []:
                key = " ".join(fold(str(spelling)).replace("-", " ").split())
                if key:
                    words.setdefault(key, (str(family), str(code)))
    return FilterWords(words)
