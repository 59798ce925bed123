"""Invariants the whole gezinsplan suite checks after every test (tests/gezinsplan/conftest.py).

Written as plain queries, independent of `selectors.handover_items`, so a bug there cannot hide itself.
"""

from __future__ import annotations

from wegwijzer.gezinsplan.models import Agreement, Handover, Meeting, Regie

REGIE_FIELDS = ("lead_member", "support_member", "records_member", "monitors_member", "informs_member")


def handover_leftovers() -> list[str]:
    """What a handed-over (so no longer current) member still holds: an open agreement, a place in an MDO
    held after the handover, or a regie role. Empty when every handover handed everything over."""
    problems: list[str] = []
    for h in Handover.objects.select_related("leaving", "leaving__user"):
        leaving = h.leaving
        if leaving.is_current():
            continue  # a member can be added again after leaving; then they may hold items again
        who = leaving.user.username
        for a in Agreement.objects.filter(owner=leaving, status=Agreement.Status.OPEN):
            problems.append(f"open afspraak {a.pk} is nog van {who}")
        for m in Meeting.objects.filter(participants=leaving, starts_at__gte=h.at):
            problems.append(f"MDO {m.pk} noemt nog {who}")
        regie = Regie.objects.filter(gezinsplan_id=h.gezinsplan_id).first()
        for name in REGIE_FIELDS:
            if regie is not None and getattr(regie, f"{name}_id") == leaving.pk:
                problems.append(f"regierol {name} is nog van {who}")
    return problems
