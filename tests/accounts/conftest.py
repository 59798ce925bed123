"""Fixtures for the accounts tests (other apps: import from accounts.helpers instead)."""

import pytest

from .helpers import make_professional, verified_client


@pytest.fixture
def professional(db):
    return make_professional("jgz-anna", role="jgz")


@pytest.fixture
def verified(client, professional):
    return verified_client(client, professional)
