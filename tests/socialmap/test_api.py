"""The social map's JSON API: HSDS shapes, filters, pagination and bad input (always a 4xx, never a 500)."""

from __future__ import annotations

import pytest

from wegwijzer.socialmap.models import Service, Taxonomy

from .factories import OrganizationFactory, ServiceFactory, TaxonomyTermFactory, WijkFactory

pytestmark = pytest.mark.django_db

PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}


def slugs(body):
    return [item["slug"] for item in body["contents"]]


def test_services_list_is_hsds_paginated(client, loaded_map):
    response = client.get("/api/v1/services")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PAGE_KEYS
    assert body["total_items"] == 2 and body["page_number"] == 1 and body["first_page"] and body["last_page"]
    assert slugs(body) == ["verlengde-kraamzorg", "video-hometraining"]


def test_service_detail_has_hsds_fields(client, loaded_map):
    import datetime as dt

    from wegwijzer.socialmap.models import Service

    # assured_date only once a person checked the record (a loaded record has none; test_corrections.py)
    Service.objects.filter(slug="verlengde-kraamzorg").update(assured_date=dt.date(2026, 11, 23))
    body = client.get("/api/v1/services/verlengde-kraamzorg").json()
    for key in ("id", "slug", "name", "alternate_name", "description", "url", "status",
                "assured_date", "organization", "organizations", "service_areas", "phones", "schedules",
                "attributes", "contacts", "web_url"):
        assert key in body, key
    # absent facts are omitted, never null or "" (HSDS validates types)
    assert all(value not in (None, "") for value in body.values())
    assert "email" not in body and "eligibility_description" not in body and "waiting_time" not in body
    assert body["status"] == "active"
    assert body["url"] == "https://www.example.org/kraamzorg"
    assert body["assured_date"] == "2026-11-23"
    assert body["organization"]["slug"] == "kraamzorg-utrecht"
    assert body["laws"] == ["zvw"] and body["domain"] == "medisch-eerstelijns"
    taxonomies = {(a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["code"]) for a in body["attributes"]}
    assert ("wet", "zvw") in taxonomies and ("toegang", "via-kraamzorg") in taxonomies
    # Same record by uuid
    by_id = client.get(f"/api/v1/services/{body['id']}").json()
    assert by_id["slug"] == "verlengde-kraamzorg"


def test_service_phones_and_areas(client, loaded_map):
    body = client.get("/api/v1/services/video-hometraining").json()
    assert [p["number"] for p in body["phones"]] == ["030 000 0000"]
    assert [a["slug"] for a in body["service_areas"]] == ["overvecht"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("law=zvw", ["verlengde-kraamzorg"]),
        ("law=wpg", ["video-hometraining"]),
        ("law=jeugdwet", []),
        ("phase=kraamperiode", ["verlengde-kraamzorg", "video-hometraining"]),
        ("access=via-kraamzorg", ["verlengde-kraamzorg"]),
        ("domain=sociaal", []),
        ("wijk=overvecht", ["verlengde-kraamzorg", "video-hometraining"]),  # no areas = all of Utrecht
        ("wijk=zuid", ["verlengde-kraamzorg"]),
        ("wijk=zuid&law=zvw&phase=kraamperiode", ["verlengde-kraamzorg"]),
    ],
)
def test_service_filters(client, loaded_map, query, expected):
    response = client.get(f"/api/v1/services?{query}")
    assert response.status_code == 200
    assert slugs(response.json()) == expected


def test_organization_list_and_filters(client, loaded_map):
    all_orgs = slugs(client.get("/api/v1/organizations").json())
    assert all_orgs == sorted(all_orgs) and len(all_orgs) == 5
    assert slugs(client.get("/api/v1/organizations?kind=team").json()) == ["buurtteam-overvecht"]
    zuid = slugs(client.get("/api/v1/organizations?wijk=zuid").json())
    assert "kraamzorg-utrecht" in zuid and "buurtteam-overvecht" not in zuid and "jgz-utrecht" in zuid
    assert slugs(client.get("/api/v1/organizations?law=wpg").json()) == ["jgz-utrecht"]


def test_organization_detail(client, loaded_map):
    body = client.get("/api/v1/organizations/buurtteam-overvecht").json()
    assert body["kind"] == "team"
    assert body["parent_organization"]["slug"] == "lokalis"
    assert body["parent_organization_id"] == body["parent_organization"]["id"]
    assert body["wijk"]["slug"] == "overvecht"
    assert [s["description"] for s in body["schedules"]] == ["Alleen tijdens kantoortijden"]
    assert [r["slug"] for r in body["roles"]] == ["buurtteam-jeugd-gezin"]
    lokalis = client.get("/api/v1/organizations/lokalis").json()
    assert [c["slug"] for c in lokalis["children"]] == ["buurtteam-overvecht"]


def test_roles_wijken_taxonomy(client, loaded_map):
    roles = client.get("/api/v1/roles").json()
    assert slugs(roles) == ["buurtteam-jeugd-gezin", "geboortezorgnetwerk", "jgz", "kraamzorg"]
    jgz = client.get("/api/v1/roles/jgz").json()
    assert [o["slug"] for o in jgz["organizations"]] == ["jgz-utrecht"]
    assert [s["slug"] for s in jgz["services"]] == ["video-hometraining"]
    wijken = client.get("/api/v1/wijken").json()
    assert slugs(wijken) == ["overvecht", "zuid"]
    overvecht = client.get("/api/v1/wijken/overvecht").json()
    assert [o["slug"] for o in overvecht["organizations"]] == ["buurtteam-overvecht", "geboortezorgnetwerk-overvecht"]
    terms = client.get("/api/v1/taxonomy_terms?taxonomy=wet&per_page=100").json()
    assert sorted(t["code"] for t in terms["contents"]) == ["jeugdwet", "wpg", "zvw"]
    assert all(t["taxonomy"] == "wet" for t in terms["contents"])


def test_pagination(client, db):
    for i in range(25):
        ServiceFactory(slug=f"aanbod-{i:02d}")
    first = client.get("/api/v1/services?per_page=10").json()
    assert first["total_items"] == 25 and first["total_pages"] == 3 and first["size"] == 10
    assert first["first_page"] and not first["last_page"]
    last = client.get("/api/v1/services?per_page=10&page=3").json()
    assert last["size"] == 5 and last["last_page"] and slugs(last)[-1] == "aanbod-24"
    beyond = client.get("/api/v1/services?per_page=10&page=9").json()
    assert beyond["empty"] and beyond["contents"] == []
    assert client.get("/api/v1/services?per_page=100").json()["size"] == 25


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=1.5", "page"),
        ("page=%D9%A3", "page"),  # an Arabic-Indic digit
        ("page=99999999999999999999", "page"),
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("colour=blue", "colour"),
        ("law=belastingwet", "law"),
        ("phase=later", "phase"),
        ("domain=ruimte", "domain"),
        ("access=achterdeur", "access"),
        ("wijk=atlantis", "wijk"),
        ("wijk=" + "x" * 10000, "wijk"),
        ("law=zvw&law=wpg", "law"),
        ("law=%F0%9F%92%A9%00", "law"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(client, loaded_map, query, param):
    response = client.get(f"/api/v1/services?{query}")
    assert response.status_code == 400
    body = response.json()
    assert param in body["detail"] or param in body.get("errors", {})
    assert param in body["errors"]


def test_organization_kind_filter_rejects_unknown(client, loaded_map):
    response = client.get("/api/v1/organizations?kind=vereniging")
    assert response.status_code == 400 and "kind" in response.json()["errors"]


@pytest.mark.parametrize("path", ["/api/v1/services/bestaat-niet", "/api/v1/organizations/x", "/api/v1/roles/x",
                                  "/api/v1/wijken/x", "/api/v1/services/00000000-0000-0000-0000-000000000000",
                                  "/api/v1/services/a%00b", "/api/v1/organizations/%F0%9F%92%A9",
                                  "/api/v1/roles/" + "x" * 5000])
def test_unknown_record_is_404_json(client, loaded_map, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "bestaat niet" in response.json()["detail"]


def test_post_is_405_json(client, loaded_map):
    response = client.post("/api/v1/services", data={})
    assert response.status_code == 405
    assert response.json()["detail"]


def test_filter_with_factories(client, db):
    zvw = TaxonomyTermFactory(taxonomy=Taxonomy.LAW, code="zvw")
    wijk = WijkFactory(slug="west")
    org = OrganizationFactory(slug="org-west", service_areas=[wijk])
    ServiceFactory(slug="alleen-west", service_areas=[wijk], organizations=[org], terms=[zvw])
    ServiceFactory(slug="overal")
    assert slugs(client.get("/api/v1/services?wijk=west").json()) == ["alleen-west", "overal"]
    assert slugs(client.get("/api/v1/services?law=zvw").json()) == ["alleen-west"]
    assert Service.objects.count() == 2


def test_openapi_document_lists_socialmap_paths(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    for path in ("/services", "/services/{id}", "/organizations", "/organizations/{id}", "/roles", "/roles/{slug}",
                 "/wijken", "/wijken/{slug}", "/taxonomy_terms"):
        assert path in doc["paths"], path
    assert "ServiceOut" in doc["components"]["schemas"]
    assert "ServicePage" in doc["components"]["schemas"]
