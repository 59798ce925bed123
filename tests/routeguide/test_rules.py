"""Rule files: schema validation, vocabulary checks, unique ids, content_version."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from wegwijzer.routeguide.engine import RuleSetError, load_ruleset
from wegwijzer.routeguide.engine.rules import compile_condition
from wegwijzer.routeguide.engine.sources import load_sources

from .conftest import NOTICES, RULES_DIR, SCHEMA, SOURCES

THEMES = {
    "zwangerschap", "na-de-geboorte", "buurtteam-onderzoek", "wetgeving", "kraamzorg", "veiligheid",
    "ambulant", "interventies", "rollen", "stappen", "kinderwens",
}


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_repository_rules_load(ruleset):
    assert len(ruleset.rules) >= 60
    assert {r.file.removesuffix(".yaml") for r in ruleset.rules} == THEMES
    ids = [r.id for r in ruleset.rules]
    assert len(ids) == len(set(ids))
    assert ids == [r.id for r in sorted(ruleset.rules, key=lambda r: (r.priority, r.id))]


def test_every_rule_has_a_source_and_reason(ruleset):
    for rule in ruleset.rules:
        assert rule.source.startswith(("Wegwijzer ", "Proeftuin ")), rule.id
        assert len(rule.reason) > 20, rule.id


def test_every_bijlage2_intervention_is_reachable(ruleset, vocab):
    reachable = {code for r in ruleset.rules for kind, code, _ in r.adds if kind == "interventions"}
    assert reachable == set(vocab.interventions)


def test_content_version_is_stable_and_short(ruleset, vocab):
    again = load_ruleset(RULES_DIR, vocab, SCHEMA, sources=load_sources(SOURCES), notices_path=NOTICES)
    assert again.content_version == ruleset.content_version
    assert len(ruleset.content_version) == 12
    int(ruleset.content_version, 16)


def test_content_version_ignores_comments_but_not_meaning(tmp_path, vocab, ruleset):
    rules = copy_rules(tmp_path)
    path = rules / "kraamzorg.yaml"
    path.write_text("# just a comment\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert (
        load_ruleset(rules, vocab, SCHEMA, sources=load_sources(SOURCES), notices_path=NOTICES).content_version
        == ruleset.content_version
    )
    edit(path, lambda d: d["rules"][0].update(priority=21))
    assert load_ruleset(rules, vocab, SCHEMA).content_version != ruleset.content_version


def test_schema_violation_is_reported(tmp_path, vocab):
    rules = copy_rules(tmp_path)
    edit(rules / "ambulant.yaml", lambda d: d["rules"][0].pop("source"))
    with pytest.raises(RuleSetError) as info:
        load_ruleset(rules, vocab, SCHEMA)
    assert any("ambulant.yaml" in p and "source" in p for p in info.value.problems)


def test_unknown_condition_key_is_a_schema_error(tmp_path, vocab):
    rules = copy_rules(tmp_path)
    edit(rules / "ambulant.yaml", lambda d: d["rules"][0]["when"].update(mood=["blij"]))
    with pytest.raises(RuleSetError):
        load_ruleset(rules, vocab, SCHEMA)


def test_unknown_codes_are_reported(tmp_path, vocab):
    rules = copy_rules(tmp_path)

    def change(d):
        d["rules"][0]["then"]["involve"] = [{"role": "schoolarts", "order": 1}]
        d["rules"][0]["when"]["concerns_any"] = ["slaapproblemen"]

    edit(rules / "ambulant.yaml", change)
    with pytest.raises(RuleSetError) as info:
        load_ruleset(rules, vocab, SCHEMA)
    text = "\n".join(info.value.problems)
    assert "schoolarts" in text and "slaapproblemen" in text


def test_duplicate_ids_are_reported(tmp_path, vocab):
    rules = copy_rules(tmp_path)
    edit(rules / "ambulant.yaml", lambda d: d["rules"][1].update(id=d["rules"][0]["id"]))
    with pytest.raises(RuleSetError) as info:
        load_ruleset(rules, vocab, SCHEMA)
    assert any("komt ook voor" in p for p in info.value.problems)


def test_invalid_yaml_is_reported(tmp_path, vocab):
    rules = copy_rules(tmp_path)
    (rules / "kapot.yaml").write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(RuleSetError) as info:
        load_ruleset(rules, vocab, SCHEMA)
    assert any("kapot.yaml" in p for p in info.value.problems)


def test_missing_directory(tmp_path, vocab):
    with pytest.raises(RuleSetError):
        load_ruleset(tmp_path / "nope", vocab, SCHEMA)


def test_compile_condition_semantics(vocab):
    from wegwijzer.routeguide.engine import validate_situation

    s = validate_situation(
        {"phase": "kraamperiode", "weeks_since_birth": 3, "reporter": "kraamzorg", "wijk": "oost",
         "concerns": ["borstvoeding", "armoede"], "buurtteam_involved": None},
        vocab,
    )
    advice = {"involve": {"jgz": 1}, "interventions": {}, "laws": {"wpg": 1}, "warnings": {}}
    cases = [
        ({}, True),
        ({"phase": ["kraamperiode"]}, True),
        ({"phase": ["zwangerschap"]}, False),
        ({"reporter_not": ["kraamzorg"]}, False),
        ({"wijk": ["oost"], "wijk_known": True}, True),
        ({"concerns_any": ["armoede", "huilbaby"]}, True),
        ({"concerns_all": ["armoede", "huilbaby"]}, False),
        ({"concerns_none": ["huilbaby"]}, True),
        ({"concerns_only": ["borstvoeding"]}, False),
        ({"concerns_only": ["borstvoeding", "armoede", "huilbaby"]}, True),
        ({"concerns_beyond": ["borstvoeding"]}, True),
        ({"concerns_beyond": ["borstvoeding", "armoede"]}, False),
        ({"concerns_count": {"min": 2, "max": 2}}, True),
        ({"weeks": {"max": 2}}, False),
        ({"weeks": {"min": 3, "max": 6}}, True),
        ({"weeks_known": True}, True),
        ({"flags": {"buurtteam_involved": None, "urgent": False}}, True),
        ({"flags": {"buurtteam_involved": False}}, False),
        ({"involves_any": ["jgz"]}, True),
        ({"involves_none": ["jgz"]}, False),
        ({"laws_all": ["wpg", "zvw"]}, False),
        ({"involve_count": {"min": 1}}, True),
        ({"any": [{"phase": ["zwangerschap"]}, {"wijk": ["oost"]}]}, True),
        ({"all": [{"phase": ["kraamperiode"]}, {"wijk": ["west"]}]}, False),
        ({"none": [{"phase": ["zwangerschap"]}]}, True),
    ]
    for cond, expected in cases:
        assert compile_condition(cond)(s, advice) is expected, cond
