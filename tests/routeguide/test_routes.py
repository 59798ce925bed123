"""A second route as content (issue 15, item 5): the Proeftuin's basis-ggz route through engine, API, CLI and
wizard; `route` optional with the first-1000-days route as default; 422 naming `route` when unknown."""

from __future__ import annotations

import io
import json
import shutil
import sys

import pytest
import yaml
from django.core.management import call_command

from wegwijzer.routeguide import content, service
from wegwijzer.routeguide.engine import VocabularyError, evaluate, validate_situation
from wegwijzer.routeguide.engine.vignettes import expectation_failures
from wegwijzer.routeguide.engine.vocabulary import extend_vocabulary, load_vocabulary

from .conftest import CONTENT, P01, all_vignettes

pytestmark = pytest.mark.django_db
ROUTE = "basis-ggz"
ROUTE_DIR = CONTENT / "routeguide" / "routes" / ROUTE


def bg_vignettes() -> list[dict]:
    out = []
    for path in sorted((ROUTE_DIR / "vignettes").glob("*.yaml")):
        out += yaml.safe_load(path.read_text(encoding="utf-8"))
    return out


BG = bg_vignettes()


def check(advice: dict, item: dict, acting_role: str | None) -> list[str]:
    return expectation_failures(advice, item["expect"], acting_role)


def test_the_second_route_is_content_with_ten_traced_vignettes():
    assert [r.id for r in content.routes()] == ["eerste-1000-dagen", ROUTE]
    assert [v["id"] for v in BG] == [f"BG-{i:02d}" for i in range(1, 11)]
    rules = service.ruleset(ROUTE)
    assert 20 <= len(rules.rules) <= 30
    assert all(r.id.startswith("R-bg-") for r in rules.rules)
    # every rule and vignette rests on a listed Proeftuin section (checked on load; here: it is the Proeftuin)
    assert all(r.source.startswith("Proeftuin ") for r in rules.rules if r.id != "R-bg-twijfel-wet")
    assert all(v["source"].startswith("Proeftuin ") for v in BG)
    assert rules.content_version != service.ruleset().content_version


@pytest.mark.parametrize("item", BG, ids=[v["id"] for v in BG])
def test_vignette_via_engine(item):
    rules = service.ruleset(ROUTE)
    situation = validate_situation(item["situation"], rules.vocabulary)
    advice = evaluate(situation, rules)
    assert check(advice.to_dict(), item, situation.acting_role) == []
    assert not advice.guards, "the first route's guards never act on the second route"


@pytest.mark.parametrize("item", BG, ids=[v["id"] for v in BG])
def test_vignette_via_api(client, item):
    response = client.post("/api/v1/advice", data=json.dumps({"route": ROUTE, **item["situation"]}),
                           content_type="application/json")
    assert response.status_code == 200, response.content
    advice = response.json()
    assert advice["situation"]["route"] == ROUTE
    acting = service.route_vocabulary(ROUTE).acting_role(item["situation"]["reporter"])
    assert check(advice, item, acting) == []
    assert advice["content_version"] == service.ruleset(ROUTE).content_version


def advise_cli(args, stdin=None):
    out, err = io.StringIO(), io.StringIO()
    old, code = sys.stdin, 0
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        call_command("advise", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.stdin = old
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("item", BG, ids=[v["id"] for v in BG])
def test_vignette_via_cli(item):
    code, out, err = advise_cli(["-", "--route", ROUTE, "--no-tally"], json.dumps(item["situation"]))
    assert code == 0, err
    advice = json.loads(out)
    acting = service.route_vocabulary(ROUTE).acting_role(item["situation"]["reporter"])
    assert check(advice, item, acting) == []


def test_cli_route_in_the_situation_and_a_contradicting_option(tmp_path):
    situation = {"route": ROUTE, **BG[0]["situation"]}
    code, out, _ = advise_cli(["-", "--no-tally"], json.dumps(situation))
    assert code == 0 and json.loads(out)["situation"]["route"] == ROUTE
    code, out, err = advise_cli(["-", "--route", "eerste-1000-dagen", "--no-tally"], json.dumps(situation))
    assert code == 2 and out == ""
    assert "route" in json.loads(err)["errors"]
    code, _, err = advise_cli(["-", "--route", "nergens", "--no-tally"], json.dumps(BG[0]["situation"]))
    assert code == 2 and "Onbekende route 'nergens'" in json.loads(err)["errors"]["route"][0]


@pytest.mark.parametrize("bad", ["nergens", 3, ["basis-ggz"], ""])
def test_unknown_route_is_422_naming_route(client, bad):
    response = client.post("/api/v1/advice", data=json.dumps({**P01, "route": bad}), content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert list(body["errors"]) == ["route"]
    assert "Onbekende route" in body["errors"]["route"][0] and "basis-ggz" in body["errors"]["route"][0]


def test_a_route_code_of_the_other_route_is_refused_by_field(client):
    # the first route's phase is not a phase of the second route: the situation is checked with the route's codes
    response = client.post("/api/v1/advice", data=json.dumps({**P01, "route": ROUTE}), content_type="application/json")
    assert response.status_code == 422
    assert "phase" in response.json()["errors"] and "concerns" in response.json()["errors"]
    bg = {**BG[0]["situation"]}
    response = client.post("/api/v1/advice", data=json.dumps(bg), content_type="application/json")
    assert response.status_code == 422 and "phase" in response.json()["errors"]


@pytest.mark.parametrize("item", all_vignettes(), ids=lambda v: v["id"])
def test_every_existing_situation_means_what_it_meant(item):
    plain = service.advise(item["situation"], tally=False)
    for route in ("eerste-1000-dagen", None):
        assert service.advise({**item["situation"], "route": route}, tally=False) == plain
    assert plain["situation"]["route"] == "eerste-1000-dagen"


def test_the_second_route_leaves_the_first_routes_version_alone(tmp_path, settings):
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    settings.CONTENT_DIR = target
    with_route = content.route_ruleset().content_version
    shutil.rmtree(target / "routeguide" / "routes")
    settings.CONTENT_DIR = tmp_path / "other"
    shutil.copytree(target, tmp_path / "other")
    assert content.route_ruleset().content_version == with_route
    assert [r.id for r in content.routes()] == ["eerste-1000-dagen"]


def test_content_check_covers_the_second_route(tmp_path, settings):
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    settings.CONTENT_DIR = target
    assert content.check() == []
    assert "(route basis-ggz)" in content.summary() and "10 vignetten" in content.summary()
    path = target / "routeguide" / "routes" / ROUTE / "vignettes" / "basis-ggz.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    items[0]["expect"]["first_involve_any"] = ["school"]
    items[1]["situation"]["concerns"] = ["huilbaby"]  # a first-route code the second route does not offer
    path.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8")
    rules = target / "routeguide" / "routes" / ROUTE / "rules" / "school.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("role: school", "role: kraamzorg-x"), encoding="utf-8")
    problems = content.check()
    assert problems and all(p.startswith("route basis-ggz: ") for p in problems), problems
    assert any("kraamzorg-x" in p for p in problems)
    rules.write_text(rules.read_text(encoding="utf-8").replace("role: kraamzorg-x", "role: school"), encoding="utf-8")
    problems = content.check()
    assert any("BG-01" in p for p in problems) and any("BG-02" in p and "huilbaby" in p for p in problems), problems


def test_route_vocabulary_keeps_adds_and_never_redefines():
    base = load_vocabulary(CONTENT / "vocabulary.yaml")
    vocab = service.route_vocabulary(ROUTE)
    assert list(vocab.phases) == ["jeugd-tot-16", "jeugd-16-17"]
    assert "school" in vocab.roles and "jgz" in vocab.roles and "huilbaby" not in vocab.concerns
    assert vocab.acting_role("poh-ggz-jeugd") == "poh-ggz"
    assert "gynaecoloog" not in vocab.reporter_roles
    with pytest.raises(VocabularyError, match="herdefinieert"):
        extend_vocabulary(base, "roles: {add: {jgz: Iets anders}}")
    with pytest.raises(VocabularyError, match="keep"):
        extend_vocabulary(base, "concerns: {keep: [bestaat-niet]}")
    with pytest.raises(VocabularyError, match="onbekende soorten"):
        extend_vocabulary(base, "kleuren: {add: {rood: Rood}}")


# ------------------------------------------------------------------ wizard


def test_start_page_offers_the_route_choice(client):
    body = client.get("/route/").content.decode()
    assert 'name="route" value="basis-ggz"' in body and "Basiszorg jeugd-ggz" in body
    assert 'name="route" value="eerste-1000-dagen" checked' in body


def test_first_screen_of_the_second_route_asks_its_own_phases(client):
    body = client.get("/route/stap/fase/", {"route": ROUTE}).content.decode()
    assert 'value="jeugd-16-17"' in body and 'value="kinderwens"' not in body
    assert 'name="weeks_since_birth"' not in body
    assert '<input type="hidden" name="route" value="basis-ggz">' in body


def test_wizard_advice_of_the_second_route(client):
    situation = BG[7]["situation"]  # BG-08
    query = {"route": ROUTE, "phase": situation["phase"], "reporter": situation["reporter"],
             "concerns": situation["concerns"]}
    response = client.get("/route/advies/", query)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Multidisciplinair overleg (MDO)" in body and "Basiszorg jeugd-ggz" in body
    assert "/kaart/mdo/" not in body and "/kaart/jgz/" in body  # no link to a social map record that does not exist
    summary = client.get("/route/samenvatting/", query).content.decode()
    assert "route=basis-ggz" in summary


def test_wizard_unknown_route_shows_the_choice_with_the_error(client):
    for path in ("/route/stap/fase/", "/route/samenvatting/", "/route/advies/"):
        response = client.get(path, {"route": "nergens", "phase": "jeugd-tot-16"})
        assert response.status_code == 200
        body = response.content.decode()
        assert "Kies een van de routes uit de lijst." in body and 'name="route"' in body
