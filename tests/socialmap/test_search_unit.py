"""Search engine behaviour on small fixture documents (no database): Dutch stemming, compounds, synonyms,
typos, hyphen joins, bad input, deterministic order."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wegwijzer.socialmap.search import synonyms as synonyms_mod
from wegwijzer.socialmap.search.index import SearchIndex, fuzzy_distance
from wegwijzer.socialmap.search.text import Decompounder, fold, index_text, words


def doc(slug: str, kind: str, name: str, summary: str = "", description: str = "", **extra) -> dict:
    return {
        "slug": slug, "kind": kind, "name": name, "alternate_name": extra.pop("alternate_name", ""),
        "summary": summary, "description": description, "target_group": "", "conditions": "",
        "application_process": "", "laws": extra.pop("laws", []), "phases": extra.pop("phases", []),
        "domain": "", "access": [], "wijken": [], "url": f"/kaart/{slug}/", **extra,
    }


DOCS = [
    doc("verlengde-kraamzorg", "aanbod", "Extra uren (verlengde) kraamzorg",
        "Meer uren kraamzorg als het herstel na de bevalling langer duurt.",
        "De kraamverzorgende komt vaker of langer, betaald uit de Zorgverzekeringswet.",
        alternate_name="kraamzorg extra uren, verlengde kraamzorg", laws=["zvw"]),
    doc("kraamzorg", "rol", "Kraamzorg", "De kraamverzorgende helpt moeder en baby in de eerste week.",
        "Zorg thuis na de bevalling; let op signalen in het gezin.", alternate_name="kraamverzorgende"),
    doc("moeder-babygroep", "aanbod", "Moeder-babygroepen en oudernetwerken",
        "Groepen waar moeders met hun baby andere ouders ontmoeten.",
        "Een moeder met een baby vindt steun bij andere ouders in de wijk."),
    doc("pop-poli", "aanbod", "POP-poli (psychiatrie, obstetrie, pediatrie)",
        "Zorg bij psychische problemen rond zwangerschap en bevalling in het ziekenhuis."),
    doc("jgz", "rol", "Jeugdgezondheidszorg (JGZ)", "Volgt de groei en ontwikkeling van kinderen.",
        "De jeugdverpleegkundige en jeugdarts zien ouders en kind op het spreekuur."),
    doc("buurtteam-jeugd-gezin", "rol", "Buurtteam Jeugd en Gezin",
        "Het buurtteam helpt gezinnen met vragen over opvoeden en opgroeien."),
    doc("prenataal-huisbezoek", "aanbod", "Prenataal huisbezoek door de JGZ",
        "Een jeugdverpleegkundige komt voor de geboorte op huisbezoek."),
    doc("nu-niet-zwanger", "aanbod", "Nu Niet Zwanger", "Hulp bij keuzes over anticonceptie."),
    doc("aanvullende-jeugdhulp", "rol", "Aanvullende specialistische jeugdhulp",
        "Specialistische hulp voor gezinnen, via het buurtteam."),
    doc("poh-ggz", "rol", "Praktijkondersteuner huisarts GGZ (POH-GGZ)",
        "Helpt bij psychische klachten in de huisartsenpraktijk."),
    doc("hulp-bij-huishouden", "aanbod", "Hulp bij het huishouden", "Huishoudelijke hulp via de Wmo."),
    doc("cafe-ouders", "aanbod", "Ouderscafé", "Ouders ontmoeten elkaar in het café van de wijk."),
]

SYNONYMS = synonyms_mod.parse({
    "synonyms": {
        "consultatiebureau": ["jgz", "jeugdgezondheidszorg"],
        "wijkteam": ["buurtteam"],
        "POH": ["poh-ggz"],
        "KOOS": ["aanvullende jeugdhulp"],
        "Spoor030": ["aanvullende jeugdhulp"],
    }
})


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(DOCS, SYNONYMS)


def slugs(index: SearchIndex, query: str, limit: int = 5) -> list[str]:
    return [r["slug"] for r in index.search(query, limit=limit)]


# ---------------------------------------------------------------- normalisation


def test_fold_strips_accents_punctuation_and_odd_unicode():
    assert fold("Café naïeve") == "cafe naieve"
    assert fold("baby's") == "babys"
    assert fold("a\u202eb\x00c😀d\ud800e").split() == ["a", "b", "c", "d", "e"]
    assert fold('AND ( ) " * : ^ ~ jgz').split() == ["and", "jgz"]


def test_hyphenated_words_are_split_and_joined():
    assert words("POP-poli") == ["pop-poli"]
    assert index_text("POP-poli") == "pop poli poppoli"


def test_decompounder_splits_into_known_words_only():
    d = Decompounder({"moeder", "groepen", "groep", "baby", "jeugd", "gezondheid", "zorg"})
    assert d.split("moedergroepen") == ("moeder", "groepen")
    assert d.split("babygroep") == ("baby", "groep")
    assert d.split("jeugdgezondheidszorg") == ("jeugd", "gezondheid", "zorg")  # linking -s-
    assert d.split("verloskundige") == ("verloskundige",)  # no known parts: unchanged
    assert d.split("moeder") == ("moeder",)  # a word is not split into itself


def test_fuzzy_distance_by_length():
    assert [fuzzy_distance(w) for w in ("poh", "kind", "kraamzorg", "huisarts")] == [0, 1, 2, 2]


# ---------------------------------------------------------------- matching


def test_stemming_matches_inflections(index):
    assert slugs(index, "groepen")[0] == "moeder-babygroep"
    assert "moeder-babygroep" in slugs(index, "moeders")
    assert slugs(index, "kraamverzorgenden")[0] == "kraamzorg"


def test_compound_query_finds_its_parts(index):
    assert slugs(index, "moedergroepen")[0] == "moeder-babygroep"
    assert slugs(index, "babygroep")[0] == "moeder-babygroep"


def test_hyphen_space_and_joined_spellings_agree(index):
    for query in ("pop-poli", "pop poli", "poppoli", "POP poli"):
        assert slugs(index, query)[0] == "pop-poli", query


def test_synonyms_expand(index):
    assert slugs(index, "consultatiebureau")[0] == "jgz"
    assert slugs(index, "wijkteam")[0] == "buurtteam-jeugd-gezin"
    assert slugs(index, "wijkteams")[0] == "buurtteam-jeugd-gezin"  # matched on the stem
    assert slugs(index, "POH")[0] == "poh-ggz"
    assert slugs(index, "KOOS")[0] == "aanvullende-jeugdhulp"
    assert slugs(index, "spoor030")[0] == "aanvullende-jeugdhulp"


def test_without_synonyms_the_same_queries_miss():
    plain = SearchIndex(DOCS)
    assert "jgz" not in slugs(plain, "consultatiebureau")
    assert "buurtteam-jeugd-gezin" not in slugs(plain, "wijkteam")


def test_typos_are_tolerated(index):
    assert slugs(index, "kraamzrog")[0] == "kraamzorg"
    assert slugs(index, "kramzorg")[0] == "kraamzorg"
    assert slugs(index, "huisbzoek jgz")[0] == "prenataal-huisbezoek"
    assert slugs(index, "jeugdgezondheidzorg")[0] == "jgz"


def test_short_words_are_not_fuzzy(index):
    # "jgx" is three letters: no typo tolerance, so no match at all.
    assert slugs(index, "jgx") == []


def test_extra_maternity_care(index):
    assert "verlengde-kraamzorg" in slugs(index, "kraamzorg extra uren", limit=3)
    assert slugs(index, "kraamzorg extra uren")[0] == "verlengde-kraamzorg"


def test_accents_do_not_matter(index):
    assert slugs(index, "ouderscafé")[0] == "cafe-ouders"
    assert slugs(index, "OUDERSCAFE")[0] == "cafe-ouders"


def test_stopwords_count_little_but_do_not_vanish(index):
    assert slugs(index, "nu niet zwanger")[0] == "nu-niet-zwanger"
    assert slugs(index, "de het een") != []  # only function words: still a (weak) search


def test_kind_filter(index):
    assert {r["kind"] for r in index.search("kraamzorg", kind="rol")} == {"rol"}
    assert index.search("kraamzorg", kind="wijk") == []


def test_result_shape_and_deterministic_order(index):
    first = index.search("ouders baby", limit=20)
    assert first and set(first[0]) == {"slug", "kind", "name", "summary", "url", "also"}
    again = SearchIndex(list(reversed(DOCS)), SYNONYMS).search("ouders baby", limit=20)
    assert first == again


def test_limit(index):
    assert len(index.search("de", limit=2)) <= 2
    assert index.search("kraamzorg", limit=0) == []


# ---------------------------------------------------------------- bad input never raises

BAD_QUERIES = [
    "", "   ", "\n\t", "x" * 10_000, "kraamzorg " * 5_000, "😀😀😀", "\u202e\u200f\u200e", "\x00", "\ud800jgz",
    'AND ( ) " * : ^ ~', "name:jgz", "jgz^10", "kraam*", '"pop poli', "(((", "-", "---", "a-b-c-d",
    "NOT OR AND", "[1 TO 2]", "\\", "مرحبا", "日本語", "ｋｒａａｍｚｏｒｇ", "𝕜𝕣𝕒𝕒𝕞𝕫𝕠𝕣𝕘",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_input_never_raises(index, query):
    result = index.search(query)
    assert isinstance(result, list)


def test_empty_query_gives_nothing(index):
    assert index.search("") == [] and index.search("   ") == []


def test_fullwidth_and_math_letters_fold_to_plain(index):
    assert slugs(index, "ｋｒａａｍｚｏｒｇ")[0] == "kraamzorg"


def test_broken_synonyms_file_means_no_synonyms(tmp_path):
    path = tmp_path / "synonyms.yaml"
    path.write_text("synonyms: [this is: not: valid", encoding="utf-8")
    assert synonyms_mod.load(path).rules == {}
    assert synonyms_mod.load(tmp_path / "missing.yaml").rules == {}


def test_one_segment_in_slug_order(index):
    # Equal scores tie by document order; one segment in slug order makes that the slug.
    assert index.index.searcher().num_segments == 1
    twins = [doc(f"twin-{c}", "aanbod", "Tweelinggroep", "Zelfde tekst.") for c in "dbeac"]
    assert [r["slug"] for r in SearchIndex(twins).search("tweelinggroep")] == [f"twin-{c}" for c in "abcde"]
    assert [r["slug"] for r in SearchIndex(twins).search("tweelinggroep", limit=2)] == ["twin-a", "twin-b"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=300), limit=st.integers(min_value=0, max_value=30))
def test_any_text_never_raises(index, query, limit):
    result = index.search(query, limit=limit)
    assert isinstance(result, list) and len(result) <= limit
    assert all(set(r) == {"slug", "kind", "name", "summary", "url", "also"} for r in result)
