import pytest

from .factories import Team


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
        "/feedback",
        "/timeline",
        "/audit",
        "/export/fhir",
    ]


@pytest.fixture
def read_paths():
    """`read_paths(team)`: every GET endpoint of one gezinsplan, for tests that must reach them all."""
    return _read_paths
