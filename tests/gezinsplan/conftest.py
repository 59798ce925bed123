import pytest

from .factories import Team


@pytest.fixture
def team(db):
    return Team()
