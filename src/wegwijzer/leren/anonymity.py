"""The anonymisation detector: what in a text could identify a family. Pure (no Django), so it can be
tested exhaustively and used by the services, the forms and the test that walks every stored text field.

`findings(text, names=...)` returns what was found, each with its kind and the matched text, in order of
appearance. Leren refuses to store any text with findings: a case discussion is about the way professionals
worked together, never about who the family is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Dutch labels of the kinds, used in the refusal message.
KINDS = {
    "naam": "een naam",
    "geboortedatum": "een (geboorte)datum",
    "adres": "een adres",
    "postcode": "een postcode",
    "telefoon": "een telefoonnummer",
    "email": "een e-mailadres",
    "bsn": "een BSN-nummer",
}

_EMAIL = re.compile(r"[^\s@<>()\[\],;:\"]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Dutch postcode: four digits (not starting with 0), optional space, two letters; not part of a longer word.
_POSTCODE = re.compile(r"(?<![\w])[1-9]\d{3} ?[A-Za-z]{2}(?![\w])")
# Dutch phone numbers: 0 / +31 / 0031 followed by nine digits, with optional spaces, dashes or dots.
_PHONE = re.compile(r"(?<![\w+])(?:\+31|0031|0)(?:[\s.-]?\(?0?\)?)?(?:[\s.-]?\d){9}(?!\d)")
# Nine digits in a row or grouped (1234.56.789, 123 456 789): a BSN candidate, checked with the 11-proef.
_NINE_DIGITS = re.compile(r"(?<![\d])(?:\d{9}|\d{4}[.\s-]\d{2}[.\s-]\d{3}|\d{3}[.\s-]\d{3}[.\s-]\d{3})(?![\d])")
_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
)
# A full date (day, month and year): in a case description that is a date of birth or traceable.
_DATE = re.compile(
    rf"(?<!\d)(?:\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:19|20)\d{{2}}|(?:19|20)\d{{2}}-\d{{1,2}}-\d{{1,2}}|"
    rf"\d{{1,2}}\s+(?:{_MONTHS})\.?\s+(?:19|20)\d{{2}})(?!\d)",
    re.IGNORECASE,
)
_STREET_SUFFIX = (
    "straat|laan|weg|plein|gracht|kade|singel|dijk|hof|steeg|pad|park|dreef|baan|plantsoen|markt|erf|"
    "veld|zijde|wal|haven|boulevard|allee"
)
# A street name with a house number ("Kanaalstraat 12a", "Lange Nieuwstraat 3").
_ADDRESS = re.compile(rf"\b[A-Za-zÀ-ÿ'-]*(?:{_STREET_SUFFIX})\s+\d{{1,5}}(?:\s?[a-zA-Z](?![\w]))?", re.IGNORECASE)

# Words of a plan label or a person's name that are not identifying on their own.
_NAME_STOPWORDS = frozenset(
    {"gezin", "familie", "fam", "de", "het", "een", "van", "der", "den", "ter", "ten", "te", "en", "mevrouw",
     "meneer", "dhr", "mw", "baby", "kind", "moeder", "vader", "ouders"}
)


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    text: str
    start: int

    @property
    def label(self) -> str:
        return KINDS[self.kind]


def bsn_valid(digits: str) -> bool:
    """The 11-proef of a BSN: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11 (and not all zeros)."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0


def name_terms(names: Iterable[str]) -> set[str]:
    """The identifying words of names and labels: each full name, and each of its words of 3+ letters that is
    not a common word (so "Gezin Zonnebloem" yields "gezin zonnebloem" and "zonnebloem")."""
    terms: set[str] = set()
    for name in names:
        name = " ".join((name or "").split())
        if len(name) < 3:
            continue
        terms.add(name.casefold())
        for word in re.findall(r"[\wÀ-ÿ'-]+", name):
            if len(word) >= 3 and word.casefold() not in _NAME_STOPWORDS and not word.isdigit():
                terms.add(word.casefold())
    return terms


def findings(text: str, *, names: Iterable[str] = ()) -> list[Finding]:
    """Everything in `text` that could identify a family, in order of appearance (overlaps reported once)."""
    if not text:
        return []
    found: list[Finding] = []
    for kind, pattern in (("email", _EMAIL), ("geboortedatum", _DATE), ("adres", _ADDRESS),
                          ("postcode", _POSTCODE)):
        found += [Finding(kind, m.group(0), m.start()) for m in pattern.finditer(text)]
    for m in _NINE_DIGITS.finditer(text):
        if bsn_valid(re.sub(r"\D", "", m.group(0))):
            found.append(Finding("bsn", m.group(0), m.start()))
    for m in _PHONE.finditer(text):
        found.append(Finding("telefoon", m.group(0).strip(), m.start()))
    folded = text.casefold()
    for term in sorted(name_terms(names), key=len, reverse=True):
        for m in re.finditer(rf"(?<![\w]){re.escape(term)}(?![\w])", folded):
            found.append(Finding("naam", text[m.start() : m.end()], m.start()))
    found.sort(key=lambda f: (f.start, -len(f.text)))
    result: list[Finding] = []
    end = -1
    for f in found:  # drop a finding inside an earlier one (a postcode inside an address, a name in a name)
        if f.start >= end:
            result.append(f)
            end = f.start + len(f.text)
    return result


def message(found: list[Finding]) -> str:
    """The Dutch refusal, naming what was found (kinds and the matched text)."""
    parts = [f"{f.label} (‘{f.text}’)" for f in found]
    return (
        "Haal eerst de persoonsgegevens weg; gevonden: " + "; ".join(parts) + ". Beschrijf de casus zonder namen, "
        "geboortedata, adressen, postcodes, telefoonnummers, e-mailadressen en BSN-nummers."
    )
