"""The HSDS 3.0 API reference at /api/v1/: the root, every standard parameter, bad types as 400, unknown ids 404,
CORS on the public map only; and the official example files import (tests/socialmap/test_hsds_conformance.py
validates the shapes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from wegwijzer.socialmap import hsds
from wegwijzer.socialmap.models import Organization, Phone, Service, TaxonomyTerm

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "standards" / "hsds-3.0" / "examples"


def slugs(response):
    assert response.status_code == 200, response.content[:300]
    return [item["slug"] for item in response.json()["contents"]]


def test_root_names_version_profile_and_absolute_openapi_url(client, db):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "3.0"
    assert body["profile"].startswith("https://")
    assert body["openapi_url"] == "http://testserver/api/v1/openapi.json"
    assert client.get(body["openapi_url"]).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/services?search=kraamzorg&taxonomy_term_id={term}&taxonomy_id={taxonomy}&organization_id={org}"
        "&modified_after=2000-01-01T00:00:00Z&minimal=false&full=true&page=1&per_page=10&format=json",
        "/organizations?search=jgz&full_service=true&full=true&page=1&per_page=5&format=json",
        "/organizations/{org}?full_service=true",
        "/taxonomies?search=wet&page=1&per_page=5&format=json",
        "/taxonomy_terms?search=zvw&taxonomy_id={taxonomy}&top_only=true&page=1&per_page=5&format=json",
        "/service_at_locations?search=x&taxonomy_term_id={term}&taxonomy_id={taxonomy}&organization_id={org}"
        "&modified_after=2000-01-01&full=true&page=1&per_page=5&format=json&postcode=3500&proximity=100",
    ],
)
def test_every_standard_parameter_is_accepted(client, loaded_map, path):
    term = TaxonomyTerm.objects.get(taxonomy="wet", code="zvw")
    org = Organization.objects.get(slug="kraamzorg-utrecht")
    url = "/api/v1" + path.format(term=term.id, taxonomy=hsds.taxonomy_id("wet"), org=org.id)
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]


def test_hsds_filters_are_cumulative(client, loaded_map):
    zvw = TaxonomyTerm.objects.get(taxonomy="wet", code="zvw")
    wpg = TaxonomyTerm.objects.get(taxonomy="wet", code="wpg")
    kraamzorg = Organization.objects.get(slug="kraamzorg-utrecht")
    assert slugs(client.get(f"/api/v1/services?taxonomy_term_id={zvw.id}")) == ["verlengde-kraamzorg"]
    assert slugs(client.get(f"/api/v1/services?taxonomy_term_id={wpg.id}")) == ["video-hometraining"]
    assert slugs(client.get(f"/api/v1/services?organization_id={kraamzorg.id}")) == ["verlengde-kraamzorg"]
    assert slugs(client.get("/api/v1/services?organization_id=kraamzorg-utrecht")) == ["verlengde-kraamzorg"]
    assert slugs(client.get(f"/api/v1/services?organization_id={kraamzorg.id}&taxonomy_term_id={wpg.id}")) == []
    assert slugs(client.get(f"/api/v1/services?taxonomy_id={hsds.taxonomy_id('wet')}")) == [
        "verlengde-kraamzorg", "video-hometraining"]
    assert slugs(client.get("/api/v1/services?taxonomy_id=signaal-onbekend")) == []
    assert slugs(client.get("/api/v1/services?search=kraamzorg")) == ["verlengde-kraamzorg"]
    assert slugs(client.get("/api/v1/services?modified_after=2999-01-01T00:00:00Z")) == []
    assert len(slugs(client.get("/api/v1/services?modified_after=2000-01-01"))) == 2


def test_minimal_and_full_shapes(client, loaded_map):
    minimal = client.get("/api/v1/services?minimal=true").json()["contents"][0]
    assert set(minimal) <= {"id", "name", "status", "last_modified", "slug", "web_url"}
    assert {"id", "name", "status", "last_modified"} <= set(minimal)
    direct = client.get("/api/v1/services?full=false").json()["contents"][0]
    assert "phones" not in direct and "attributes" not in direct and direct["organization"]["name"]
    full = client.get("/api/v1/services").json()["contents"][0]
    assert "attributes" in full and "service_areas" in full
    brief = client.get("/api/v1/organizations/kraamzorg-utrecht").json()["services"][0]
    assert set(brief) <= {"id", "name", "status", "last_modified", "slug", "web_url"}
    nested = client.get("/api/v1/organizations/kraamzorg-utrecht?full_service=true").json()["services"][0]
    assert "attributes" in nested


def test_wait_time_and_absolute_urls(client, loaded_map):
    service = Service.objects.get(slug="verlengde-kraamzorg")
    service.waiting_time = "Meestal binnen een week"
    service.save()
    body = client.get("/api/v1/services/verlengde-kraamzorg").json()
    assert body["wait_time"] == "Meestal binnen een week" and "waiting_time" not in body
    assert body["web_url"] == "http://testserver/kaart/verlengde-kraamzorg/"
    assert body["organization"]["web_url"].startswith("http://testserver/")
    assert all(role["web_url"].startswith("http://testserver/") for role in body["roles"])


def test_taxonomies_and_terms_by_id(client, loaded_map):
    taxonomies = client.get("/api/v1/taxonomies").json()["contents"]
    assert sorted(t["name"] for t in taxonomies) == ["domein", "fase", "signaal", "toegang", "wet"]
    wet = client.get(f"/api/v1/taxonomies/{hsds.taxonomy_id('wet')}").json()
    assert wet["name"] == "wet" and client.get("/api/v1/taxonomies/wet").json() == wet
    term = TaxonomyTerm.objects.get(taxonomy="wet", code="zvw")
    body = client.get(f"/api/v1/taxonomy_terms/{term.id}").json()
    assert body["code"] == "zvw" and body["taxonomy_detail"]["id"] == wet["id"]
    terms = client.get(f"/api/v1/taxonomy_terms?taxonomy_id={wet['id']}&per_page=100").json()["contents"]
    assert sorted(t["code"] for t in terms) == ["jeugdwet", "wpg", "zvw"]
    assert client.get(f"/api/v1/taxonomy_terms?parent_id={term.id}").json()["contents"] == []  # flat taxonomy


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("/services?page=x", "page"),
        ("/services?per_page=1000", "per_page"),
        ("/services?minimal=misschien", "minimal"),
        ("/services?full=2", "full"),
        ("/services?modified_after=gisteren", "modified_after"),
        ("/services?taxonomy_term_id=geen-uuid", "taxonomy_term_id"),
        ("/services?format=ndjson", "format"),
        ("/organizations?full_service=ja-graag", "full_service"),
        ("/organizations/lokalis?full_service=x", "full_service"),
        ("/taxonomy_terms?top_only=soms", "top_only"),
        ("/taxonomy_terms?parent_id=x", "parent_id"),
        ("/taxonomy_terms?taxonomy=belasting", "taxonomy"),
        ("/taxonomies?page=0", "page"),
        ("/service_at_locations?full=x", "full"),
        ("/service_at_locations/00000000-0000-0000-0000-000000000000?full=x", "full"),
        ("/search?limit=abc", "limit"),
        ("/search?q=a&q=b", "q"),
        ("/wijken?kleur=blauw", "kleur"),
    ],
)
def test_wrong_types_are_a_400_naming_the_parameter(client, loaded_map, query, param):
    response = client.get("/api/v1" + query)
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert param in body["errors"] and param in body["detail"]
    assert all(isinstance(m, str) and m for m in body["errors"][param])


@pytest.mark.parametrize(
    "path",
    ["/services/bestaat-niet", "/organizations/00000000-0000-0000-0000-000000000000", "/taxonomies/x",
     "/taxonomies/00000000-0000-0000-0000-000000000000", "/taxonomy_terms/x",
     "/taxonomy_terms/00000000-0000-0000-0000-000000000000", "/service_at_locations/x",
     "/service_at_locations/00000000-0000-0000-0000-000000000000", "/roles/x", "/wijken/x"],
)
def test_unknown_id_is_404_in_the_error_shape(client, loaded_map, path):
    response = client.get("/api/v1" + path)
    assert response.status_code == 404
    assert set(response.json()) <= {"detail", "errors"} and "bestaat niet" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/", "/services", "/services/verlengde-kraamzorg", "/organizations", "/taxonomies",
                                  "/taxonomy_terms", "/service_at_locations", "/roles", "/wijken", "/search?q=jgz",
                                  "/services/bestaat-niet", "/services?page=x"])
def test_public_map_allows_any_origin(client, loaded_map, path):
    assert client.get("/api/v1" + path)["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", ["/gezinsplannen", "/me", "/health"])
def test_other_endpoints_do_not_allow_any_origin(client, loaded_map, path):
    assert "Access-Control-Allow-Origin" not in client.get("/api/v1" + path)


# ---------------------------------------------------------------- the official examples import


@pytest.mark.parametrize(
    ("name", "services", "organizations"),
    [
        ("service_full.json", 1, 1),
        ("service_list.json", 1, 1),
        ("organization_full.json", 1, 1),
        ("organization_list.json", 0, 1),
        ("service_at_location_full.json", 1, 1),
        ("service_at_location_list.json", 1, 1),
    ],
)
def test_official_example_imports(loaded_map, tmp_path, capsys, name, services, organizations):
    call_command("import", "hsds", str(EXAMPLES / name))
    out = capsys.readouterr()
    assert "geïmporteerd" in out.out
    assert Service.objects.count() == services and Organization.objects.count() == organizations
    assert "LET OP: " in out.err  # what the map has no place for is named, not dropped silently


def test_official_example_service_fields_land(loaded_map, capsys):
    call_command("import", "hsds", str(EXAMPLES / "service_full.json"))
    example = json.loads((EXAMPLES / "service_full.json").read_text())
    service = Service.objects.get(id=example["id"])
    assert service.name == example["name"] and service.waiting_time == example["wait_time"]
    assert service.target_group == example["eligibility_description"]
    assert service.website == example["url"] and service.email == example["email"]
    assert [o.name for o in service.organizations.all()] == [example["organization"]["name"]]
    # the example gives one phone (same id) to the organisation, the service and a contact: stored once
    assert Phone.objects.filter(id=example["phones"][0]["id"]).count() == 1
    assert service.service_at_locations.count() == 1
    err = capsys.readouterr().err
    assert "taxonomie 'taxonomy' staat niet in onze vocabulaire" in err


def test_a_broken_official_example_is_refused_whole(loaded_map, tmp_path, capsys):
    example = json.loads((EXAMPLES / "service_full.json").read_text())
    example["status"] = "misschien"
    example["url"] = "geen url"
    example["organization"]["parent_organization_id"] = example["organization"]["id"]
    path = tmp_path / "kapot.json"
    path.write_text(json.dumps(example), encoding="utf-8")
    before = sorted(Service.objects.values_list("slug", flat=True))
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("import", "hsds", str(path))
    err = capsys.readouterr().err
    assert "(document).status" in err and "(document).url" in err and "onderdeel van zichzelf" in err
    assert sorted(Service.objects.values_list("slug", flat=True)) == before


def test_our_own_export_imports_back(loaded_map, tmp_path):
    path = tmp_path / "kaart.json"
    call_command("export", "hsds", str(path), "--base-url", "https://wegwijzer.example")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["contents"][0]["web_url"].startswith("https://wegwijzer.example/")
    before = sorted(Service.objects.values_list("slug", "name", "website"))
    call_command("import", "hsds", str(path))
    assert sorted(Service.objects.values_list("slug", "name", "website")) == before
