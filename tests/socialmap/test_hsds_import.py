"""`wegwijzer import hsds`: one run reports every problem of a file (schema, duplicates, dangling references,
parent-organisation cycles of any length), exits 1 and leaves the database unchanged."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from wegwijzer.socialmap import hsds
from wegwijzer.socialmap.models import Organization, Service

UNKNOWN = "11111111-1111-4111-8111-111111111111"


def snapshot():
    return (
        sorted(Organization.objects.values_list("slug", "parent_id")),
        sorted(Service.objects.values_list("slug", "name")),
    )


def run_import(tmp_path, doc, capsys) -> str:
    path = tmp_path / "map.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError) as exc:
        call_command("import", "hsds", str(path))
    assert exc.value.returncode == 1
    assert snapshot() == before
    err = capsys.readouterr().err
    assert "de database is niet gewijzigd" in err
    return err


def orgs_by_slug(doc):
    return {o["slug"]: o for o in doc["organizations"]}


def edges(*slugs):
    """The cycle's arrows; the message starts the cycle at its first record in the file, any rotation."""
    return [f"{a} → {b}" for a, b in zip(slugs, [*slugs[1:], slugs[0]], strict=True)]


def chain(doc, *slugs):
    """Make each organisation the parent of the one before it, the last the parent of the first."""
    orgs = orgs_by_slug(doc)
    for child, parent in zip(slugs, [*slugs[1:], slugs[0]], strict=True):
        orgs[child]["parent_organization_id"] = orgs[parent]["id"]


def test_schema_error_does_not_hide_duplicates_references_or_cycles(loaded_map, tmp_path, capsys):
    doc = hsds.export_tables()
    doc["services"][1]["name"] = ""  # schema
    doc["roles"][1]["id"] = doc["roles"][0]["id"]  # duplicate id
    doc["services"][1]["slug"] = doc["services"][0]["slug"]  # duplicate slug
    doc["services"][0]["organization_ids"] = [UNKNOWN]  # dangling reference
    chain(doc, "jgz-utrecht", "lokalis")  # A → B → A
    err = run_import(tmp_path, doc, capsys)
    assert "services[1]" in err and ".name" in err
    assert f"roles[1] ({doc['roles'][1]['slug']}).id: dubbele id {doc['roles'][0]['id']} (ook in roles[0]" in err
    assert f"dubbele slug '{doc['services'][0]['slug']}'" in err
    assert f"services[0] ({doc['services'][0]['slug']}).organization_ids: verwijst naar onbekende organisatie {UNKNOWN}" in err
    cycle = next(line for line in err.splitlines() if "kring van bovenliggende organisaties" in line)
    assert all(edge in cycle for edge in edges("jgz-utrecht", "lokalis"))


def test_two_organizations_parenting_each_other_are_refused(loaded_map, tmp_path, capsys):
    doc = hsds.export_tables()
    chain(doc, "lokalis", "kraamzorg-utrecht")
    err = run_import(tmp_path, doc, capsys)
    assert err.count("kring van bovenliggende organisaties") == 1  # one cycle, reported once
    assert all(edge in err for edge in edges("lokalis", "kraamzorg-utrecht"))


def test_longer_cycles_are_found_and_named(loaded_map):
    doc = hsds.export_tables()
    chain(doc, "jgz-utrecht", "lokalis", "kraamzorg-utrecht", "geboortezorgnetwerk-overvecht")
    problems = [p for p in hsds.validate_document(doc) if "kring" in p]
    assert len(problems) == 1
    assert all(edge in problems[0] for edge in edges("jgz-utrecht", "lokalis", "kraamzorg-utrecht", "geboortezorgnetwerk-overvecht"))
    assert problems[0].startswith("organizations[")


def test_a_chain_leading_into_a_cycle_reports_only_the_cycle(loaded_map):
    doc = hsds.export_tables()
    chain(doc, "lokalis", "kraamzorg-utrecht")
    orgs = orgs_by_slug(doc)
    orgs["jgz-utrecht"]["parent_organization_id"] = orgs["lokalis"]["id"]  # hangs off the cycle, not in it
    problems = [p for p in hsds.validate_document(doc) if "kring" in p]
    assert len(problems) == 1 and "jgz-utrecht" not in problems[0]


def test_self_parent_keeps_its_own_message(loaded_map):
    doc = hsds.export_tables()
    org = orgs_by_slug(doc)["lokalis"]
    org["parent_organization_id"] = org["id"]
    i = doc["organizations"].index(org)
    problems = hsds.validate_document(doc)
    assert problems == [f"organizations[{i}] (lokalis).parent_organization_id: een organisatie kan niet onderdeel van zichzelf zijn"]


def test_a_deep_chain_without_cycle_is_importable(loaded_map):
    doc = hsds.export_tables()
    orgs = orgs_by_slug(doc)
    order = ["jgz-utrecht", "lokalis", "kraamzorg-utrecht", "geboortezorgnetwerk-overvecht"]
    for child, parent in zip(order, order[1:], strict=False):
        orgs[child]["parent_organization_id"] = orgs[parent]["id"]
    orgs["geboortezorgnetwerk-overvecht"]["parent_organization_id"] = None
    assert hsds.validate_document(doc) == []


def test_malformed_rows_are_reported_next_to_reference_problems_without_a_crash(loaded_map, tmp_path, capsys):
    doc = hsds.export_tables()
    doc["roles"].append("geen object")
    doc["organizations"][0]["id"] = 42
    doc["organizations"][1]["role_ids"] = [{"x": 1}, UNKNOWN]
    doc["phones"] = {"niet": "een lijst"}
    doc["services"][0]["organization_id"] = UNKNOWN
    err = run_import(tmp_path, doc, capsys)
    assert "roles[4]" in err and "organizations[0].id" in err and "phones" in err
    assert f"organizations[1] ({doc['organizations'][1]['slug']}).role_ids: verwijst naar onbekende rol {UNKNOWN}" in err
    assert f"organization_id: verwijst naar onbekende organisatie {UNKNOWN}" in err
