"""Issue 11 (route guide, second pass): what the vignettes cannot say (step texts, reasons, sources)."""

from __future__ import annotations

from wegwijzer.routeguide.engine import evaluate, validate_situation


def advice_for(ruleset, vocab, **situation):
    return evaluate(validate_situation(situation, vocab), ruleset)


def test_voorzorg_is_named_in_a_step_only_when_it_is_offered(ruleset, vocab):
    """Point 6: VoorZorg appeared in the JGZ's step text without being among the offers."""
    plain = advice_for(ruleset, vocab, phase="zwangerschap", reporter="verloskundige", concerns=["geen-netwerk"])
    assert "voorzorg" not in plain.interventions
    assert not any("VoorZorg" in step.text for step in plain.steps)
    heavy = advice_for(ruleset, vocab, phase="zwangerschap", reporter="verloskundige", concerns=["trauma-ouder"])
    assert "voorzorg" in heavy.interventions


def test_the_jgz_does_not_refer_to_itself(ruleset, vocab):
    """Point 5: a JGZ nurse was told to sign the parents up for the JGZ's own home visit."""
    advice = advice_for(ruleset, vocab, phase="zwangerschap", reporter="jgz", concerns=["armoede"])
    assert "jgz" not in advice.involve and advice.involve
    assert not any("aan voor een prenataal huisbezoek door de JGZ" in s.text for s in advice.steps)
    assert any(s.actor == "jgz" for s in advice.steps)  # its own part is a "U ..." step


def test_reasons_say_no_more_than_the_source(ruleset):
    """Point 7: Ouders Inc. was called a parent network, CenteringZwangerschap's content was described."""
    centering = ruleset.by_id("R-int-centering")
    network = ruleset.by_id("R-ng-oudernetwerk")
    assert centering and "beschrijft niet" in centering.reason
    assert network and "zonder te zeggen wat Ouders Inc. biedt" in network.reason
    assert ruleset.by_id("R-amb-volwassen-vragen") is None


def test_a_parent_under_18_keeps_the_jeugdwet_open(ruleset, vocab):
    base = {"phase": "jonge-kind", "reporter": "jgz", "concerns": ["stress-ouder"], "related_to_baby_care": False}
    adult = advice_for(ruleset, vocab, **base)
    minor = advice_for(ruleset, vocab, **base, parent_minor=True)
    assert "R-wet-volwassenenzorg" in {r.rule for r in adult.reasons}
    assert "R-wet-volwassenenzorg" not in {r.rule for r in minor.reasons}
    assert any("jonger dan 18" in s.text for s in minor.steps)


def test_kopp_kvo_preventive_help_and_feedback_to_gp_and_jgz(ruleset, vocab):
    """Point 8: the Proeftuin's KOPP/KVO and feedback recommendations are in the route."""
    advice = advice_for(
        ruleset, vocab, phase="jonge-kind", reporter="verloskundige", concerns=["verslaving-ouder"],
        buurtteam_involved=False, help_question=False,
    )
    fired = {r.rule: r for r in advice.reasons}
    assert {"R-rol-kopp-kvo", "R-rol-kopp-kvo-geen-hulpvraag", "R-rol-terugkoppelen"} <= set(fired)
    assert fired["R-rol-kopp-kvo"].source.startswith("Proeftuin §4.3.3")
    assert fired["R-rol-terugkoppelen"].source.startswith("Proeftuin §4.4.3")


def test_an_already_involved_role_gets_a_step_and_a_reason(ruleset, vocab):
    advice = advice_for(
        ruleset, vocab, phase="jonge-kind", reporter="huisarts", concerns=["ouder-kindrelatie"],
        involved=["jgz"], buurtteam_involved=False,
    )
    assert "jgz" not in advice.involve
    reason = next(r for r in advice.reasons if r.rule == "E-al-betrokken")
    assert "Jeugdgezondheidszorg (JGZ)" in reason.text
    assert any(s.because == ("E-al-betrokken",) and s.actor == "huisarts" for s in advice.steps)


def test_done_when_three_reporters_start_with_someone_else(ruleset, vocab):
    """Issue 11, done when: a JGZ nurse, a gynaecologist and a buurtteam worker each start with someone else."""
    cases = [
        ("jgz", "zwangerschap", ["geen-netwerk"], {"jgz"}),
        ("gynaecoloog", "zwangerschap", ["stress-ouder"], {"ziekenhuis"}),
        ("buurtteam-jeugd-gezin", "jonge-kind", ["huilbaby"], {"buurtteam-jeugd-gezin"}),
    ]
    for reporter, phase, concerns, own in cases:
        advice = advice_for(ruleset, vocab, phase=phase, reporter=reporter, concerns=concerns)
        assert advice.involve and advice.involve[0] not in own, reporter
