"""Every vignette (public and own) passes, and every advice holds the contract's global invariants."""

from __future__ import annotations

import pytest

from wegwijzer.routeguide.engine import evaluate, invariant_violations, validate_situation
from wegwijzer.routeguide.engine.vignettes import expectation_failures, format_problems

from .conftest import all_vignettes

VIGNETTES = all_vignettes()


def test_enough_vignettes():
    files = {v["_file"] for v in VIGNETTES}
    assert {"public.yaml", "own.yaml"} <= files
    assert sum(v["_file"] == "public.yaml" for v in VIGNETTES) == 12
    own = [v for v in VIGNETTES if v["_file"] == "own.yaml"]
    assert len(own) >= 30
    assert all(v.get("source", "").startswith(("Wegwijzer", "Proeftuin")) for v in own)
    assert len({v["id"] for v in VIGNETTES}) == len(VIGNETTES)


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_vignette(vignette, vocab, ruleset):
    item = {k: v for k, v in vignette.items() if k != "_file"}
    assert format_problems(item, vocab) == []
    situation = validate_situation(item["situation"], vocab)
    advice = evaluate(situation, ruleset)
    assert expectation_failures(advice, item.get("expect"), situation.acting_role) == []
    # global invariants of the contract
    assert invariant_violations(situation, advice) == []
    assert evaluate(situation, ruleset) == advice  # deterministic
    explained = {c for r in advice.reasons for c in r.explains}
    for kind in ("involve", "interventions", "laws", "warnings"):
        assert set(advice.codes(kind)) <= explained
    # the rules alone hold the invariants: no guard had to step in
    assert advice.guards == ()


def test_expectation_failures_detects_each_kind(vocab, ruleset):
    situation = validate_situation(next(v for v in VIGNETTES if v["id"] == "P01")["situation"], vocab)
    advice = evaluate(situation, ruleset)
    wrong = {
        "first_involve_any": ["gi"],
        "involve_includes": ["save"],
        "interventions_excludes": [advice.interventions[0]],
        "interventions_any": ["imh"],
        "laws_excludes": list(advice.laws),
        "warnings_includes": ["not-ambulant"],
    }
    assert len(expectation_failures(advice, wrong)) == len(wrong)
