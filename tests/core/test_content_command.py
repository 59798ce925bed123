"""`wegwijzer content diff` with a folder that does not exist: a clear error, not a misleading diff."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command


def test_diff_with_a_missing_folder_says_so(tmp_path):
    rules = settings.CONTENT_DIR / "routeguide" / "rules"
    with pytest.raises(CommandError, match="niet gevonden") as excinfo:
        call_command("content", "diff", str(tmp_path / "bestaat-niet"), str(rules))
    assert excinfo.value.returncode == 2
