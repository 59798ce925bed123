"""`wegwijzer show`, `export hsds` and `import hsds`: round trip, all-or-nothing import with a report."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wegwijzer.socialmap import content, hsds
from wegwijzer.socialmap.models import (
    Contact,
    Organization,
    Phone,
    Role,
    Schedule,
    Service,
    TaxonomyTerm,
    Wijk,
)

pytestmark = pytest.mark.django_db

MODELS = (Wijk, Role, Service, Organization, TaxonomyTerm, Phone, Schedule, Contact)


def counts():
    return [m.objects.count() for m in MODELS]


def test_show_json(loaded_map, capsys):
    call_command("show", "verlengde-kraamzorg", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["slug"] == "verlengde-kraamzorg"
    assert data["kind"] == "aanbod"
    assert data["name"] == "Extra uren (verlengde) kraamzorg"
    assert data["laws"] == ["zvw"] and data["sources"] == ["Wegwijzer Bijlage 2"]
    assert data["description"]
    assert [p["slug"] for p in data["providers"]] == ["kraamzorg-utrecht"]
    assert data["url"].endswith("/verlengde-kraamzorg/")


@pytest.mark.parametrize(("slug", "kind"), [("jgz", "rol"), ("buurtteam-overvecht", "team"),
                                            ("geboortezorgnetwerk-overvecht", "netwerk"), ("lokalis", "organisatie"),
                                            ("overvecht", "wijk")])
def test_show_every_kind(loaded_map, capsys, slug, kind):
    call_command("show", slug, "--json")
    assert json.loads(capsys.readouterr().out)["kind"] == kind


def test_show_plain_text_says_unknown(loaded_map, capsys):
    call_command("show", "kraamzorg-utrecht")
    out = capsys.readouterr().out
    assert "Kraamzorg Utrecht" in out and "Telefoon: onbekend" in out


def test_show_unknown_slug_exits_1_with_dutch_message(loaded_map, capsys):
    with pytest.raises(CommandError) as exc:
        call_command("show", "bestaat-niet", "--json")
    assert exc.value.returncode == 1
    assert "Geen record met code 'bestaat-niet'" in str(exc.value)


def test_export_import_round_trip(loaded_map, tmp_path):
    first = tmp_path / "first.json"
    second = tmp_path / "second.json"
    Contact.objects.create(organization=Organization.objects.get(slug="geboortezorgnetwerk-overvecht"),
                           title="Voorzitter", name="")
    call_command("export", "hsds", str(first))
    before = counts()
    content.clear_map()
    assert Role.objects.count() == 0
    call_command("import", "hsds", str(first))
    assert counts() == before
    call_command("export", "hsds", str(second))
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    doc = json.loads(first.read_text(encoding="utf-8"))
    for table in ("contents", "organizations", "taxonomies", "taxonomy_terms", "roles", "wijken"):
        assert doc[table], table
    assert doc["total_items"] == len(doc["contents"]) == Service.objects.count()
    assert all("slug" in row for table in ("organizations", "contents", "roles", "wijken") for row in doc[table])
    team = Organization.objects.get(slug="buurtteam-overvecht")
    assert team.parent.slug == "lokalis" and team.wijk.slug == "overvecht"
    assert sorted(t.code for t in Service.objects.get(slug="verlengde-kraamzorg").terms.all()) == [
        "herstel-bevalling", "kraamperiode", "medisch-eerstelijns", "via-kraamzorg", "zvw"]


def test_import_into_a_non_empty_map_replaces_it(loaded_map, tmp_path):
    path = tmp_path / "map.json"
    call_command("export", "hsds", str(path))
    Role.objects.create(slug="extra-rol", name="Extra")
    call_command("import", "hsds", str(path))
    assert not Role.objects.filter(slug="extra-rol").exists()


def _broken(doc):
    doc["contents"][0]["organizations"] = [{"id": "11111111-1111-4111-8111-111111111111"}]  # dangling reference
    doc["contents"][1]["name"] = 7  # wrong type (the official HSDS schema)
    doc["contents"][0]["email"] = "geen-adres"  # not an email (HSDS format)
    doc["taxonomy_terms"][0]["code"] = "NIET GELDIG"  # bad code
    doc["organizations"][0]["links"] = [{"url": "ftp://x", "label": "x"}]  # bad link
    doc["wijken"][0]["slug"] = doc["roles"][0]["slug"]  # duplicate slug across kinds
    doc["contents"][0]["attributes"][0]["taxonomy_term_id"] = "22222222-2222-4222-8222-222222222222"
    doc["contents"][0]["attributes"][0]["taxonomy_term"]["id"] = "22222222-2222-4222-8222-222222222222"
    doc["contents"][0]["attributes"][0]["taxonomy_term"]["taxonomy"] = "belasting"  # not ours: a note
    return doc


def test_malformed_import_reports_every_problem_and_changes_nothing(loaded_map, tmp_path, capsys):
    path = tmp_path / "map.json"
    call_command("export", "hsds", str(path))
    doc = _broken(json.loads(path.read_text(encoding="utf-8")))
    path.write_text(json.dumps(doc), encoding="utf-8")
    before = counts()
    names = sorted(Service.objects.values_list("name", flat=True))
    with pytest.raises(CommandError) as exc:
        call_command("import", "hsds", str(path))
    assert exc.value.returncode == 1
    err = capsys.readouterr().err
    assert "de database is niet gewijzigd" in err
    for fragment in ("contents[1].name: 7 is not of type 'string'", "contents[0].email", "taxonomy_terms[0].code",
                     "organizations[0].links[0].url", "onbekende organisatie 11111111", "dubbele slug",
                     "LET OP: contents[0].attributes: taxonomie 'belasting' staat niet in onze vocabulaire"):
        assert fragment in err, fragment
    assert counts() == before
    assert sorted(Service.objects.values_list("name", flat=True)) == names


def test_import_reference_and_vocabulary_problems(loaded_map, tmp_path):
    doc = hsds.export_tables()
    doc["services"][0]["organization_ids"] = ["11111111-1111-4111-8111-111111111111"]
    doc["attributes"][0]["taxonomy_term_id"] = "22222222-2222-4222-8222-222222222222"
    law = next(t for t in doc["taxonomy_terms"] if t["taxonomy"] == "wet")
    law["code"] = "belastingwet"
    doc["wijken"][0]["slug"] = doc["roles"][0]["slug"]
    problems = hsds.validate_document(doc)
    text = "\n".join(problems)
    assert "services[0] (" in text and "onbekende organisatie 11111111" in text
    assert "attributes[0].taxonomy_term_id: verwijst naar onbekende taxonomieterm" in text
    assert "'belastingwet' staat niet in de vocabulaire" in text
    assert "dubbele slug" in text


@pytest.mark.parametrize("payload", ["", "{not json", "[]", '{"format": "iets anders"}', "\x00\x01", "null"])
def test_import_garbage_fails_cleanly(loaded_map, tmp_path, capsys, payload):
    path = tmp_path / "garbage.json"
    path.write_text(payload, encoding="utf-8")
    before = counts()
    with pytest.raises(CommandError):
        call_command("import", "hsds", str(path))
    assert "FOUT:" in capsys.readouterr().err
    assert counts() == before


def test_import_missing_file(loaded_map, tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command("import", "hsds", str(tmp_path / "nope.json"))
    assert "bestand niet gevonden" in capsys.readouterr().err


def test_export_to_stdout(loaded_map, capsys):
    call_command("export", "hsds", "-")
    doc = json.loads(capsys.readouterr().out)
    assert doc["total_items"] == len(doc["contents"]) == 2 and doc["hsds_version"] == "3.0"
