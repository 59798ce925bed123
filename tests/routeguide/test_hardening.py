"""Bad input that must never crash the route guide: odd situation files for `wegwijzer advise`."""

from __future__ import annotations

import json

import pytest

from .test_cli import run

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "stdin",
    [
        "[" * 100_000,  # nested beyond Python's recursion limit (JSON and YAML parsers both recurse)
        "{" * 100_000,
        '{"phase": "zwangerschap", "weeks_since_birth": ' + "9" * 5000 + "}",  # int beyond 4300 digits
        "weeks_since_birth: " + "9" * 5000 + "\n",
    ],
)
def test_advise_absurd_input_is_exit_2_not_a_traceback(stdin):
    code, out, err = run(["-"], stdin=stdin)
    assert code == 2 and out == ""
    assert json.loads(err)["detail"]
