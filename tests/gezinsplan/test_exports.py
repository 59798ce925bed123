"""The print context is plain Dutch (the FHIR export: test_fhir_r4.py)."""

from __future__ import annotations

import pytest

from wegwijzer.gezinsplan import exports

pytestmark = pytest.mark.django_db


def test_print_context_plain_dutch(team):
    context = exports.plan_print_context(team.gezinsplan)
    assert context["wijk"] == "Overvecht" and context["phase"] == "Zwangerschap"
    assert [s["number"] for s in context["steps"]] == [1, 2, 3, 4, 5]
    assert context["steps"][1]["content"] == "onbekend"
    assert context["regie"]["lead"] == "Nog niet afgesproken"
    assert {t["role"] for t in context["team"]} == {
        "Buurtteam Jeugd en Gezin (gezinswerker of voordeurmedewerker)",
        "Jeugdgezondheidszorg (JGZ)",
    }
