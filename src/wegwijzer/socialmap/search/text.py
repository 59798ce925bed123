"""Text handling shared by indexing and querying: normalisation, hyphen joins, Dutch decompounding.

Everything here is pure Python (no Django) so the index and the query side use exactly the same rules.
Stemming itself is done by tantivy's Snowball Dutch stemmer (see `ANALYZER`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import tantivy

# Query limits: anything longer is cut, never rejected.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 20
MAX_WORD_CHARS = 40

# One analyzer for every stemmed field: split on non-alphanumerics, lowercase, fold accents, Dutch stem.
ANALYZER_NAME = "nl_text"
ANALYZER = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    .filter(tantivy.Filter.remove_long(MAX_WORD_CHARS + 1))
    .filter(tantivy.Filter.lowercase())
    .filter(tantivy.Filter.ascii_fold())
    .filter(tantivy.Filter.stemmer("dutch"))
    .build()
)

_APOSTROPHES = "'\u2019\u2018`\u00b4"
_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2212/"
_TRANSLATE = str.maketrans({**{c: "" for c in _APOSTROPHES}, **{c: "-" for c in _HYPHENS}, "_": " "})
# Combining marks (accents after NFKD) disappear; anything else that is not a letter, digit or hyphen
# (punctuation, symbols, emoji, controls, format marks, lone surrogates) becomes a space.
_COMBINING_RE = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NON_WORD_RE = re.compile(r"[^\w-]+")
_TOKEN_RE = re.compile(r"[^\W_]+")
MAX_JOIN_PARTS = 3

# Dutch function words: kept (a query may be "nu niet zwanger"), but they weigh little.
_STOPWORD_TEXT = """de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er maar om hem dan
zou of wat mijn men dit zo door over ze zich bij ook tot je mij uit der daar haar naar heb hoe heeft
hebben deze u want nog zal me zij nu ge geen omdat iets worden toch al waren veel meer doen toen moet
ben zonder kan hun dus alles onder ja eens hier wie niets uw iemand geweest andere"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# Linking sounds between the parts of a Dutch compound (gezondheid-s-zorg, kind-er-opvang is a word form).
_LINKERS = ("", "s", "en", "e")
MIN_PART = 3
MIN_COMPOUND = 6
MAX_PARTS = 4
MAX_COMPOUND = 32


def fold(text: str) -> str:
    """Lowercase, strip accents, drop everything that is not a letter, digit, space or hyphen.

    Odd input (emoji, RTL marks, NUL, lone surrogates, query syntax) becomes spaces; never raises.
    """
    if not text:
        return ""
    if text.isascii():
        return _NON_WORD_RE.sub(" ", text.translate(_TRANSLATE).lower())
    text = unicodedata.normalize("NFKD", text).translate(_TRANSLATE)
    text = _COMBINING_RE.sub("", text).lower()
    return _NON_WORD_RE.sub(" ", text)


def words(text: str) -> list[str]:
    """Folded words; a hyphenated word stays one item ("pop-poli") so callers can split and join it."""
    folded = fold(text)
    result: list[str] = []
    for raw in folded.split():
        parts = [p for p in raw.split("-") if p]
        if parts:
            result.append("-".join(p[:MAX_WORD_CHARS] for p in parts))
    return result


def tokens(text: str) -> list[str]:
    """Fast word split of a long text (no hyphen joins): folded, lowercased alphanumeric runs."""
    if not text:
        return []
    if not text.isascii():
        text = fold(text)
    return _TOKEN_RE.findall(text.lower())


def expand_hyphens(word: str) -> list[str]:
    """'pop-poli' -> ['pop', 'poli', 'poppoli']; a plain word -> [word]. Only short chains are joined."""
    if "-" not in word:
        return [word]
    parts = [p for p in word.split("-") if p]
    if 1 < len(parts) <= MAX_JOIN_PARTS:
        return [*parts, "".join(parts)]
    return parts


def index_text(text: str) -> str:
    """The text as it goes into a stemmed field: folded, hyphenated words split and also joined."""
    folded = fold(text)
    if "-" not in folded:
        return " ".join(w[:MAX_WORD_CHARS] for w in folded.split())
    return " ".join(w for word in words(text) for w in expand_hyphens(word))


def stem(word: str) -> str:
    tokens = ANALYZER.analyze(word)
    return tokens[0] if tokens else ""


class Decompounder:
    """Split Dutch compounds into parts that occur as words in the indexed text.

    'moedergroepen' -> ['moeder', 'groepen'], 'jeugdgezondheidszorg' -> ['jeugd', 'gezondheid', 'zorg'].
    The vocabulary is the corpus's own words (and their stems), so only splits into known words happen;
    the fewest parts win, then the fewest linking sounds, then the longest first part.
    """

    def __init__(self, vocabulary: Iterable[str]):
        self.vocabulary = frozenset(w for w in vocabulary if len(w) >= MIN_PART and w.isalnum())
        self._cache: dict[str, tuple[str, ...]] = {}

    def split(self, word: str) -> tuple[str, ...]:
        if not MIN_COMPOUND <= len(word) <= MAX_COMPOUND or not word.isalpha():
            return (word,)
        cached = self._cache.get(word)
        if cached is None:
            cached = self._split(word)
            if len(self._cache) < 200_000:
                self._cache[word] = cached
        return cached

    def _split(self, word: str) -> tuple[str, ...]:
        n = len(word)
        vocab = self.vocabulary
        # ends[i]: every j such that word[i:j] is a known word (not the whole word itself).
        ends = [
            [j for j in range(i + MIN_PART, n + 1) if not (i == 0 and j == n) and word[i:j] in vocab]
            for i in range(n)
        ]
        # best[i] = (parts, linkers, -first_len, parts tuple) for word[i:]; fewest parts wins.
        best: list[tuple[int, int, int, tuple[str, ...]] | None] = [None] * (n + 1)
        best[n] = (0, 0, 0, ())
        for i in range(n - MIN_PART, -1, -1):
            candidate: tuple[int, int, int, tuple[str, ...]] | None = None
            for j in ends[i]:
                for linker in _LINKERS:
                    k = j + len(linker)
                    if k > n or (linker and not word.startswith(linker, j)):
                        continue
                    rest = best[k]
                    if rest is None or rest[0] + 1 > MAX_PARTS:
                        continue
                    score = (rest[0] + 1, rest[1] + (1 if linker else 0), -(j - i), (word[i:j], *rest[3]))
                    if candidate is None or score[:3] < candidate[:3]:
                        candidate = score
            best[i] = candidate
        found = best[0]
        if found is None or found[0] < 2:
            return (word,)
        return found[3]
