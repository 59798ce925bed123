"""The anonymisation detector: each kind found, ordinary case text passes, and property tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wegwijzer.leren.anonymity import bsn_valid, findings, message, name_terms


def kinds(text: str, names=()) -> list[str]:
    return [f.kind for f in findings(text, names=names)]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Bel moeder op 06-12345678 terug.", "telefoon"),
        ("Telefoon 030 123 4567.", "telefoon"),
        ("Via +31 6 12345678.", "telefoon"),
        ("Mail naar ouder@voorbeeld.nl.", "email"),
        ("Ze wonen op 3531 AB.", "postcode"),
        ("Postcode 3512AB", "postcode"),
        ("Adres: Kanaalstraat 12a.", "adres"),
        ("Woont aan de Lange Nieuwstraat 3.", "adres"),
        ("Geboren op 03-04-2024.", "geboortedatum"),
        ("Geboren 3 maart 2024.", "geboortedatum"),
        ("BSN 111222333.", "bsn"),
        ("BSN 1112.22.333.", "bsn"),
    ],
)
def test_each_kind_is_found(text, kind):
    assert kinds(text) == [kind]


def test_names_of_members_and_plan_label_are_found_case_insensitively():
    found = findings("Gezin zonnebloem en Piet bespraken het.", names=["Gezin Zonnebloem", "Piet Jansen"])
    assert [(f.kind, f.text) for f in found] == [("naam", "Gezin zonnebloem"), ("naam", "Piet")]


def test_common_words_of_a_label_are_not_names():
    assert "gezin" not in name_terms(["Gezin Zonnebloem"])
    assert kinds("Het gezin had een baby van drie maanden.", names=["Gezin Zonnebloem"]) == []


def test_ordinary_case_text_passes():
    text = (
        "Een moeder van 28 met een baby van 3 maanden; de verloskundige en de JGZ zagen somberheid. "
        "Het buurtteam kwam pas na 6 weken in beeld. In 2024 waren er 2 overleggen."
    )
    assert findings(text, names=["Anna de Vries"]) == []


def test_nine_digits_failing_the_11_proef_are_not_a_bsn():
    assert not bsn_valid("123456789")
    assert kinds("Dossier 123456789") == []


def test_message_names_what_was_found():
    text = message(findings("Mail a@b.nl, BSN 111222333"))
    assert "e-mailadres" in text and "a@b.nl" in text and "BSN" in text


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300))
def test_detector_never_raises_and_findings_are_in_the_text(text):
    for f in findings(text, names=["Zonnebloem"]):
        assert text[f.start : f.start + len(f.text)].strip() == f.text


@given(st.integers(min_value=10_000_000, max_value=999_999_999))
def test_every_11_proef_number_is_found_embedded(n):
    digits = f"{n:09d}"
    found = kinds(f"Het nummer is {digits} zegt men.")
    assert ("bsn" in found) == bsn_valid(digits)


@given(
    st.emails().filter(lambda e: e.isascii()),
    st.sampled_from(["Zie ", "Mail: ", "("]),
)
def test_every_email_is_found(email, prefix):
    assert "email" in kinds(f"{prefix}{email} graag.")


@given(st.integers(1000, 9999), st.sampled_from(["AB", "cd", "XZ"]), st.sampled_from([" ", ""]))
def test_every_postcode_is_found(digits, letters, space):
    assert kinds(f"in {digits}{space}{letters} wonen") == ["postcode"]
