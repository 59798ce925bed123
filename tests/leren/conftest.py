import pytest

from .factories import Net


@pytest.fixture
def net(db):
    return Net()
