"""Sources as checkable references, notices (contradictions, what the wegwijzer does not say) and warnings by
weight (issue 11, item 3 and points 8-9)."""

from __future__ import annotations

import pytest
import yaml

from wegwijzer.routeguide import content, service
from wegwijzer.routeguide.engine import RuleSetError, evaluate, validate_situation
from wegwijzer.routeguide.engine.sources import SourcesError, load_sources, parse_sources

from .conftest import CONTENT, P01
from .test_content import content_copy, edit_rule  # noqa: F401 - fixture

KRAAMWEEK_URGENT = {
    "phase": "kraamperiode",
    "weeks_since_birth": 0,
    "reporter": "kraamzorg",
    "concerns": ["huiselijk-geweld", "verslaving-ouder", "dakloosheid", "huilbaby", "zorgen-opvoedvaardigheden"],
    "urgent": True,
    "ambulant_sufficient": False,
}


def _advice(ruleset, data):
    return evaluate(validate_situation(data, ruleset.vocabulary), ruleset).to_dict()


# ------------------------------------------------------------------ the sources list


def test_every_rule_cites_listed_sections(ruleset):
    sources = load_sources(CONTENT / "sources.yaml")
    for rule in ruleset.rules:
        found, unknown = sources.resolve(rule.source)
        assert found and not unknown, (rule.id, rule.source, unknown)


def test_a_later_part_without_prefix_belongs_to_the_same_document():
    sources = load_sources(CONTENT / "sources.yaml")
    found, unknown = sources.resolve("Wegwijzer §2, Uitgangspunten; §4, Welke wetgeving of financiering")
    assert unknown == []
    assert [f["section"] for f in found] == ["w-p2-uitgangspunten", "w-p4-welke-wetgeving-of-financiering"]
    assert [f["title"] for f in found] == ["Wegwijzer §2, Uitgangspunten", "Wegwijzer §4, Welke wetgeving of financiering"]
    _, unknown = sources.resolve("Proeftuin §3, Uitgangspunten")  # a section of the other document
    assert unknown == ["Proeftuin §3, Uitgangspunten"]


def test_urls_only_where_the_seed_gives_one():
    sources = load_sources(CONTENT / "sources.yaml")
    seeds = "".join(p.read_text(encoding="utf-8") for p in (CONTENT.parent.parent / "shared" / "seeds").glob("*.txt"))
    urls = [s.url for d in sources.documents for s in d.sections if s.url] + [d.url for d in sources.documents if d.url]
    assert urls, "some sections have an address"
    for url in urls:
        assert url in seeds, url
    assert all(d.url == "" for d in sources.documents)  # the seeds give no address of the documents themselves


def test_a_rule_citing_an_unlisted_section_fails_on_load(content_copy):  # noqa: F811
    edit_rule(content_copy / "routeguide" / "rules" / "zwangerschap.yaml", "R-zw-prenataal-huisbezoek",
              lambda r: r.__setitem__("source", "Wegwijzer §9, Bestaat niet"))
    with pytest.raises(RuleSetError) as excinfo:
        content.load_rules()
    assert any(
        "R-zw-prenataal-huisbezoek" in p and "'Wegwijzer §9, Bestaat niet'" in p and "content/sources.yaml" in p
        for p in excinfo.value.problems
    ), excinfo.value.problems
    problems = content.check()
    assert any("R-zw-prenataal-huisbezoek" in p and "§9, Bestaat niet" in p for p in problems), problems


def test_an_invalid_sources_list_is_reported(content_copy):  # noqa: F811
    path = content_copy / "sources.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["documents"][0]["sections"].append(dict(data["documents"][0]["sections"][0]))
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = content.check()
    assert any(p.startswith("regels: bronnen: ") and "komt vaker voor" in p for p in problems), problems


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({}, "documents"),
        ({"documents": [{"id": "w", "prefix": "Wegwijzer", "title": "T", "sections": []}]}, "sections"),
        ({"documents": [{"id": "w", "prefix": "Wegwijzer", "title": "T", "sections": [{"id": "a"}]}]}, "'title'"),
        ({"documents": [{"id": "w", "prefix": "W", "title": "T", "sections": [{"id": "a", "title": "x", "url": "http://x"}]}]},
         "https://"),
        ({"documents": [{"id": "w", "prefix": "W", "title": "T", "extra": 1, "sections": [{"id": "a", "title": "x"}]}]},
         "onbekende velden"),
    ],
)
def test_sources_validation(data, needle):
    with pytest.raises(SourcesError) as excinfo:
        parse_sources(data)
    assert any(needle in p for p in excinfo.value.problems), excinfo.value.problems


def test_reasons_carry_the_section_titles(ruleset):
    advice = _advice(ruleset, P01)
    for reason in advice["reasons"]:
        if reason["rule"].startswith("R-"):
            titles = [s["title"] for s in reason["sources"]]
            assert titles and all(t in reason["source"] or reason["source"].startswith(t.split(" ")[0]) for t in titles)


@pytest.mark.django_db  # the rule set asks which release is live (routeguide/live.py)
def test_the_sources_accessor_is_cached():
    service.reset_cache()
    first = service.sources()
    assert service.sources() is first
    assert service.ruleset().sources is first
    service.reset_cache()


# ------------------------------------------------------------------ notices


def test_huilbaby_and_the_parents_own_question_is_named_as_a_contradiction(ruleset):
    advice = _advice(ruleset, {"phase": "kraamperiode", "weeks_since_birth": 1, "reporter": "kraamzorg",
                               "concerns": ["huilbaby"], "related_to_baby_care": False})
    (notice,) = advice["contradictions"]
    assert notice["id"] == "N-huilbaby-eigen-vraag"
    assert notice["text"].startswith("U gaf aan") and "controleer dit" in notice["text"]
    assert notice["sources"][0]["section"] == "w-p4-welke-wetgeving-of-financiering"
    assert _advice(ruleset, {"phase": "kraamperiode", "weeks_since_birth": 1, "reporter": "kraamzorg",
                             "concerns": ["huilbaby"]})["contradictions"] == []


def test_every_advice_says_what_the_wegwijzer_does_not_say(ruleset):
    (notice,) = _advice(ruleset, P01)["not_in_source"]
    assert notice["id"] == "N-escalatie-niet-beschreven"
    assert "Het Juiste Loket" in notice["text"] and "escaleren" in notice["text"]
    assert {s["section"] for s in notice["sources"]} == {"w-p1-1-leeswijzer", "w-p4-welke-wetgeving-of-financiering"}


def _write_notices(content_copy, notices):  # noqa: F811
    (content_copy / "routeguide" / "notices.yaml").write_text(
        yaml.safe_dump({"notices": notices}, allow_unicode=True), encoding="utf-8"
    )


GOOD = {"id": "N-x", "kind": "contradiction", "source": "Wegwijzer §2, Uitgangspunten", "when": {},
        "text": "U gaf aan … en …; controleer dit."}


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"kind": "opmerking"}, "kind moet"),
        ({"source": "Wegwijzer §8, Nergens"}, "'Wegwijzer §8, Nergens'"),
        ({"when": {"concerns_any": ["bestaat-niet"]}}, "onbekende code 'bestaat-niet'"),
        ({"when": {"laws_any": ["wmo"]}}, "kijkt naar het advies"),
        ({"when": {"onzin": True}}, "onbekende voorwaarde"),
        ({"id": "X-1"}, "N-"),
        ({"extra": 1}, "onbekende velden"),
    ],
)
def test_invalid_notices_fail_on_load(content_copy, change, needle):  # noqa: F811
    _write_notices(content_copy, [{**GOOD, **change}])
    with pytest.raises(RuleSetError) as excinfo:
        content.load_rules()
    assert any(needle in p for p in excinfo.value.problems), excinfo.value.problems


def test_notices_change_the_content_version(content_copy):  # noqa: F811
    before = content.load_rules().content_version
    _write_notices(content_copy, [GOOD])
    assert content.load_rules().content_version != before


# ------------------------------------------------------------------ warnings by weight


def test_urgent_kraamweek_warnings_are_ordered_by_weight(ruleset):
    advice = _advice(ruleset, KRAAMWEEK_URGENT)
    assert len(advice["warnings"]) >= 9
    assert advice["warnings_prominent"] == advice["warnings"][:3] == ["safety-first", "urgent-consultation", "not-ambulant"]
    weight = {}
    for rule in ruleset.rules:
        for kind, code, rank in rule.adds:
            if kind == "warnings":
                weight[code] = rank
    ranks = [weight[c] for c in advice["warnings"]]
    assert ranks == sorted(ranks)


def test_a_warning_with_two_weights_fails_on_load(content_copy):  # noqa: F811
    def heavier(rule):
        rule["then"]["warnings"] = [{"code": "consent-required", "rank": 1}]

    edit_rule(content_copy / "routeguide" / "rules" / "zwangerschap.yaml", "R-zw-prenataal-huisbezoek", heavier)
    with pytest.raises(RuleSetError) as excinfo:
        content.load_rules()
    assert any("consent-required" in p and "één gewicht" in p for p in excinfo.value.problems), excinfo.value.problems


# ------------------------------------------------------------------ through the service and the API


@pytest.mark.django_db
def test_service_and_api_expose_the_extras(client):
    data = {"phase": "kraamperiode", "weeks_since_birth": 1, "reporter": "kraamzorg", "concerns": ["huilbaby"],
            "related_to_baby_care": False}
    advice = service.advise(data, tally=False)
    assert [n["id"] for n in advice["contradictions"]] == ["N-huilbaby-eigen-vraag"]
    response = client.post("/api/v1/advice", data, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert [n["id"] for n in body["contradictions"]] == ["N-huilbaby-eigen-vraag"]
    assert [n["id"] for n in body["not_in_source"]] == ["N-escalatie-niet-beschreven"]
    assert body["warnings_prominent"] == body["warnings"][:3]
    assert all(r["sources"] for r in body["reasons"] if r["rule"].startswith("R-"))


# ------------------------------------------------------------------ the advice page


@pytest.mark.django_db
def test_advice_page_names_the_contradiction_and_what_the_wegwijzer_does_not_say(client):
    query = "phase=kraamperiode&weeks_since_birth=1&reporter=kraamzorg&concerns=huilbaby&related_to_baby_care=nee"
    body = client.get(f"/route/advies/?{query}").content.decode()
    assert 'id="melding-N-huilbaby-eigen-vraag"' in body
    assert "controleer dit" in body
    # named before the route itself
    assert body.index("ww-contradictions") < body.index('id="waarom"')
    assert "Wat de wegwijzer niet zegt" in body and "Het Juiste Loket" in body


@pytest.mark.django_db
def test_advice_page_names_section_titles_and_links_only_known_addresses(client):
    query = ("phase=zwangerschap&reporter=verloskundige&wijk=overvecht&concerns=jong-ouderschap"
             "&concerns=geen-netwerk&buurtteam_involved=nee")
    body = client.get(f"/route/advies/?{query}").content.decode()
    assert "Bron: Wegwijzer §3, Tijdens de zwangerschap" in body
    # CenteringZwangerschap: the seed gives its information page, so the section title links to it
    assert 'href="https://centeringzorg.nl/centeringpregnancy/centeringzwangerschap-informatie/"' in body
    assert "ww-contradictions" not in body  # nothing contradicts here
