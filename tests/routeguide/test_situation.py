"""Situation validation: every bad field is reported, in Dutch, exactly as the contract says."""

from __future__ import annotations

import pytest

from wegwijzer.routeguide.engine import SituationError, validate_situation

from .conftest import P01


def errors_of(data, vocab) -> dict[str, list[str]]:
    with pytest.raises(SituationError) as info:
        validate_situation(data, vocab)
    return info.value.errors


def test_valid_full_situation(vocab):
    s = validate_situation(P01, vocab)
    assert s.phase == "zwangerschap" and s.wijk == "overvecht"
    assert s.concerns == frozenset({"jong-ouderschap", "geen-netwerk"})
    assert s.buurtteam_involved is False


def test_defaults_for_optional_fields(vocab):
    s = validate_situation({"phase": "jonge-kind", "reporter": "jgz", "concerns": []}, vocab)
    assert (s.weeks_since_birth, s.wijk, s.buurtteam_involved) == (None, None, None)
    assert (s.urgent, s.child_protection_order, s.ambulant_sufficient, s.related_to_baby_care) == (
        False, False, True, True,
    )


@pytest.mark.parametrize("data", [None, [], "zwangerschap", 3, True])
def test_not_an_object(vocab, data):
    assert list(errors_of(data, vocab)) == ["situation"]


def test_missing_required_fields(vocab):
    errors = errors_of({}, vocab)
    assert set(errors) == {"phase", "reporter", "concerns"}
    assert errors["phase"] == ["Dit veld is verplicht."]


def test_unknown_field(vocab):
    errors = errors_of({**P01, "naam": "Fatima"}, vocab)
    assert list(errors) == ["naam"]
    assert "Onbekend veld" in errors["naam"][0]


def test_unknown_codes(vocab):
    errors = errors_of({**P01, "phase": "puberteit", "reporter": "leraar", "wijk": "amsterdam"}, vocab)
    assert set(errors) == {"phase", "reporter", "wijk"}
    assert "Onbekende fase 'puberteit'" in errors["phase"][0]


def test_unknown_concerns_per_index(vocab):
    errors = errors_of({**P01, "concerns": ["armoede", "slaapproblemen", 7]}, vocab)
    assert list(errors) == ["concerns"]
    assert errors["concerns"] == ["Positie 1: onbekende zorg 'slaapproblemen'.", "Positie 2: moet een zorgcode (tekst) zijn."]


@pytest.mark.parametrize(
    "field,value",
    [
        ("concerns", "armoede"),  # a string is not a list
        ("concerns", {"armoede": True}),
        ("urgent", 1),  # an int is not a bool
        ("urgent", "true"),
        ("urgent", None),
        ("child_protection_order", 0),
        ("ambulant_sufficient", "nee"),
        ("related_to_baby_care", []),
        ("buurtteam_involved", 1),
        ("buurtteam_involved", "onbekend"),
        ("phase", 1),
        ("reporter", ["jgz"]),
        ("wijk", 5),
    ],
)
def test_wrong_types(vocab, field, value):
    errors = errors_of({**P01, field: value}, vocab)
    assert list(errors) == [field]


@pytest.mark.parametrize("weeks", [True, 2.0, "2", -1])
def test_weeks_wrong_type_or_negative(vocab, weeks):
    data = {"phase": "kraamperiode", "reporter": "kraamzorg", "concerns": [], "weeks_since_birth": weeks}
    assert list(errors_of(data, vocab)) == ["weeks_since_birth"]


@pytest.mark.parametrize(
    "phase,weeks,ok",
    [
        ("kinderwens", None, True),
        ("kinderwens", 0, False),
        ("zwangerschap", None, True),
        ("zwangerschap", 3, False),
        ("kraamperiode", None, True),
        ("kraamperiode", 0, True),
        ("kraamperiode", 6, True),
        ("kraamperiode", 7, False),
        ("jonge-kind", None, True),
        ("jonge-kind", 5, False),
        ("jonge-kind", 6, True),
        ("jonge-kind", 110, True),
        ("jonge-kind", 111, False),
    ],
)
def test_weeks_must_fit_the_phase(vocab, phase, weeks, ok):
    data = {"phase": phase, "reporter": "jgz", "concerns": [], "weeks_since_birth": weeks}
    if ok:
        assert validate_situation(data, vocab).weeks_since_birth == weeks
    else:
        errors = errors_of(data, vocab)
        assert list(errors) == ["weeks_since_birth"]
        assert "Past niet bij de fase" in errors["weeks_since_birth"][0]


def test_all_errors_at_once(vocab):
    errors = errors_of({"phase": "x", "concerns": "a", "urgent": 1, "extra": 2}, vocab)
    assert set(errors) == {"phase", "reporter", "concerns", "urgent", "extra"}


def test_duplicate_concerns_are_harmless(vocab):
    s = validate_situation({**P01, "concerns": ["armoede", "armoede"]}, vocab)
    assert s.concerns == frozenset({"armoede"})


def test_situation_round_trip(vocab):
    s = validate_situation(P01, vocab)
    assert validate_situation(s.to_dict(), vocab) == s
