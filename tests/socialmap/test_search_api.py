"""The search endpoint, the `wegwijzer search` command, and the index following edits of the map."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from wegwijzer.socialmap import changes
from wegwijzer.socialmap.models import Organization, Role, Service, TaxonomyTerm, Wijk
from wegwijzer.socialmap.search import rebuild, search
from wegwijzer.socialmap.search.lifecycle import current
from wegwijzer.socialmap.services import map_records_changed

SYNONYMS = """\
synonyms:
  wijkteam: [buurtteam]
  consultatiebureau: [jgz]
"""


@pytest.fixture
def search_map(db, settings, tmp_path):
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "synonyms.yaml").write_text(SYNONYMS, encoding="utf-8")
    settings.CONTENT_DIR = tmp_path
    settings.SEARCH_STAMP_SECONDS = 0
    zvw = TaxonomyTerm.objects.create(taxonomy="wet", code="zvw", name="Zorgverzekeringswet")
    overvecht = Wijk.objects.create(slug="overvecht", name="Overvecht")
    kraamzorg = Role.objects.create(
        slug="kraamzorg", name="Kraamzorg", summary="De kraamverzorgende helpt in de eerste week na de bevalling."
    )
    Role.objects.create(slug="jgz", name="Jeugdgezondheidszorg (JGZ)", summary="Volgt de groei van kinderen.")
    Role.objects.create(slug="buurtteam-jeugd-gezin", name="Buurtteam Jeugd en Gezin",
                        summary="Helpt gezinnen in de wijk.")
    extra = Service.objects.create(
        slug="verlengde-kraamzorg", name="Extra uren (verlengde) kraamzorg",
        alternate_name="kraamzorg extra uren", summary="Meer uren kraamzorg als herstel langer duurt.",
    )
    extra.terms.add(zvw)
    extra.roles.add(kraamzorg)
    team = Organization.objects.create(slug="buurtteam-overvecht", name="Buurtteam Overvecht", kind="team",
                                       wijk=overvecht)
    team.service_areas.add(overvecht)
    rebuild()
    return tmp_path


def api(client, query: str | None = None, **params) -> tuple[int, dict]:
    if query is not None:
        params["q"] = query
    response = client.get("/api/v1/search", params)
    assert response["Content-Type"].startswith("application/json")
    return response.status_code, response.json()


def test_api_returns_results_in_relevance_order(client, search_map):
    status, body = api(client, "kraamzorg extra uren")
    assert status == 200
    assert body["results"][0] == {
        "slug": "verlengde-kraamzorg", "kind": "aanbod", "name": "Extra uren (verlengde) kraamzorg",
        "summary": "Meer uren kraamzorg als herstel langer duurt.", "url": body["results"][0]["url"], "also": [],
    }
    # Minimum-should-match: "Kraamzorg" shares one of three words (it used to follow as second hit).
    assert [r["slug"] for r in body["results"]] == ["verlengde-kraamzorg"]
    assert body["total"] == 1 and body["suggestion"] == ""


def test_api_finds_every_kind(client, search_map):
    assert api(client, "overvecht")[1]["results"][0]["slug"] in {"overvecht", "buurtteam-overvecht"}
    assert {r["kind"] for r in api(client, "overvecht buurtteam")[1]["results"]} == {"team"}
    assert api(client, "Zorgverzekeringswet")[1]["results"][0]["slug"] == "verlengde-kraamzorg"
    assert {r["slug"] for r in api(client, "wijkteam")[1]["results"][:2]} == {
        "buurtteam-jeugd-gezin", "buurtteam-overvecht"}


# NUL is the one refused character: a 400 naming `q` (tests/core/test_api_url_characters.py).
@pytest.mark.parametrize("query", [None, "", "   ", "😀", "x" * 10_000, 'AND ( ) " * : ^ ~', "\u202e"])
def test_api_bad_queries_are_200(client, search_map, query):
    status, body = api(client, query)
    assert status == 200
    assert isinstance(body["results"], list)


def test_api_missing_or_empty_query_is_empty(client, search_map):
    assert api(client) == (200, {"results": [], "total": 0, "suggestion": ""})
    assert api(client, "  ") == (200, {"results": [], "total": 0, "suggestion": ""})


@pytest.mark.parametrize("limit", ["abc", "0", "-1", "101", "1.5", "1e3", "😀"])
def test_api_bad_limit_is_400(client, search_map, limit):
    status, body = api(client, "kraamzorg", limit=limit)
    assert status == 400
    assert body["detail"] and body["errors"]["limit"]


def test_api_limit(client, search_map):
    status, body = api(client, "kraamzorg", limit="1")
    assert status == 200 and len(body["results"]) == 1


def test_api_rejects_post(client, search_map):
    assert client.post("/api/v1/search", {"q": "kraamzorg"}).status_code == 405


def test_openapi_documents_search(client, search_map):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/search" in doc["paths"]
    assert "SearchResult" in doc["components"]["schemas"]


@pytest.mark.parametrize("query", ["kraamzorg extra uren", "kraamzrog", "wijkteam", "overvecht", "😀", "zzzz"])
def test_cli_json_is_the_api_body(client, search_map, query):
    out = io.StringIO()
    call_command("search", query, "--json", stdout=out)
    response = client.get("/api/v1/search", {"q": query})
    assert out.getvalue().strip() == response.content.decode("utf-8")


def test_cli_words_are_joined_and_limit_applies(client, search_map):
    out = io.StringIO()
    call_command("search", "kraamzorg", "extra", "uren", "--json", "--limit", "1", stdout=out)
    assert out.getvalue().strip() == client.get("/api/v1/search", {"q": "kraamzorg extra uren", "limit": 1}).content.decode()


def test_cli_readable_list_in_dutch(search_map):
    out = io.StringIO()
    call_command("search", "kraamzorg", "uren", stdout=out)
    text = out.getvalue()
    assert "resultaten voor" in text and "Extra uren (verlengde) kraamzorg" in text
    out = io.StringIO()
    call_command("search", "zzzzqqq", stdout=out)
    assert "Niets gevonden" in out.getvalue()


def test_cli_bad_limit(search_map):
    with pytest.raises(CommandError):
        call_command("search", "kraamzorg", "--limit", "nul", stdout=io.StringIO())


def test_index_follows_an_edit(search_map):
    assert search("babbelbox") == []
    role = Role.objects.get(slug="jgz")
    role.alternate_name = "babbelbox"
    role.save()
    map_records_changed(user=None, objects=[role])  # what the admin's save does
    assert [r["slug"] for r in search("babbelbox")] == ["jgz"]


def test_index_follows_an_edit_by_another_process(search_map):
    # Another process's edit reaches this one only through the change counter and log in the database.
    Role.objects.filter(slug="jgz").update(name="Consultatiebureau JGZ", updated_at=timezone.now())
    changes.changes_record(records=[("role", Role.objects.get(slug="jgz").pk)])
    assert search("consultatiebureau")[0]["name"] == "Consultatiebureau JGZ"


def test_index_follows_a_new_and_a_deleted_record(search_map):
    new = Service.objects.create(slug="babbelbox", name="Babbelbox")
    map_records_changed(user=None, objects=[new])
    assert [r["slug"] for r in search("babbelbox")] == ["babbelbox"]
    keys = changes.record_keys(new)
    new.delete()
    map_records_changed(user=None, keys=keys)
    assert search("babbelbox") == []


def test_index_is_reused_while_nothing_changes(search_map):
    first = current()
    search("kraamzorg")
    assert current() is first


def test_synonyms_file_is_content(search_map):
    assert search("consultatiebureau")[0]["slug"] == "jgz"
    (search_map / "search" / "synonyms.yaml").write_text("synonyms: {}\n", encoding="utf-8")
    rebuild()
    assert [r["slug"] for r in search("consultatiebureau")] == []


def test_service_limits_and_bad_types(search_map):
    assert search(None) == []  # type: ignore[arg-type]
    assert len(search("kraamzorg", limit=1)) == 1
    assert search("kraamzorg", limit=0) == []
    assert len(search("kraamzorg", limit=10_000)) <= 100
    assert {r["kind"] for r in search("kraamzorg", kind="rol")} == {"rol"}
    assert json.dumps(search("kraamzorg"))  # JSON-ready


def test_counter_is_checked_at_most_once_per_interval(search_map, settings):
    settings.SEARCH_STAMP_SECONDS = 3600
    search("kraamzorg")  # checked now
    Role.objects.filter(slug="jgz").update(name="Babbelbox", updated_at=timezone.now())
    changes.changes_record(records=[("role", Role.objects.get(slug="jgz").pk)])
    assert search("babbelbox") == []  # not re-checked within the interval
    settings.SEARCH_STAMP_SECONDS = 0
    assert [r["slug"] for r in search("babbelbox")] == ["jgz"]


def test_concerns_a_record_helps_with_are_searchable(search_map):
    concern = TaxonomyTerm.objects.create(taxonomy="signaal", code="borstvoeding",
                                          name="Borstvoeding komt niet goed op gang")
    Role.objects.get(slug="kraamzorg").terms.add(concern)
    map_records_changed(user=None, objects=[concern])  # the term's records
    assert search("borstvoeding op gang")[0]["slug"] == "kraamzorg"
