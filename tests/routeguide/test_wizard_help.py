"""content/routeguide/help.yaml: every answer option of the wizard has a Dutch help text with its source."""

from __future__ import annotations

import pytest

from wegwijzer.routeguide import wizard

FLAGS = ("buurtteam_involved", "urgent", "child_protection_order", "ambulant_sufficient", "related_to_baby_care")


@pytest.fixture(scope="module")
def helps():
    return wizard.help_texts()


@pytest.fixture(scope="module")
def vocab():
    return wizard.vocabulary()


def _ok(entry) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("text"), str)
        and len(entry["text"]) >= 20
        and isinstance(entry.get("source"), str)
        and entry["source"].startswith("Wegwijzer")
    )


@pytest.mark.parametrize(("kind", "key"), [("phases", "phases"), ("reporters", "reporters"), ("concerns", "concerns")])
def test_every_code_has_help_with_source(helps, vocab, kind, key):
    missing = [code for code in vocab[kind] if not _ok((helps.get(key) or {}).get(code))]
    assert missing == []
    unknown = set(helps.get(key) or {}) - set(vocab[kind])
    assert unknown == set()


def test_free_fields_have_help(helps):
    assert _ok(helps["weeks_since_birth"]) and _ok(helps["wijk"])


def test_every_concern_is_in_exactly_one_group(helps, vocab):
    grouped = [code for group in helps["concern_groups"] for code in group["concerns"]]
    assert sorted(grouped) == sorted(vocab["concerns"])
    assert len(grouped) == len(set(grouped))
    assert all(group["label"] and group["id"] for group in helps["concern_groups"])


@pytest.mark.parametrize("flag", FLAGS)
def test_every_flag_has_question_explanation_and_answers(helps, flag):
    entry = helps["flags"][flag]
    assert _ok(entry) and entry["question"].endswith("?")
    expected = {"ja", "nee", "onbekend"} if flag == "buurtteam_involved" else {"ja", "nee"}
    assert set(entry["options"]) == expected
    assert all(isinstance(label, str) and label for label in entry["options"].values())


def test_reporters_are_labelled_by_their_role(vocab):
    assert vocab["reporters"]["verloskundige"] == "Verloskundige (eerstelijn)"
    assert vocab["reporters"]["anders"] == "Andere professional"
