"""Selectors: record_get / record_as_dict, contacts_for_roles, search_documents, filtered lists."""

from __future__ import annotations

import json

import pytest
from django.conf import settings as django_settings

from wegwijzer.socialmap import content, selectors
from wegwijzer.socialmap.models import Organization, Phone, Role

from .factories import OrganizationFactory, RoleFactory, WijkFactory

pytestmark = pytest.mark.django_db

RECORD_KEYS = {"slug", "kind", "name", "alternate_name", "summary", "description", "target_group", "conditions",
               "application_process", "availability", "office_hours_only", "laws", "phases", "concerns", "domain",
               "access", "links", "email", "phones", "sources", "assured_date", "url"}
SEARCH_KEYS = {"slug", "kind", "name", "alternate_name", "summary", "description", "target_group", "conditions",
               "application_process", "laws", "phases", "domain", "access", "wijken", "url",
               "id", "tag_labels", "group"}  # id: what an update deletes by; tag_labels: the labels of its codes;
# group: search grouping (documents.group_keys)


def test_record_get_across_kinds(loaded_map):
    assert isinstance(selectors.record_get("jgz"), Role)
    assert selectors.record_get("verlengde-kraamzorg").slug == "verlengde-kraamzorg"
    assert selectors.record_get("buurtteam-overvecht").kind == "team"
    assert selectors.record_get("overvecht").name == "Overvecht"
    assert selectors.record_get("bestaat-niet") is None
    assert selectors.record_get("") is None
    assert selectors.record_get("x" * 10000) is None


@pytest.mark.parametrize("slug", ["jgz", "verlengde-kraamzorg", "buurtteam-overvecht", "geboortezorgnetwerk-overvecht",
                                  "lokalis", "overvecht"])
def test_record_as_dict_is_stable_json(loaded_map, slug):
    data = selectors.record_as_dict(selectors.record_get(slug))
    assert set(data) >= RECORD_KEYS
    assert data["kind"] in selectors.KINDS
    assert json.loads(json.dumps(data)) == data
    assert data == selectors.record_as_dict(selectors.record_get(slug))
    assert data["url"].endswith(f"/{slug}/")


def test_record_as_dict_relations(loaded_map):
    service = selectors.record_as_dict(selectors.record_get("video-hometraining"))
    assert [p["slug"] for p in service["providers"]] == ["jgz-utrecht"]
    assert [r["slug"] for r in service["roles"]] == ["jgz"]
    assert service["phones"] == ["030 000 0000"] and service["service_areas"] == ["overvecht"]
    team = selectors.record_as_dict(selectors.record_get("buurtteam-overvecht"))
    assert team["parent"]["slug"] == "lokalis" and team["wijk"]["slug"] == "overvecht"
    assert team["office_hours_only"] is True
    lokalis = selectors.record_as_dict(selectors.record_get("lokalis"))
    assert [c["slug"] for c in lokalis["children"]] == ["buurtteam-overvecht"] and lokalis["parent"] is None
    role = selectors.record_as_dict(selectors.record_get("jgz"))
    assert role["laws"] == ["wpg"] and role["domain"] == "medisch-eerstelijns"
    assert role["assured_date"] is None  # the file's date is not a check by a person (test_corrections.py)


def test_contacts_for_roles_prefers_the_wijk_team(loaded_map):
    Phone.objects.create(organization=Organization.objects.get(slug="buurtteam-overvecht"), number="030 222 2222")
    rows = selectors.contacts_for_roles(["buurtteam-jeugd-gezin", "jgz", "geboortezorgnetwerk", "kraamzorg"], "overvecht")
    assert [(r["role"], r["slug"]) for r in rows] == [
        ("buurtteam-jeugd-gezin", "buurtteam-overvecht"),
        ("jgz", "jgz-utrecht"),
        ("geboortezorgnetwerk", "geboortezorgnetwerk-overvecht"),
        # kraamzorg-utrecht only serves zuid: not offered in overvecht
    ]
    assert rows[0]["phone"] == "030 222 2222" and rows[0]["kind"] == "team"
    assert rows[1] == {"role": "jgz", "slug": "jgz-utrecht", "name": "JGZ Utrecht", "kind": "organisatie",
                       "phone": "030 111 1111", "email": "jgz@example.org", "website": "", "url": rows[1]["url"]}
    assert set(rows[2]) == {"role", "slug", "name", "kind", "phone", "email", "website", "url"} and rows[2]["email"] == ""


def test_contacts_for_roles_falls_back_to_organizations(loaded_map):
    rows = selectors.contacts_for_roles(["buurtteam-jeugd-gezin", "kraamzorg", "onbekend"], "zuid")
    assert [(r["role"], r["slug"]) for r in rows] == [("buurtteam-jeugd-gezin", "lokalis"),
                                                      ("kraamzorg", "kraamzorg-utrecht")]
    assert [r["slug"] for r in selectors.contacts_for_roles(["jgz"], None)] == ["jgz-utrecht"]


def test_contacts_for_roles_is_deterministic(db):
    wijk = WijkFactory(slug="west")
    role = RoleFactory(slug="huisarts")
    OrganizationFactory(slug="b-praktijk", roles=[role])
    OrganizationFactory(slug="a-praktijk", roles=[role], service_areas=[wijk])
    OrganizationFactory(slug="c-praktijk", roles=[role], service_areas=[WijkFactory(slug="oost")])
    rows = selectors.contacts_for_roles(["huisarts"], "west")
    assert [r["slug"] for r in rows] == ["a-praktijk", "b-praktijk"]


def test_search_documents(loaded_map):
    from wegwijzer.socialmap.search.documents import search_documents

    docs = search_documents()
    assert all(set(d) == SEARCH_KEYS for d in docs)
    by_slug = {d["slug"]: d for d in docs}
    assert len(by_slug) == len(docs) == 4 + 2 + 5 + 2
    assert by_slug["verlengde-kraamzorg"]["alternate_name"] == "kraamzorg extra uren, verlengde kraamzorg"
    assert by_slug["verlengde-kraamzorg"]["laws"] == ["zvw"]
    assert by_slug["buurtteam-overvecht"]["wijken"] == ["overvecht"]
    assert by_slug["kraamzorg-utrecht"]["kind"] == "organisatie"
    assert by_slug["zuid"]["kind"] == "wijk"


def test_filtered_lists(loaded_map):
    assert [s.slug for s in selectors.service_list(law="zvw")] == ["verlengde-kraamzorg"]
    assert [o.slug for o in selectors.organization_list(kind="netwerk")] == ["geboortezorgnetwerk-overvecht"]
    assert [r.slug for r in selectors.role_list(domain="sociaal")] == ["buurtteam-jeugd-gezin"]
    assert selectors.known_codes()["law"] == {"zvw", "jeugdwet", "wpg"}


def test_real_content_checks_and_loads(settings):
    """The repository's own content passes `content check` and loads (skipped until it exists)."""
    real = django_settings.BASE_DIR / "content"
    if not (real / "socialmap" / "organisations.yaml").exists():
        pytest.skip("content/socialmap nog niet aanwezig")
    settings.CONTENT_DIR = real
    assert content.check(real) == []
    content.load(replace=True)
    bundle = content.read_content(real)
    for code in bundle.codes("roles") | bundle.codes("interventions"):
        assert selectors.record_get(code) is not None, code


def test_services_mark_assured_keeps_history(loaded_map):
    import datetime as dt

    from wegwijzer.socialmap import services

    obj = services.record_mark_assured(slug="jgz", on=dt.date(2027, 1, 5))
    assert obj.assured_date == dt.date(2027, 1, 5)
    assert Role.objects.get(slug="jgz").history.latest().assured_date == dt.date(2027, 1, 5)
    assert services.record_mark_assured(slug="bestaat-niet") is None


def test_contacts_for_roles_include_citywide_networks_but_not_other_wijken(db):
    overvecht, zuid = WijkFactory(slug="overvecht"), WijkFactory(slug="zuid")
    role = RoleFactory(slug="nizu")
    OrganizationFactory(slug="nizu-netwerk", kind="netwerk", roles=[role])  # citywide network
    OrganizationFactory(slug="netwerk-zuid", kind="netwerk", roles=[role], wijk=zuid, service_areas=[zuid])
    assert [r["slug"] for r in selectors.contacts_for_roles(["nizu"], "overvecht")] == ["nizu-netwerk"]
    assert [r["slug"] for r in selectors.contacts_for_roles(["nizu"], "zuid")] == ["netwerk-zuid"]
    assert overvecht.slug == "overvecht"
