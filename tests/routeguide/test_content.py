"""routes.content: check, summary and diff, on the repository's content and on edited copies."""

from __future__ import annotations

import shutil

import pytest
import yaml

from wegwijzer.routeguide import content

from .conftest import CONTENT


@pytest.fixture
def content_copy(tmp_path, settings):
    """A private copy of the route content (vocabulary, sources, rules, notices, schema, vignettes) as CONTENT_DIR."""
    target = tmp_path / "content"
    (target / "routeguide").mkdir(parents=True)
    shutil.copy(CONTENT / "vocabulary.yaml", target / "vocabulary.yaml")
    shutil.copy(CONTENT / "sources.yaml", target / "sources.yaml")
    shutil.copy(CONTENT / "routeguide" / "notices.yaml", target / "routeguide" / "notices.yaml")
    for part in ("rules", "schema", "vignettes"):
        shutil.copytree(CONTENT / "routeguide" / part, target / "routeguide" / part)
    settings.CONTENT_DIR = target
    return target


def edit_rule(path, rule_id, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for rule in data["rules"]:
        if rule["id"] == rule_id:
            change(rule)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_repository_content_is_clean():
    assert content.check() == []


def test_summary_counts():
    text = content.summary()
    assert "routeregels in 11 bestanden" in text and "72 vignetten" in text and "content_version" in text


def test_check_reports_a_failing_vignette(content_copy):
    # A policy officer drops the prenatal home visit: P01 and others now fail (and the guard had to act).
    edit_rule(
        content_copy / "routeguide/rules/zwangerschap.yaml",
        "R-zw-prenataal-huisbezoek",
        lambda r: r["then"].pop("interventions"),
    )
    problems = content.check()
    assert any("P01" in p and "prenataal-huisbezoek" in p for p in problems)
    assert any("bewaking" in p for p in problems)


def test_check_reports_unknown_codes_in_vignettes(content_copy):
    path = content_copy / "routeguide/vignettes/own.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data[0]["expect"]["involve_includes"] = ["schoolarts"]
    data[1]["expect"]["bogus_key"] = ["x"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = "\n".join(content.check())
    assert "schoolarts" in problems and "bogus_key" in problems


def test_check_reports_invalid_rules(content_copy):
    edit_rule(content_copy / "routeguide/rules/rollen.yaml", "R-rol-nizu", lambda r: r.pop("reason"))
    problems = content.check()
    assert problems and all(p.startswith("regels:") for p in problems)


def test_diff_identical(content_copy):
    changed, report = content.diff(content_copy, content_copy / "routeguide" / "rules")
    assert changed == 0
    assert "0 van 72 vignetten" in report


def test_diff_shows_changed_vignettes(content_copy, tmp_path):
    new = tmp_path / "new-rules"
    shutil.copytree(content_copy / "routeguide" / "rules", new)
    edit_rule(new / "veiligheid.yaml", "R-vh-huiselijk-geweld", lambda r: r["then"].pop("involve"))
    changed, report = content.diff(content_copy / "routeguide" / "rules", new)
    assert changed >= 2  # P05 and V06 at least
    assert "P05" in report and "-veilig-thuis" in report
    assert "~ regel R-vh-huiselijk-geweld gewijzigd" in report
    assert "slaagt → faalt" in report


def test_diff_with_invalid_rules(content_copy, tmp_path):
    new = tmp_path / "new-rules"
    shutil.copytree(content_copy / "routeguide" / "rules", new)
    (new / "kapot.yaml").write_text("theme: x\n", encoding="utf-8")
    changed, report = content.diff(content_copy / "routeguide" / "rules", new)
    assert changed == 1 and "ongeldig" in report


def test_content_command_diff(content_copy, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    new = tmp_path / "new-rules"
    shutil.copytree(content_copy / "routeguide" / "rules", new)
    edit_rule(new / "kinderwens.yaml", "R-kw-pretty-human", lambda r: r.update(priority=21))
    call_command("content", "diff", str(content_copy / "routeguide" / "rules"), str(new))  # no outcome change
    edit_rule(new / "kinderwens.yaml", "R-kw-pretty-human", lambda r: r["when"].update(phase=["zwangerschap"]))
    with pytest.raises(CommandError):
        call_command("content", "diff", str(content_copy / "routeguide" / "rules"), str(new))


def test_diff_reports_when_a_guard_has_to_step_in(content_copy, tmp_path):
    new = tmp_path / "new-rules"
    shutil.copytree(content_copy / "routeguide" / "rules", new)
    edit_rule(
        new / "kraamzorg.yaml",
        "R-kz-verlengde-kraamzorg",
        lambda r: r["then"]["interventions"].append({"code": "babythuiszorg", "rank": 6}),
    )
    changed, report = content.diff(content_copy / "routeguide" / "rules", new)
    assert changed >= 1  # P02: babythuiszorg without buurtteam is stopped by the guard
    assert "P02" in report and "G-babythuiszorg" in report
