"""Bad input that must never crash the social map: absurd import files, odd search queries."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wegwijzer.socialmap.models import Organization, Service

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "payload",
    [
        "[" * 100_000,  # nested beyond Python's recursion limit
        '{"format": ' + "9" * 5000 + "}",  # integer beyond Python's 4300-digit limit
    ],
)
def test_import_absurd_json_fails_cleanly(loaded_map, tmp_path, capsys, payload):
    path = tmp_path / "absurd.json"
    path.write_text(payload, encoding="utf-8")
    before = (Service.objects.count(), Organization.objects.count())
    with pytest.raises(CommandError):
        call_command("import", "hsds", str(path))
    assert "geen geldige JSON" in capsys.readouterr().err
    assert (Service.objects.count(), Organization.objects.count()) == before


def test_import_with_nul_or_lone_surrogate_reports_each_and_changes_nothing(loaded_map, tmp_path, capsys):
    """PostgreSQL refuses NUL in text (and in jsonb); a lone surrogate cannot be stored anywhere."""
    import json

    path = tmp_path / "map.json"
    call_command("export", "hsds", str(path))
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["roles"][1]["description"] = "a\x00b"
    doc["organizations"][0]["sources"].append("\x00")
    doc["contents"][0]["name"] = "x\ud800"
    path.write_text(json.dumps(doc), encoding="utf-8")
    names = sorted(Service.objects.values_list("name", flat=True))
    with pytest.raises(CommandError):
        call_command("import", "hsds", str(path))
    err = capsys.readouterr().err
    for fragment in ("roles[1].description", "organizations[0].sources[", "contents[0].name"):
        assert fragment in err, fragment
    assert sorted(Service.objects.values_list("name", flat=True)) == names


@pytest.mark.parametrize("target", ["missing-dir/map.json", "."])
def test_export_to_an_unwritable_path_fails_cleanly(loaded_map, tmp_path, monkeypatch, target):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CommandError) as info:
        call_command("export", "hsds", target)
    assert "niet schrijven" in str(info.value)
