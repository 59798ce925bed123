"""content check (every kind of problem) and content load (one transaction, idempotent)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from wegwijzer.socialmap import content
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


def _edit(content_dir: Path, rel: str, fn) -> None:
    path = content_dir / rel
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data = fn(data) or data
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _record(data: list[dict], slug: str) -> dict:
    return next(r for r in data if r["slug"] == slug)


def test_fixture_content_is_clean(content_dir):
    assert content.check(content_dir) == []


def test_bundle_parses_all_files(content_dir):
    bundle = content.read_content(content_dir)
    assert {r["slug"] for r in bundle.roles} == {"jgz", "kraamzorg", "buurtteam-jeugd-gezin", "geboortezorgnetwerk"}
    assert set(bundle.taxonomy["access"]) >= {"vrij-toegankelijk", "via-kraamzorg"}
    assert [w["slug"] for w in bundle.wijken] == ["overvecht", "zuid"]


BROKEN = [
    # (file, mutation, expected fragment in one problem line)
    ("socialmap/roles.yaml", lambda d: [r for r in d if r["slug"] != "kraamzorg"], "rol 'kraamzorg' uit vocabulary.yaml ontbreekt"),
    ("socialmap/interventions.yaml", lambda d: [r for r in d if r["slug"] != "video-hometraining"],
     "interventie 'video-hometraining' uit vocabulary.yaml ontbreekt"),
    ("socialmap/interventions.yaml", lambda d: _record(d, "verlengde-kraamzorg").update(laws=["zvw", "wetx"]),
     "verlengde-kraamzorg: onbekende wet-code 'wetx'"),
    ("socialmap/interventions.yaml", lambda d: _record(d, "verlengde-kraamzorg").update(phases=["later"]),
     "verlengde-kraamzorg: onbekende fase-code 'later'"),
    ("socialmap/interventions.yaml", lambda d: _record(d, "verlengde-kraamzorg").update(concerns=["zorgx"]),
     "onbekende signaal-code 'zorgx'"),
    ("socialmap/roles.yaml", lambda d: _record(d, "jgz").update(domain="ruimte"), "jgz: onbekende domein-code 'ruimte'"),
    ("socialmap/roles.yaml", lambda d: _record(d, "jgz").update(access=["via-niemand"]),
     "jgz: onbekende toegang-code 'via-niemand'"),
    ("socialmap/interventions.yaml", lambda d: _record(d, "verlengde-kraamzorg").update(providers=["nergens"]),
     "verlengde-kraamzorg: aanbieder 'nergens' (providers) bestaat niet"),
    ("socialmap/interventions.yaml", lambda d: _record(d, "verlengde-kraamzorg").update(roles=["tovenaar"]),
     "verlengde-kraamzorg: rol 'tovenaar' (roles) bestaat niet"),
    ("socialmap/organisations.yaml", lambda d: _record(d, "buurtteam-overvecht").update(parent="spook"),
     "buurtteam-overvecht: bovenliggende organisatie 'spook' (parent) bestaat niet"),
    ("socialmap/organisations.yaml", lambda d: _record(d, "buurtteam-overvecht").update(wijk="atlantis"),
     "buurtteam-overvecht: wijk 'atlantis' bestaat niet"),
    ("socialmap/organisations.yaml", lambda d: _record(d, "kraamzorg-utrecht").update(service_areas=["mars"]),
     "kraamzorg-utrecht: wijk 'mars' (service_areas) bestaat niet"),
    ("socialmap/organisations.yaml", lambda d: _record(d, "lokalis").update(slug="jgz"), "jgz: dubbele slug"),
    ("socialmap/organisations.yaml", lambda d: _record(d, "lokalis").update(kind="club"), "onbekende soort (kind) 'club'"),
    ("socialmap/interventions.yaml",
     lambda d: _record(d, "verlengde-kraamzorg").update(links=[{"url": "htp:/kapot", "label": "x"}]),
     "verlengde-kraamzorg: link 1: URL moet met http:// of https:// beginnen"),
    ("socialmap/interventions.yaml",
     lambda d: _record(d, "verlengde-kraamzorg").update(links=[{"url": "https://geen domein", "label": "x"}]),
     "URL bevat spaties"),
    ("socialmap/roles.yaml", lambda d: _record(d, "jgz").update(telefoon="030"), "jgz: onbekend veld 'telefoon'"),
    ("socialmap/roles.yaml", lambda d: _record(d, "jgz").__delitem__("sources"), "jgz: bronnen (sources) ontbreken"),
    ("socialmap/roles.yaml", lambda d: _record(d, "jgz").update(name=42), "jgz: naam (name) ontbreekt"),
    ("socialmap/roles.yaml", lambda d: _record(d, "jgz").update(laws="wpg"), "jgz: laws moet een lijst van teksten zijn"),
    ("socialmap/roles.yaml", lambda d: _record(d, "jgz").update(office_hours_only="ja"),
     "office_hours_only moet true of false zijn"),
    ("socialmap/roles.yaml", lambda d: _record(d, "jgz").update(description=["a"]), "description moet tekst zijn"),
    ("socialmap/roles.yaml", lambda d: _record(d, "jgz").update(assured_date="gisteren"), "assured_date is geen datum"),
    ("socialmap/organisations.yaml", lambda d: _record(d, "jgz-utrecht").update(email="geen-adres"),
     "ongeldig e-mailadres"),
    ("socialmap/wijken.yaml", lambda d: [w for w in d if w["slug"] != "zuid"], "wijk 'zuid' uit vocabulary.yaml ontbreekt"),
    ("socialmap/roles.yaml", lambda d: _record(d, "jgz").update(slug="JGZ Utrecht"), "slug is geen geldige code"),
]


@pytest.mark.parametrize(("rel", "mutate", "expected"), BROKEN, ids=[b[2][:40] for b in BROKEN])
def test_check_reports_each_kind_of_problem(content_dir, rel, mutate, expected):
    _edit(content_dir, rel, mutate)
    problems = content.check(content_dir)
    assert any(expected in line for line in problems), problems
    assert any(line.startswith(rel) for line in problems), problems


def test_check_reports_parent_cycle(content_dir):
    def cycle(d):
        _record(d, "lokalis")["parent"] = "buurtteam-overvecht"

    _edit(content_dir, "socialmap/organisations.yaml", cycle)
    assert any("kring" in line for line in content.check(content_dir))


def test_check_reports_bad_yaml_and_missing_file(content_dir):
    (content_dir / "socialmap" / "roles.yaml").write_text("- slug: [unclosed\n", encoding="utf-8")
    (content_dir / "socialmap" / "organisations.yaml").unlink()
    problems = content.check(content_dir)
    assert any(line.startswith("socialmap/roles.yaml: geen geldige YAML") for line in problems)
    assert "socialmap/organisations.yaml: bestand ontbreekt" in problems


def test_content_check_command_fails_with_lines(content_dir, capsys, monkeypatch):
    # Isolate from the route engineer's part of `content check`: a stand-in with no problems.
    import sys
    import types

    import wegwijzer.routeguide

    fake = types.ModuleType("wegwijzer.routeguide.content")
    fake.check = lambda *a, **k: []
    fake.summary = lambda *a, **k: ""
    monkeypatch.setitem(sys.modules, "wegwijzer.routeguide.content", fake)
    monkeypatch.setattr(wegwijzer.routeguide, "content", fake, raising=False)
    _edit(content_dir, "socialmap/roles.yaml", lambda d: _record(d, "jgz").update(domain="ruimte"))
    with pytest.raises(CommandError):
        call_command("content", "check")
    assert "onbekende domein-code 'ruimte'" in capsys.readouterr().err


@pytest.mark.django_db
def test_load_creates_the_map(content_dir):
    message = content.load(if_empty=True)
    assert "geladen" in message
    assert Wijk.objects.count() == 2
    assert Role.objects.count() == 4
    assert Service.objects.count() == 2
    assert Organization.objects.count() == 5
    team = Organization.objects.get(slug="buurtteam-overvecht")
    assert team.parent.slug == "lokalis" and team.wijk.slug == "overvecht" and team.kind == "team"
    assert [r.slug for r in team.roles.all()] == ["buurtteam-jeugd-gezin"]
    service = Service.objects.get(slug="verlengde-kraamzorg")
    assert sorted(t.code for t in service.terms.all()) == ["herstel-bevalling", "kraamperiode", "medisch-eerstelijns",
                                                            "via-kraamzorg", "zvw"]
    assert [o.slug for o in service.organizations.all()] == ["kraamzorg-utrecht"]
    assert service.links == [{"url": "https://www.example.org/kraamzorg", "label": "Meer informatie"}]
    law = TaxonomyTerm.objects.get(taxonomy="wet", code="zvw")
    assert law.name == "Zorgverzekeringswet (medisch)"
    assert TaxonomyTerm.objects.get(taxonomy="toegang", code="via-buurtteam").name == "Via het buurtteam"
    # Phones only where known; a schedule only where office_hours_only.
    assert sorted(Phone.objects.values_list("number", flat=True)) == ["030 000 0000", "030 111 1111"]
    assert list(Schedule.objects.values_list("organization__slug", flat=True)) == ["buurtteam-overvecht"]
    assert Schedule.objects.get().description == "Alleen tijdens kantoortijden"
    assert Contact.objects.count() == 0  # the network's chair is unknown: no invented contact


@pytest.mark.django_db
def test_load_if_empty_is_a_noop_when_records_exist(content_dir):
    content.load(if_empty=True)
    Role.objects.filter(slug="jgz").update(name="Aangepast in de admin")
    message = content.load(if_empty=True)
    assert "niet geladen" in message
    assert Role.objects.get(slug="jgz").name == "Aangepast in de admin"
    assert Role.objects.count() == 4


@pytest.mark.django_db
def test_load_replace_is_idempotent(content_dir):
    content.load(replace=True)
    counts = [m.objects.count() for m in (Wijk, Role, Service, Organization, TaxonomyTerm, Phone, Schedule)]
    content.load(replace=True)
    assert [m.objects.count() for m in (Wijk, Role, Service, Organization, TaxonomyTerm, Phone, Schedule)] == counts


@pytest.mark.django_db
def test_load_refuses_non_empty_map_without_flag(content_dir):
    content.load()
    with pytest.raises(CommandError, match="--replace"):
        content.load()


@pytest.mark.django_db
def test_load_refuses_broken_content_and_changes_nothing(content_dir):
    content.load()
    _edit(content_dir, "socialmap/roles.yaml", lambda d: _record(d, "jgz").update(laws=["wetx"]))
    with pytest.raises(CommandError, match="wetx"):
        content.load(replace=True)
    assert Role.objects.count() == 4


@pytest.mark.django_db
def test_content_load_command(content_dir, capsys):
    call_command("content", "load", "--if-empty")
    assert "geladen" in capsys.readouterr().out
    assert Service.objects.count() == 2
