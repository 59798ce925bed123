"""The anonymous advice tally: one row per advice, written at once, codes only; a failed write is no error."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from wegwijzer.routeguide import service
from wegwijzer.routeguide.models import AdviceTally

SITUATION = {
    "phase": "zwangerschap",
    "reporter": "verloskundige",
    "wijk": "overvecht",
    "concerns": ["geen-netwerk", "jong-ouderschap"],
    "buurtteam_involved": False,
}


@pytest.mark.django_db
def test_each_advice_writes_one_tally_row_at_once():
    service.advise(SITUATION)
    assert AdviceTally.objects.count() == 1
    service.advise({**SITUATION, "wijk": None})
    rows = list(AdviceTally.objects.order_by("wijk").values("phase", "reporter", "wijk", "concerns", "content_version"))
    version = service.ruleset().content_version
    assert rows == [
        {"phase": "zwangerschap", "reporter": "verloskundige", "wijk": "", "concerns": ["geen-netwerk", "jong-ouderschap"],
         "content_version": version},
        {"phase": "zwangerschap", "reporter": "verloskundige", "wijk": "overvecht",
         "concerns": ["geen-netwerk", "jong-ouderschap"], "content_version": version},
    ]


@pytest.mark.django_db
def test_no_tally_when_asked():
    service.advise(SITUATION, tally=False)
    assert AdviceTally.objects.count() == 0
    service.advise(SITUATION)
    assert AdviceTally.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_tally_write_still_gives_the_advice(monkeypatch, caplog):
    def broken(**row):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(AdviceTally.objects, "create", broken)
    advice = service.advise(SITUATION)
    assert advice["involve"]
    assert "advice tally: row not recorded" in caplog.text
