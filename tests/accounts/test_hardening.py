"""Bad input on accounts: never a traceback, never a 500."""

from __future__ import annotations

import pytest

from wegwijzer.accounts.models import ApiToken

from .helpers import make_professional
from .test_cli import _run

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("days", ["3651", "999999999", "99999999999999999999"])
def test_token_absurd_days_exits_1_with_dutch_message(capsys, days):
    make_professional("yara")
    with pytest.raises(SystemExit) as excinfo:
        _run("token", "yara", "--days", days)
    assert excinfo.value.code == 1
    assert "hoogstens" in capsys.readouterr().err
    assert not ApiToken.objects.exists()


def test_token_ten_years_is_still_fine(capsys):
    make_professional("yara")
    _run("token", "yara", "--days", "3650")
    assert ApiToken.objects.count() == 1
