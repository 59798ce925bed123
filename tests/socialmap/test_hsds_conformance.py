"""Every HSDS record the API and the export give, validated against the official Open Referral HSDS 3.0 schemas.

The schemas are read from the shared standards folder beside the checkout (../shared/standards/hsds-3.0/),
never copied into the tests: `schema/compiled/*.json` are the dereferenced ones for API responses, and
taxonomy/taxonomy_term (not compiled upstream) resolve their `$ref`s against `schema/`. Formats are checked
(uri, email, date-time, uuid): a relative URL or "" for an email fails.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from wegwijzer.socialmap import content, hsds
from wegwijzer.socialmap.models import (
    Contact,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    Wijk,
)

pytestmark = pytest.mark.django_db

STANDARD = Path(__file__).resolve().parents[2].parent / "shared" / "standards" / "hsds-3.0"
SCHEMA = STANDARD / "schema"
PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}
COUNTS: dict[str, list[int]] = {}


def test_the_standard_is_at_hand():
    # Fails (never skips) when the standard is missing: every test below depends on it.
    assert (SCHEMA / "compiled" / "service.json").is_file(), f"HSDS 3.0 schemas not found at {SCHEMA}"


@cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    compiled = SCHEMA / "compiled" / f"{name}.json"
    if compiled.is_file():
        return jsonschema.Draft202012Validator(json.loads(compiled.read_text()), format_checker=jsonschema.FormatChecker())
    resources = [
        (p.name, Resource.from_contents(json.loads(p.read_text()), default_specification=DRAFT202012))
        for p in SCHEMA.glob("*.json")
    ]
    registry: Registry = Registry().with_resources(resources)
    return jsonschema.Draft202012Validator(
        json.loads((SCHEMA / f"{name}.json").read_text()), registry=registry, format_checker=jsonschema.FormatChecker()
    )


def check(name: str, record: Any, where: str) -> None:
    errors = sorted(validator(name).iter_errors(record), key=lambda e: list(map(str, e.absolute_path)))
    tally = COUNTS.setdefault(name, [0, 0])
    tally[1] += 1
    tally[0] += not errors
    assert not errors, f"{where}: " + "; ".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5])


def test_formats_are_really_checked():
    checker = jsonschema.FormatChecker()
    assert not checker.conforms("/kaart/jgz/", "uri")  # relative
    assert checker.conforms("https://example.org/kaart/jgz/", "uri")
    assert not checker.conforms("", "email")
    assert not checker.conforms("2026-01-01 10:00", "date-time")
    assert checker.conforms("2026-01-01T10:00:00+00:00", "date-time")
    assert not checker.conforms("x", "uuid")
    with pytest.raises(jsonschema.ValidationError):
        validator("service").validate({"id": "ac148810-d857-441c-9679-408f346de14b", "name": "x", "status": "active",
                                       "url": "/relatief"})


@pytest.fixture
def real_map(db, settings):
    """The Utrecht content of the repository, plus a location, a service at it and a contact with a phone."""
    settings.CONTENT_DIR = Path(settings.BASE_DIR) / "content"
    content.load(replace=True)
    org = Organization.objects.order_by("slug").first()
    service = Service.objects.order_by("slug").first()
    location = Location.objects.create(organization=org, name="Wijkbureau", address="Straat 1, Utrecht",
                                       wijk=Wijk.objects.order_by("slug").first())
    ServiceAtLocation.objects.create(service=service, location=location)
    contact = Contact.objects.create(service=service, name="Balie", email="balie@example.org")
    Phone.objects.create(contact=contact, number="030 123 4567")
    return service


def pages(client, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every page of a list endpoint (each checked for the HSDS page shape)."""
    out, page = [], 1
    while True:
        response = client.get(path, {**params, "page": page, "per_page": 10})
        assert response.status_code == 200, (path, response.content[:300])
        body = response.json()
        assert set(body) == PAGE_KEYS
        assert body["size"] == len(body["contents"]) and body["page_number"] == page
        out.extend(body["contents"])
        if body["last_page"]:
            assert len(out) == body["total_items"]
            return out
        page += 1


def test_every_api_record_is_valid_hsds(client, real_map, capsys):
    COUNTS.clear()
    services = pages(client, "/api/v1/services")
    assert len(services) == Service.objects.count() > 20
    for variant in ({}, {"full": "false"}, {"minimal": "true"}):
        for i, record in enumerate(pages(client, "/api/v1/services", **variant) if variant else services):
            check("service_list", record, f"/services{variant} [{i}]")
    for record in services:
        body = client.get(f"/api/v1/services/{record['id']}").json()
        check("service", body, f"/services/{record['slug']}")
        assert client.get(f"/api/v1/services/{record['slug']}").json() == body
    organizations = pages(client, "/api/v1/organizations")
    assert len(organizations) == Organization.objects.count() > 40
    for i, record in enumerate(organizations + pages(client, "/api/v1/organizations", full_service="true")):
        check("organization_list", record, f"/organizations [{i}]")
    for record in organizations:
        for params in ({}, {"full_service": "true"}):
            body = client.get(f"/api/v1/organizations/{record['id']}", params).json()
            check("organization", body, f"/organizations/{record['slug']} {params}")
    taxonomies = pages(client, "/api/v1/taxonomies")
    assert len(taxonomies) == 5
    for record in taxonomies:
        check("taxonomy", record, "/taxonomies")
        check("taxonomy", client.get(f"/api/v1/taxonomies/{record['id']}").json(), f"/taxonomies/{record['name']}")
    terms = pages(client, "/api/v1/taxonomy_terms")
    assert len(terms) > 40
    for record in terms:
        check("taxonomy_term", record, "/taxonomy_terms")
        check("taxonomy_term", client.get(f"/api/v1/taxonomy_terms/{record['id']}").json(), f"/taxonomy_terms/{record['code']}")
    sals = pages(client, "/api/v1/service_at_locations") + pages(client, "/api/v1/service_at_locations", full="true")
    assert len(sals) == 2
    for record in sals:
        check("service_at_location_list", record, "/service_at_locations")
        for params in ({}, {"full": "true"}):
            body = client.get(f"/api/v1/service_at_locations/{record['id']}", params).json()
            check("service_at_location", body, "/service_at_locations/{id}")
    root = client.get("/api/v1/").json()
    assert root["version"] == "3.0" and root["openapi_url"].startswith("http://testserver/")
    summary = ", ".join(f"{name}: {ok} of {n} records valid" for name, (ok, n) in sorted(COUNTS.items()))
    with capsys.disabled():
        print(f"\nHSDS 3.0 API conformance: {summary}")
    assert all(ok == n for ok, n in COUNTS.values())


def test_every_export_record_is_valid_hsds(real_map, capsys):
    document = json.loads(hsds.dumps(hsds.export_document(base_url="https://wegwijzer.example")))
    assert set(PAGE_KEYS) <= set(document)
    counts = {"service": 0, "organization": 0, "taxonomy": 0, "taxonomy_term": 0}
    for record in document["contents"]:
        check("service", record, f"export contents {record['slug']}")
        counts["service"] += 1
    for record in document["organizations"]:
        check("organization", record, f"export organizations {record['slug']}")
        counts["organization"] += 1
    for record in document["taxonomies"]:
        check("taxonomy", record, "export taxonomies")
        counts["taxonomy"] += 1
    for record in document["taxonomy_terms"]:
        check("taxonomy_term", record, "export taxonomy_terms")
        counts["taxonomy_term"] += 1
    assert counts["service"] == Service.objects.count() and counts["organization"] == Organization.objects.count()
    with capsys.disabled():
        print(f"\nHSDS 3.0 export conformance: {sum(counts.values())} of {sum(counts.values())} records valid {counts}")
