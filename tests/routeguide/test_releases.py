"""Content releases (issue 15, item 1): `content load --user --reason` records the whole content folder as an
append-only release; `content releases` lists them; `content export V DIR` writes the same files;
`advise --content-version V` replays an advice with that release's rules. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction

from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.routeguide import service
from wegwijzer.routeguide.models import ContentRelease
from wegwijzer.routeguide.releases import content_files, files_version

from .conftest import CONTENT, P01

pytestmark = pytest.mark.django_db
BG08 = {"route": "basis-ggz", "phase": "jeugd-tot-16", "reporter": "jgz",
        "concerns": ["psychische-klachten", "ingrijpende-gebeurtenis", "opvoedproblemen"]}


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(username="redacteur1", password="x-Geheim-123456")


def content(*args):
    out = io.StringIO()
    call_command("content", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def advise(situation, *args):
    out, err, code, old = io.StringIO(), io.StringIO(), 0, sys.stdin
    sys.stdin = io.StringIO(json.dumps(situation))
    try:
        call_command("advise", "-", "--no-tally", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.stdin = old
    return code, (json.loads(out.getvalue()) if out.getvalue() else None), err.getvalue()


def test_load_records_a_release(content_copy, editor):
    out = content("load", "--replace", "--user", "redacteur1", "--reason", "Eerste release met de basis-ggz-route")
    release = ContentRelease.objects.get()
    assert f"Release {release.content_version} vastgelegd" in out
    assert release.created_by == "redacteur1" and release.reason == "Eerste release met de basis-ggz-route"
    assert release.files == content_files(content_copy)
    assert release.content_version == files_version(content_files(content_copy))
    for path in ("vocabulary.yaml", "routeguide/rules/zwangerschap.yaml", "routeguide/help.yaml",
                 "routeguide/routes/basis-ggz/rules/basiszorg.yaml", "leren/vision.yaml",
                 "socialmap/organisations.yaml", "sources.yaml"):
        assert path in release.files, path
    assert release.rule_versions == {
        "eerste-1000-dagen": service.ruleset().content_version,
        "basis-ggz": service.ruleset("basis-ggz").content_version,
    }
    entry = AccessLogEntry.objects.get(object_type="content_release")
    assert entry.object_id == release.content_version and entry.username == "redacteur1"
    # the same files again: no second release
    again = content("load", "--replace", "--user", "redacteur1", "--reason", "Nog eens hetzelfde")
    assert "al vastgelegd als release" in again and ContentRelease.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "redacteur1"], "--user en --reason samen"),
        (["--reason", "Zonder gebruiker"], "--user en --reason samen"),
        (["--user", "niemand", "--reason", "Onbekende gebruiker"], "Onbekende gebruiker"),
        (["--user", "redacteur1", "--reason", "kort"], "minstens 5 tekens"),
    ],
)
def test_load_refuses_a_half_release(content_copy, editor, args, message):
    with pytest.raises(CommandError, match=message):
        content("load", "--replace", *args)
    assert ContentRelease.objects.count() == 0


def test_a_release_of_content_that_does_not_load_is_refused(content_copy, editor):
    rules = content_copy / "routeguide" / "routes" / "basis-ggz" / "rules" / "school.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("role: school", "role: bestaat-niet"), encoding="utf-8")
    with pytest.raises(CommandError, match="De inhoud laadt niet"):
        content("load", "--replace", "--user", "redacteur1", "--reason", "Kapotte regels")
    assert ContentRelease.objects.count() == 0


def test_releases_lists_newest_first(content_copy, editor):
    assert "Nog geen releases" in content("releases")
    content("load", "--replace", "--user", "redacteur1", "--reason", "Release een")
    (content_copy / "routeguide" / "help.yaml").write_text(
        (content_copy / "routeguide" / "help.yaml").read_text(encoding="utf-8") + "\n# aangepast\n", encoding="utf-8"
    )
    content("load", "--replace", "--user", "redacteur1", "--reason", "Release twee")
    lines = content("releases").strip().splitlines()
    assert len(lines) == 2 and "Release twee" in lines[0] and "Release een" in lines[1]
    assert "redacteur1" in lines[0] and "basis-ggz" in lines[0]


def test_export_writes_the_same_readable_files(content_copy, editor, tmp_path):
    content("load", "--replace", "--user", "redacteur1", "--reason", "Om te exporteren")
    release = ContentRelease.objects.get()
    out = content("export", release.content_version, str(tmp_path / "export"))
    assert f"{len(release.files)} bestanden" in out
    assert content_files(tmp_path / "export") == content_files(content_copy)
    assert (tmp_path / "export" / "routeguide" / "rules" / "zwangerschap.yaml").read_text(encoding="utf-8") == (
        CONTENT / "routeguide" / "rules" / "zwangerschap.yaml"
    ).read_text(encoding="utf-8")
    with pytest.raises(CommandError, match="niet leeg"):
        content("export", release.content_version, str(tmp_path / "export"))
    with pytest.raises(CommandError, match="Geen release met inhoudsversie 'abc'"):
        content("export", "abc", str(tmp_path / "elders"))


def test_advise_replays_with_the_release_that_gave_it(content_copy, editor):
    content("load", "--replace", "--user", "redacteur1", "--reason", "Voor de wijziging")
    old_release = ContentRelease.objects.get()
    old = service.advise(BG08, tally=False)
    # a policy officer changes one rule: a new step text
    rules = content_copy / "routeguide" / "routes" / "basis-ggz" / "rules" / "basiszorg.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace(
        "Het buurtteam kijkt met het gezin", "NIEUW het buurtteam kijkt samen met het gezin"), encoding="utf-8")
    service.reset_cache()
    content("load", "--replace", "--user", "redacteur1", "--reason", "Stap van het buurtteam herschreven")
    new = service.advise(BG08, tally=False)
    assert new["content_version"] != old["content_version"]
    assert any(s["text"].startswith("NIEUW") for s in new["steps"])
    new_release = ContentRelease.objects.exclude(pk=old_release.pk).get()
    assert new_release.rule_versions["basis-ggz"] == new["content_version"]

    # the old advice, by the version it carries: the old rules, not today's
    code, replay, err = advise(BG08, "--content-version", old["content_version"])
    assert code == 0, err
    assert replay["release"] == old_release.content_version
    assert {k: replay[k] for k in ("involve", "steps", "reasons", "content_version")} == {
        k: old[k] for k in ("involve", "steps", "reasons", "content_version")}
    # by the release's own version, and the new one
    code, replay, _ = advise(BG08, "--content-version", old_release.content_version)
    assert code == 0 and not any(s["text"].startswith("NIEUW") for s in replay["steps"])
    code, replay, _ = advise(BG08, "--content-version", new_release.content_version)
    assert code == 0 and any(s["text"].startswith("NIEUW") for s in replay["steps"])
    # the first route replays too
    code, replay, _ = advise(P01, "--content-version", old_release.rule_versions["eerste-1000-dagen"])
    assert code == 0 and replay["involve"] == service.advise(P01, tally=False)["involve"]


def test_advise_with_an_unknown_content_version(content_copy):
    code, out, err = advise(P01, "--content-version", "000000000000")
    assert code == 2 and out is None
    assert "Geen release met inhoudsversie '000000000000'" in json.loads(err)["errors"]["content_version"][0]


@pytest.mark.django_db(transaction=True)
def test_releases_are_append_only(content_copy, editor):
    content("load", "--replace", "--user", "redacteur1", "--reason", "Onveranderlijk")
    release = ContentRelease.objects.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ContentRelease.objects.filter(pk=release.pk).update(reason="herschreven")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ContentRelease.objects.filter(pk=release.pk).delete()
    assert ContentRelease.objects.get().reason == "Onveranderlijk"
