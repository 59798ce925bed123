"""Search synonyms: how professionals type things -> what they mean. Content, not code.

File: `<CONTENT_DIR>/search/synonyms.yaml`, shape `synonyms: {term: [expansion, ...]}`, plus
`filters: {wijk|fase: {code: [word, ...]}}` (words that filter instead of being searched; query.py).
A term may be several words ("praktijkondersteuner huisarts"); it matches the query on stems, so
plurals and inflections match too. Each expansion is searched as an extra, slightly lower-weighted
alternative beside what was typed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .query import FilterWords, parse_filter_words
from .text import stem, words

logger = logging.getLogger("wegwijzer.search")


@dataclass(frozen=True)
class Synonyms:
    # stem sequence of the term -> expansions (each a tuple of folded words)
    rules: dict[tuple[str, ...], list[tuple[str, ...]]] = field(default_factory=dict)

    max_len: int = 0  # words in the longest term
    # Wijk and phase words that act as filters (the file's `filters:` section; see query.py).
    filter_words: FilterWords = field(default_factory=FilterWords)

    def vocabulary(self) -> set[str]:
        out: set[str] = set()
        for key, expansions in self.rules.items():
            out.update(key)
            for exp in expansions:
                out.update(exp)
        return out

    def expansions_for(self, stems: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
        """Every (start, end, expansion words) whose term occurs in the query's stem sequence."""
        found: list[tuple[int, int, tuple[str, ...]]] = []
        if not self.rules:
            return found
        longest = self.max_len
        for start in range(len(stems)):
            for end in range(start + 1, min(len(stems), start + longest) + 1):
                for exp in self.rules.get(tuple(stems[start:end]), ()):
                    found.append((start, end, exp))
        return found


def _flat_words(text: str) -> tuple[str, ...]:
    return tuple(p for w in words(text) for p in w.split("-") if p)


def parse(data: object) -> Synonyms:
    rules: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    table = data.get("synonyms") if isinstance(data, dict) else None
    filter_words = parse_filter_words(data)
    if not isinstance(table, dict):
        return Synonyms(rules, filter_words=filter_words)
    for term, expansions in table.items():
        key = tuple(stem(w) for w in _flat_words(str(term)))
        key = tuple(k for k in key if k)
        if not key:
            continue
        if isinstance(expansions, str):
            expansions = [expansions]
        if not isinstance(expansions, list):
            continue
        bucket = rules.setdefault(key, [])
        for exp in expansions:
            flat = _flat_words(str(exp))
            if flat and flat not in bucket:
                bucket.append(flat)
    return Synonyms(rules, max(len(k) for k in rules) if rules else 0, filter_words)


def load(path: Path) -> Synonyms:
    """Read the synonyms file; a missing or broken file means no synonyms (logged), never a crash."""
    try:
        with path.open(encoding="utf-8") as fh:
            return parse(yaml.safe_load(fh))
    except FileNotFoundError:
        return Synonyms()
    except (OSError, yaml.YAMLError) as exc:
        logger.warning("search synonyms not loaded from %s: %s", path, exc)
        return Synonyms()
