import pytest

from .factories import Team
from .invariants import handover_leftovers


@pytest.fixture(autouse=True)
def _nothing_stays_with_a_leaver(request):
    """After every test that used the database: no handed-over member still holds an open agreement, a coming
    MDO or a regie role, whichever way the handover went (service, API, page)."""
    names = request.fixturenames
    uses_db = "db" in names or "transactional_db" in names or request.node.get_closest_marker("django_db")
    if uses_db:
        # Asked for here so the check runs before the test's data is rolled back or flushed.
        request.getfixturevalue("transactional_db" if "transactional_db" in names else "db")
    yield
    if uses_db:
        assert handover_leftovers() == []


@pytest.fixture
def team(db):
    return Team()


def _read_paths(team: Team) -> list[str]:
    """The API's GET endpoints with gezinsplan data, relative to the gezinsplan (its parts from `team`)."""
    return [
        "",
        "/members",
        "/regie",
        "/plan",
        "/plan/1",
        "/agreements",
        f"/agreements/{team.agreement.pk}",
        "/consents",
        "/meetings",
        f"/meetings/{team.meeting.pk}",
        f"/meetings/{team.meeting.pk}.ics",
        "/handovers",
        "/verwijzingen",
        "/feedback",
        "/timeline",
        "/audit",
        "/export/fhir",
    ]


@pytest.fixture
def read_paths():
    """`read_paths(team)`: every GET endpoint of one gezinsplan, for tests that must reach them all."""
    return _read_paths
