"""Fixtures for the social map tests: a small, self-contained content directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE_CONTENT = Path(__file__).resolve().parent / "fixtures" / "content"


@pytest.fixture
def content_dir(tmp_path, settings) -> Path:
    """A writable copy of the fixture content, also set as settings.CONTENT_DIR."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    settings.CONTENT_DIR = target
    return target


@pytest.fixture
def loaded_map(content_dir, db):
    from wegwijzer.socialmap import content

    content.load(replace=True)
    return content_dir


@pytest.fixture(autouse=True)
def _no_static_scan(settings):
    """WhiteNoise scans every static file (node_modules) when the test client builds its handler: skip it."""
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
