"""`wegwijzer advise FILE|-`: advice JSON on stdout with exit 0; errors JSON on stderr with exit 2."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from .conftest import P01

pytestmark = pytest.mark.django_db
WEGWIJZER = Path(sys.executable).parent / "wegwijzer"


def run(args, stdin=None):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    old_stdin = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        call_command("advise", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


def test_advise_file(tmp_path):
    path = tmp_path / "p01.json"
    path.write_text(json.dumps(P01), encoding="utf-8")
    code, out, err = run([str(path)])
    assert code == 0 and err == ""
    advice = json.loads(out)
    assert advice["involve"][0] == "jgz" and advice["laws"] == ["wpg"]


def test_advise_stdin_yaml():
    code, out, _ = run(["-"], stdin="phase: kinderwens\nreporter: huisarts\nconcerns: [anticonceptie]\n")
    assert code == 0
    assert "nu-niet-zwanger" in json.loads(out)["interventions"]


@pytest.mark.parametrize(
    "stdin,field",
    [
        ('{"phase": "zwangerschap", "reporter": "jgz"}', "concerns"),
        ('{"phase": "kraamperiode", "weeks_since_birth": 9, "reporter": "jgz", "concerns": []}', "weeks_since_birth"),
        ('{"phase": "zwangerschap", "reporter": "jgz", "concerns": "armoede"}', "concerns"),
        ('[1, 2]', "situation"),
    ],
)
def test_malformed_situation_exit_2(stdin, field):
    code, out, err = run(["-"], stdin=stdin)
    assert code == 2 and out == ""
    body = json.loads(err)
    assert body["detail"] and field in body["errors"]


@pytest.mark.parametrize("stdin", ["{kapot", ": : :\n  - ["])
def test_unparsable_input_exit_2(stdin):
    code, _, err = run(["-"], stdin=stdin)
    assert code == 2
    assert "detail" in json.loads(err)


def test_unreadable_file_exit_2(tmp_path):
    code, _, err = run([str(tmp_path / "bestaat-niet.json")])
    assert code == 2
    assert "niet lezen" in json.loads(err)["detail"]


def test_real_process_no_traceback(tmp_path):
    """The installed command, as an operator runs it: exit codes and no traceback on bad input."""
    if not WEGWIJZER.exists():
        pytest.skip("wegwijzer console script not installed")
    good = tmp_path / "p01.json"
    good.write_text(json.dumps(P01), encoding="utf-8")
    ok = subprocess.run([str(WEGWIJZER), "advise", "--no-tally", str(good)], capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["involve"][0] == "jgz"
    bad = subprocess.run(
        [str(WEGWIJZER), "advise", "-"], input='{"phase": 1}', capture_output=True, text=True, check=False
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert set(json.loads(bad.stderr)["errors"]) >= {"phase", "reporter", "concerns"}


def test_real_process_without_a_database(tmp_path):
    """The advice needs only the content: with no reachable database it still answers (no contacts, no tally)."""
    import os

    if not WEGWIJZER.exists():
        pytest.skip("wegwijzer console script not installed")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["WEGWIJZER_VAR_DIR"] = str(tmp_path / "does-not-exist")
    result = subprocess.run(
        [str(WEGWIJZER), "advise", "-"], input=json.dumps(P01), capture_output=True, text=True, check=False, env=env
    )
    assert result.returncode == 0, result.stderr
    advice = json.loads(result.stdout)
    assert advice["involve"][0] == "jgz" and advice["contacts"] == []
    assert "Traceback" not in result.stderr
