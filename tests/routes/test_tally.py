"""The anonymous advice tally: queued per process, written in one bulk insert, codes only."""

from __future__ import annotations

import pytest

from wegwijzer.routes import service
from wegwijzer.routes.models import AdviceTally
from wegwijzer.routes.tally import tally_flush

SITUATION = {
    "phase": "zwangerschap",
    "reporter": "verloskundige",
    "wijk": "overvecht",
    "concerns": ["geen-netwerk", "jong-ouderschap"],
    "buurtteam_involved": False,
}


@pytest.mark.django_db
def test_advice_tally_is_queued_then_written_in_one_batch(settings):
    settings.ROUTES_TALLY_FLUSH_SECONDS = 3600  # the background flush will not run during this test
    service.advise(SITUATION)
    service.advise({**SITUATION, "wijk": None})
    assert AdviceTally.objects.count() == 0

    assert tally_flush() == 2
    rows = list(AdviceTally.objects.order_by("wijk").values("phase", "reporter", "wijk", "concerns", "content_version"))
    version = service.ruleset().content_version
    assert rows == [
        {"phase": "zwangerschap", "reporter": "verloskundige", "wijk": "", "concerns": ["geen-netwerk", "jong-ouderschap"],
         "content_version": version},
        {"phase": "zwangerschap", "reporter": "verloskundige", "wijk": "overvecht",
         "concerns": ["geen-netwerk", "jong-ouderschap"], "content_version": version},
    ]
    assert tally_flush() == 0


@pytest.mark.django_db
def test_no_tally_when_asked(settings):
    settings.ROUTES_TALLY_FLUSH_SECONDS = 0
    service.advise(SITUATION, tally=False)
    assert AdviceTally.objects.count() == 0
    service.advise(SITUATION)
    assert AdviceTally.objects.count() == 1
