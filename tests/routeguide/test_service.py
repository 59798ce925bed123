"""routes.service: advice dict per the contract, contacts from the social map, anonymous tally."""

from __future__ import annotations

import pytest

from wegwijzer.routeguide import service
from wegwijzer.routeguide.engine import SituationError
from wegwijzer.routeguide.models import AdviceTally

from .conftest import P01

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    service.reset_cache()
    yield
    service.reset_cache()


def test_advise_shape_and_tally():
    advice = service.advise(P01)
    assert list(advice)[:8] == [
        "involve", "interventions", "laws", "warnings", "steps", "contacts", "reasons", "content_version",
    ]
    assert advice["involve"][0] == "jgz"
    assert advice["content_version"] == service.ruleset().content_version
    row = AdviceTally.objects.get()
    assert (row.phase, row.reporter, row.wijk) == ("zwangerschap", "verloskundige", "overvecht")
    assert row.concerns == ["geen-netwerk", "jong-ouderschap"]
    assert row.flags["buurtteam_involved"] is False
    assert row.content_version == advice["content_version"]


def test_tally_holds_codes_only():
    service.advise(P01)
    fields = {f.name for f in AdviceTally._meta.get_fields()}
    assert fields == {"id", "date", "phase", "reporter", "wijk", "concerns", "flags", "weeks_since_birth",
                      "content_version", "route", "involved"}


def _every_vignette_situation():
    from wegwijzer.routeguide import content
    from wegwijzer.routeguide.engine.vignettes import load_vignette_files

    for item in content.routes():
        folder = item.vignettes
        for _name, cases in load_vignette_files(folder):
            for case in cases:
                situation = dict(case["situation"])
                if item.id != service.DEFAULT_ROUTE:
                    situation["route"] = item.id
                yield situation


def test_a_tally_row_gives_back_the_advice_of_its_situation():
    """Inzicht and a draft's effect re-run the engine on tally rows: every vignette of every route, tallied,
    must come back as the same advice (a field the engine reads but the tally forgets would break this)."""
    from wegwijzer.routeguide.tally import SITUATION_FIELDS, situation_data

    situations = list(_every_vignette_situation())
    assert len(situations) > 40 and any("route" in s for s in situations)
    for situation in situations:
        AdviceTally.objects.all().delete()
        advice = service.advise(situation)
        row = AdviceTally.objects.values(*SITUATION_FIELDS).get()
        replayed = service.advise({"route": row["route"], **situation_data(row)}, tally=False)
        assert replayed == advice, situation


def test_no_tally_when_asked():
    service.advise(P01, tally=False)
    assert AdviceTally.objects.count() == 0


def test_invalid_situation_raises_and_is_not_tallied():
    with pytest.raises(SituationError) as info:
        service.advise({"phase": "zwangerschap"})
    assert set(info.value.errors) == {"reporter", "concerns"}
    assert AdviceTally.objects.count() == 0


def test_contacts_come_from_the_social_map(monkeypatch):
    calls = []

    def fake(roles, wijk):
        calls.append((list(roles), wijk))
        return [{"role": roles[0], "name": "JGZ Overvecht", "phone": "", "url": "/kaart/jgz-overvecht/"}]

    monkeypatch.setattr("wegwijzer.socialmap.selectors.contacts_for_roles", fake)
    advice = service.advise(P01, tally=False)
    assert calls == [(advice["involve"], "overvecht")]
    assert advice["contacts"][0]["name"] == "JGZ Overvecht"


def test_contacts_failure_gives_empty_list(monkeypatch):
    def broken(roles, wijk):
        raise RuntimeError("kaart stuk")

    monkeypatch.setattr("wegwijzer.socialmap.selectors.contacts_for_roles", broken)
    assert service.advise(P01, tally=False)["contacts"] == []


def test_real_social_map_contacts_for_overvecht():
    """With the social map content loaded, the Overvecht advice names local contacts (skipped if absent)."""
    from django.core.management import call_command

    try:
        call_command("content", "load", "--replace")
    except Exception as exc:  # the social map content belongs to another part of the product
        pytest.skip(f"sociale kaart niet te laden: {exc}")
    advice = service.advise(P01, tally=False)
    if not advice["contacts"]:
        pytest.skip("sociale kaart bevat (nog) geen contacten voor deze rollen")
    roles = {c["role"] for c in advice["contacts"]}
    assert roles <= set(advice["involve"])
    assert all(c.get("name") for c in advice["contacts"])
    # Done-when: the Overvecht contacts (the wijk's own neighbourhood team)
    buurtteam = [c for c in advice["contacts"] if c["role"] == "buurtteam-jeugd-gezin"]
    assert buurtteam and all("Overvecht" in c["name"] for c in buurtteam)


def test_vocabulary_accessor():
    vocab = service.vocabulary()
    assert vocab.phases["zwangerschap"] == "Zwangerschap"
    assert vocab.reporters["anders"] == "Anders"
    assert vocab.reporters["jgz"] == vocab.roles["jgz"]
    assert vocab.label("wijken", "overvecht") == "Overvecht"
    assert list(vocab.laws) == ["zvw", "jeugdwet", "wmo", "wpg", "wlz"]


def test_ruleset_is_cached():
    assert service.ruleset() is service.ruleset()
