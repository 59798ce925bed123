"""Precise search (issue 10 item 6): minimum-should-match, exact and name matches above expansions and
descriptions, wijk/phase words as filters, one row per real-world body, "Bedoelde u …?", a result count
that reflects relevance; on fixture documents (no database) and on the real Utrecht map."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wegwijzer.socialmap.search import search, search_outcome
from wegwijzer.socialmap.search import synonyms as synonyms_mod
from wegwijzer.socialmap.search.index import SearchIndex
from wegwijzer.socialmap.search.query import build, required
from wegwijzer.socialmap.search.ranking import distance


@pytest.fixture
def real_map(db, settings):
    from django.conf import settings as django_settings

    from wegwijzer.socialmap import content
    from wegwijzer.socialmap.search import rebuild

    settings.CONTENT_DIR = django_settings.BASE_DIR / "content"
    settings.SEARCH_STAMP_SECONDS = 0
    content.load(if_empty=False, replace=True)
    rebuild()


def doc(slug: str, kind: str, name: str, summary: str = "", description: str = "", **extra) -> dict:
    return {
        "slug": slug, "kind": kind, "name": name, "alternate_name": extra.pop("alternate_name", ""),
        "summary": summary, "description": description, "target_group": "", "conditions": "",
        "application_process": "", "laws": [], "phases": extra.pop("phases", []), "domain": "", "access": [],
        "wijken": extra.pop("wijken", []), "url": f"/kaart/{slug}/", "group": extra.pop("group", ""), **extra,
    }


SYNONYMS = synonyms_mod.parse(yaml.safe_load("""
synonyms:
  wijkteam: [buurtteam]
filters:
  wijk: {overvecht: [overvecht], west: [west]}
  fase: {zwangerschap: [zwanger, zwangere]}
"""))

DOCS = [
    doc("kraamzorg", "rol", "Kraamzorg", "Zorg thuis na de bevalling."),
    doc("verlengde-kraamzorg", "aanbod", "Extra uren kraamzorg", "Meer uren als het herstel langer duurt."),
    doc("uren-elders", "aanbod", "Spreekuur", "Elke week twee uren open."),
    doc("buurtteam-jg", "rol", "Buurtteam Jeugd en Gezin", "Helpt gezinnen.", alternate_name="wijkteam, buurtteam"),
    doc("buurtteam-sociaal", "rol", "Buurtteam Sociaal", "Helpt volwassenen.",
        alternate_name="wijkteam volwassenen"),
    doc("bt-overvecht", "team", "Buurtteam Overvecht", "Het buurtteam in de wijk.", wijken=["overvecht"]),
    doc("bt-west", "team", "Buurtteam West", "Het buurtteam in de wijk.", wijken=["west"]),
    doc("bt-stad", "team", "Buurtteam Stad", "Het buurtteam voor de hele stad."),
    doc("voorlichting", "aanbod", "Voorlichting", "Voor zwangere vrouwen.", phases=["zwangerschap"]),
    doc("peutergroep", "aanbod", "Peutergroep voorlichting", "Voor ouders van peuters.", phases=["jonge-kind"]),
    doc("nu-niet-zwanger", "aanbod", "Nu Niet Zwanger", "Voorlichting over anticonceptie.", phases=["kinderwens"]),
    doc("veilig-thuis", "rol", "Veilig Thuis", "Advies bij huiselijk geweld.", group="veilig-thuis"),
    doc("veilig-thuis-org", "organisatie", "Veilig Thuis Utrecht", "De organisatie.", group="veilig-thuis"),
    doc("ziekenhuis", "rol", "Ziekenhuis", "Medische zorg in het ziekenhuis.", group="ziekenhuis"),
    doc("zh-a", "organisatie", "Ziekenhuis A", "Een ziekenhuis.", group="ziekenhuis"),
    doc("zh-b", "organisatie", "Ziekenhuis B", "Een ziekenhuis.", group="ziekenhuis"),
    doc("naam", "aanbod", "Babymassage", "Een groep."),
    doc("tekst", "aanbod", "Ontmoeting", "Een groep.", "Soms is er babymassage."),
] + [doc(f"vulsel-{i}", "aanbod", f"Vulsel {i}", "Iets anders.") for i in range(12)]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(DOCS, SYNONYMS)


def slugs(index: SearchIndex, query: str, **kw) -> list[str]:
    return [r["slug"] for r in index.search(query, **kw)]


def test_required_words():
    assert [required(n) for n in range(1, 8)] == [1, 2, 2, 3, 4, 4, 5]


def test_most_typed_words_must_match(index):
    # "uren-elders" shares only "uren"; "kraamzorg" two of three words.
    # Kraamzorg shares one of the three words: not enough.
    assert slugs(index, "kraamzorg extra uren") == ["verlengde-kraamzorg"]
    assert "uren-elders" not in slugs(index, "kraamzorg extra uren")


def test_function_words_do_not_count(index):
    # "voor" is in the summaries of voorlichting and peutergroep; it must not be what matches.
    assert set(slugs(index, "kraamzorg voor de")) == {"kraamzorg", "verlengde-kraamzorg"}


def test_nothing_matches_enough_then_one_word_fewer(index):
    assert slugs(index, "kraamzorg qqqqzzzz") == ["kraamzorg", "verlengde-kraamzorg"]


def test_exact_name_first_then_synonyms(index):
    # "wijkteam" *is* a name of Buurtteam Jeugd en Gezin; Buurtteam Sociaal only contains the word.
    found = slugs(index, "wijkteam")
    assert found[:2] == ["buurtteam-jg", "buurtteam-sociaal"]
    # Synonym-only matches (buurtteam) follow, below the records with the typed word.
    assert set(found[2:]) <= {"bt-overvecht", "bt-west", "bt-stad"}


def test_name_above_description(index):
    assert slugs(index, "babymassage")[0] == "naam"
    assert [r["slug"] for r in index.search("babymassage ontmoeting")][0] == "tekst"


def test_wijk_word_filters(index):
    out = search_outcome_of(index, "buurtteam overvecht")
    assert out.filters == {"wijk": ["overvecht"]}
    assert out.results[0]["slug"] == "bt-overvecht"
    # Before the relevance cut: another wijk is out, citywide records stay in.
    plan = build(index, ["buurtteam", "overvecht"])
    searcher = index.index.searcher()
    matched = {index._hit(searcher, a)["slug"] for _s, a in searcher.search(plan.query, limit=50).hits}
    assert "bt-west" not in matched and {"bt-overvecht", "bt-stad", "buurtteam-jg"} <= matched


def test_a_generation_without_the_no_code_field_filters_the_same(index, monkeypatch):
    """Index format 2 had no `no_code` field: its filter passes citywide records as every record minus a regex."""
    from wegwijzer.socialmap.search import query as query_mod

    fill = query_mod.document_fields

    class WithoutNoCode:  # a document as format 2 wrote it
        def __init__(self, document):
            self.document = document

        def add_text(self, name, value):
            if name != query_mod.NO_CODE_FIELD:
                self.document.add_text(name, value)

    monkeypatch.setattr(query_mod, "document_fields", lambda doc, document: fill(doc, WithoutNoCode(document)))
    old = SearchIndex(DOCS, SYNONYMS)
    monkeypatch.undo()
    old.index_format = 2

    def matched(ix: SearchIndex, query: str) -> set[str]:
        searcher = ix.index.searcher()
        plan = build(ix, query.split())
        return {ix._hit(searcher, a)["slug"] for _s, a in searcher.search(plan.query, limit=50).hits}

    assert "bt-stad" in matched(old, "buurtteam overvecht") and "bt-west" not in matched(old, "buurtteam overvecht")
    for q in ("buurtteam overvecht", "voorlichting zwangere", "nu niet zwanger", "buurtteam west"):
        assert matched(old, q) == matched(index, q)
        assert search_outcome_of(old, q) == search_outcome_of(index, q)


def test_phase_word_filters_but_never_a_name(index):
    found = slugs(index, "voorlichting zwangere")
    assert found[0] == "voorlichting" and "peutergroep" not in found
    # The filter word in a record's own name keeps it: "Nu Niet Zwanger" is not a phase record.
    assert "nu-niet-zwanger" in slugs(index, "zwanger anticonceptie")


def test_only_filter_words_are_searched_as_words(index):
    assert slugs(index, "overvecht")[0] == "bt-overvecht"


def test_role_and_its_one_organisation_are_one_row(index):
    rows = index.search("veilig thuis")
    assert [r["slug"] for r in rows] == ["veilig-thuis"]
    assert [a["slug"] for a in rows[0]["also"]] == ["veilig-thuis-org"]
    assert set(rows[0]["also"][0]) == {"slug", "kind", "name", "url"}


def test_a_role_with_several_organisations_is_not_grouped(index):
    found = slugs(index, "ziekenhuis")
    assert {"ziekenhuis", "zh-a", "zh-b"} <= set(found)


def test_did_you_mean(index):
    assert search_outcome_of(index, "kraamzrog").suggestion == "kraamzorg"
    assert search_outcome_of(index, "kraamzrog extra uren").suggestion == "kraamzorg extra uren"
    assert search_outcome_of(index, "kraamzorg").suggestion == ""
    assert search_outcome_of(index, "zzzzqqqq").suggestion == ""  # nothing close: no suggestion


def test_weak_tail_is_cut(index):
    # Every record has "een"/"het" words and many share "groep"; the count is what fits, not all that share.
    out = search_outcome_of(index, "babymassage")
    # "Ontmoeting" has the word only in its description: far below the name match, so not counted.
    assert out.total == 1 and [r["slug"] for r in out.results] == ["naam"]


def test_distance_counts_a_transposition_as_one():
    assert distance("kraamzrog", "kraamzorg", 2) == 1
    assert distance("huisbzoek", "huisbezoek", 2) == 1
    assert distance("abc", "xyzxyz", 2) == 3  # beyond the bound: bound + 1


def search_outcome_of(index: SearchIndex, query: str):
    return index.search_outcome(query, limit=20)


# ---------------------------------------------------------------------- the real map


def test_issue_targets_on_the_real_map(real_map):
    huil = search_outcome("huilbaby", limit=100)
    assert huil.total <= 10 and huil.results[0]["slug"] in {"buurtteam-jeugd-gezin", "jgz", "jgz-utrecht"}
    cb = search_outcome("consultatiebureau", limit=100)
    assert cb.total <= 10 and cb.results[0]["slug"] in {"jgz", "jgz-utrecht"}
    assert search("wijkteam", limit=1)[0]["slug"] == "buurtteam-jeugd-gezin"
    # Veilig Thuis and SAVE once each: role and organisation in one row.
    for query, pair in (("veilig thuis", {"veilig-thuis", "veilig-thuis-organisatie"}),
                        ("samen veilig", {"save", "samen-veilig"})):
        rows = search(query, limit=100)
        shown = [s for r in rows for s in (r["slug"], *(a["slug"] for a in r["also"]))]
        assert sorted(s for s in shown if s in pair) == sorted(pair)
        assert sum(r["slug"] in pair for r in rows) == 1


def test_young_pregnant_woman_without_network_finds_voorzorg(real_map):
    # Issue 10: VoorZorg (JGZ's intensive home-visit programme in pregnancy) in the first three, next to
    # the buurtteam the seed names for "een klein netwerk of jong ouderschap".
    rows = search("zwangere tiener zonder netwerk Overvecht", limit=100)
    top = [s for r in rows[:3] for s in (r["slug"], *(a["slug"] for a in r["also"]))]
    assert "voorzorg" in top
    assert rows[0]["slug"] in {"buurtteam-jeugd-gezin", "buurtteam-overvecht", "voorzorg", "prenataal-huisbezoek"}
    # Records that only share the word "netwerk" (informal care networks) no longer push these out.
    assert "sociale-basis" not in top


def test_a_several_word_synonym_needs_most_of_its_words():
    synonyms = synonyms_mod.parse(yaml.safe_load("synonyms:\n  tiener: [jong ouderschap]\n"))
    docs = [
        doc("bt", "rol", "Buurtteam", "Hulp bij jong ouderschap."),
        doc("kdv", "aanbod", "Opvang", "Voor het jonge kind."),  # only "jong": not a teenage parent
        doc("cursus", "aanbod", "Cursus", "Over ouderschap."),  # only "ouderschap"
    ] + [doc(f"vulsel-{i}", "aanbod", f"Vulsel {i}", "Iets anders.") for i in range(12)]
    assert [r["slug"] for r in SearchIndex(docs, synonyms).search("tiener")] == ["bt"]


def test_precision_floor_on_the_labelled_queries(real_map):
    cases = yaml.safe_load((Path(__file__).parent / "search-precision.yaml").read_text(encoding="utf-8"))
    assert len(cases) >= 30 and sum(bool(c.get("held")) for c in cases) >= 15
    first_right, fit5 = [], []
    for case in cases:
        rows = search(case["q"], limit=5)
        groups = [{r["slug"], *(a["slug"] for a in r["also"])} for r in rows]
        fits = set(case["first"]) | set(case["fits"])
        first_right.append(bool(groups) and bool(groups[0] & set(case["first"])))
        fit5.append(sum(bool(g & fits) for g in groups) / len(groups) if groups else 0.0)
    # Measured 0.92 / 0.88 (docs/search.md); main had 0.92 / 0.61.
    assert sum(first_right) / len(cases) >= 0.85
    assert sum(fit5) / len(cases) >= 0.8


def test_search_page_suggests_and_groups(client, real_map):
    html = client.get("/kaart/zoeken/", {"q": "kraamzrog"}).content.decode()
    assert 'Bedoelde u: <a class="utrecht-link" href="?q=kraamzorg" lang="nl">kraamzorg</a>?' in html
    html = client.get("/kaart/zoeken/", {"q": "veilig thuis"}).content.decode()
    assert html.count('href="/kaart/veilig-thuis/"') == 1
    assert "Ook: <a" in html and 'href="/kaart/veilig-thuis-organisatie/"' in html
    assert "1 resultaat voor" in html
    # The page's own filters still apply to a grouped row: the organisation takes the role's place.
    html = client.get("/kaart/zoeken/", {"q": "veilig thuis", "soort": "organisatie"}).content.decode()
    assert 'href="/kaart/veilig-thuis-organisatie/"' in html


def test_api_adds_fields_and_keeps_the_old_ones(client, real_map):
    body = client.get("/api/v1/search", {"q": "veilig thuis"}).json()
    assert set(body) == {"results", "total", "suggestion"}
    first = body["results"][0]
    assert {"slug", "kind", "name", "summary", "url"} <= set(first)
    assert first["also"][0]["slug"] == "veilig-thuis-organisatie"
    assert client.get("/api/v1/search", {"q": "kraamzrog"}).json()["suggestion"] == "kraamzorg"
