"""Optimistic locking: two members save the same step from the same version; the second gets a conflict
showing both versions, and nothing is lost."""

from __future__ import annotations

import pytest

from wegwijzer.gezinsplan import services
from wegwijzer.gezinsplan.models import PlanSection

pytestmark = pytest.mark.django_db


def test_second_save_from_same_version_conflicts_and_loses_nothing(team):
    services.plan_section_update(
        actor=team.member,
        gezinsplan=team.gezinsplan,
        step=4,
        content="Oma helpt mee",
        considerations="Netwerk sterk",
        expected_version=0,
    )
    with pytest.raises(services.ConflictError) as exc:
        services.plan_section_update(
            actor=team.colleague,
            gezinsplan=team.gezinsplan,
            step=4,
            content="Geen netwerk",
            considerations="Ouders alleen",
            expected_version=0,
        )
    conflict = exc.value
    assert conflict.mine["content"] == "Geen netwerk" and conflict.mine["version"] == 0
    assert conflict.theirs["content"] == "Oma helpt mee" and conflict.theirs["version"] == 1
    assert conflict.theirs["author"] == team.member.username
    section = PlanSection.objects.get(gezinsplan=team.gezinsplan, step=4)
    assert (section.content, section.version) == ("Oma helpt mee", 1)
    # The second member can now merge deliberately from the version they were shown.
    merged = services.plan_section_update(
        actor=team.colleague,
        gezinsplan=team.gezinsplan,
        step=4,
        content="Oma helpt mee; verder geen netwerk",
        considerations="Netwerk beperkt",
        expected_version=conflict.theirs["version"],
    )
    assert merged.version == 2
    assert [h.content for h in merged.history.order_by("history_date")] == [
        "Oma helpt mee",
        "Oma helpt mee; verder geen netwerk",
    ]


@pytest.mark.django_db(transaction=True)
def test_truly_concurrent_saves_one_wins_one_conflicts():
    """Two threads save the same step from version 0 at the same moment (PostgreSQL: real row locks)."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs a server database for real concurrency")
    from .factories import Team

    team = Team()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(user, text):
        try:
            barrier.wait(timeout=10)
            services.plan_section_update(
                actor=user, gezinsplan=team.gezinsplan, step=5, content=text, considerations="", expected_version=0
            )
            outcomes.append("saved")
        except services.ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(u, t)) for u, t in ((team.member, "A"), (team.colleague, "B"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "saved"]
    section = PlanSection.objects.get(gezinsplan=team.gezinsplan, step=5)
    assert section.version == 1 and section.content in ("A", "B")


def test_conflict_is_logged_as_failed_update_and_read(team):
    from wegwijzer.audit.models import AccessLogEntry

    services.plan_section_update(
        actor=team.member, gezinsplan=team.gezinsplan, step=3, content="A", considerations="", expected_version=0
    )
    with pytest.raises(services.ConflictError):
        services.plan_section_update(
            actor=team.colleague, gezinsplan=team.gezinsplan, step=3, content="B", considerations="", expected_version=0
        )
    entries = AccessLogEntry.objects.filter(
        gezinsplan_id=str(team.gezinsplan.pk), username=team.colleague.username, object_type="plansection"
    )
    assert {(e.action, e.outcome) for e in entries} == {("update", "failure"), ("read", "success")}
