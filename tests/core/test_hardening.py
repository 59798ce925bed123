"""Bad input on the shared JSON helpers: never a 500, always the one error shape."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from wegwijzer.core.api import BadRequestBody, parse_json_body

# Raw JSON texts that decode fine but hold strings no database can store: NUL (PostgreSQL refuses it in
# text) and lone UTF-16 surrogates (cannot be encoded as UTF-8 at all), as values and as keys, nested too.
UNSTORABLE = [
    '{"phase": "zwanger\\u0000schap"}',
    '{"phase\\u0000": "x"}',
    '{"phase": "\\ud800"}',
    '{"\\udfff": 1}',
    '{"a": [{"b": ["ok", "\\u0000"]}]}',
]


@pytest.mark.parametrize("raw", UNSTORABLE)
def test_parse_json_body_rejects_unstorable_strings(raw):
    request = RequestFactory().post("/x", data=raw, content_type="application/json")
    with pytest.raises(BadRequestBody) as info:
        parse_json_body(request)
    assert "teken" in info.value.detail


def test_parse_json_body_keeps_ordinary_unicode_and_escaped_backslashes():
    raw = '{"a": "café 👶 \\\\u0000 tab\\t", "b": [1, null, true]}'
    request = RequestFactory().post("/x", data=raw, content_type="application/json")
    assert parse_json_body(request) == {"a": "café 👶 \\u0000 tab\t", "b": [1, None, True]}


@pytest.mark.django_db
@pytest.mark.parametrize("raw", UNSTORABLE)
def test_advice_api_answers_400_not_500(client, raw):
    response = client.post("/api/v1/advice", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_parse_json_body_rejects_absurd_nesting(depth):
    request = RequestFactory().post("/x", data="[" * depth + "]" * depth, content_type="application/json")
    with pytest.raises(BadRequestBody):
        parse_json_body(request)


@pytest.mark.django_db
def test_advice_api_deep_nesting_is_400(client):
    response = client.post("/api/v1/advice", data="[" * 200_000, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("raw", ['{"n": ' + "9" * 5000 + "}", '{"n": NaN}', '{"n": -Infinity}'])
def test_parse_json_body_rejects_huge_integers_and_non_json_constants(raw):
    request = RequestFactory().post("/x", data=raw, content_type="application/json")
    with pytest.raises(BadRequestBody):
        parse_json_body(request)


def test_cli_rejects_arguments_that_are_not_utf8(capsys):
    """`wegwijzer show $'\\xff'`: Python hands over a lone surrogate, which no database can take."""
    from wegwijzer.cli import main

    with pytest.raises(SystemExit) as info:
        main(["show", "jgz\udcff"])
    assert info.value.code == 2
    assert "UTF-8" in capsys.readouterr().err


def test_cli_non_utf8_argument_in_a_real_process_has_no_traceback(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    wegwijzer = Path(sys.executable).parent / "wegwijzer"
    env = {**os.environ, "WEGWIJZER_VAR_DIR": str(tmp_path)}
    for command in (["show"], ["search", "--json"]):
        result = subprocess.run([wegwijzer, *command, b"\xff\xfe"], capture_output=True, env=env, check=False)
        assert result.returncode == 2
        assert b"Traceback" not in result.stderr
        assert "UTF-8" in result.stderr.decode()


@pytest.mark.parametrize("options", [{"port": 99_999_999}, {"port": -5}, {"workers": 0}, {"threads": -1}])
def test_serve_rejects_impossible_numbers_with_a_dutch_message(options, monkeypatch):
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from gunicorn.app.base import BaseApplication

    def must_not_start(self):
        raise AssertionError("the server must not start")

    monkeypatch.setattr(BaseApplication, "run", must_not_start)

    with pytest.raises(CommandError) as info:
        call_command("serve", **options)
    assert "moet" in str(info.value)


def test_serve_with_a_bad_port_variable_gives_a_usage_error_not_a_traceback(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    wegwijzer = Path(sys.executable).parent / "wegwijzer"
    env = {**os.environ, "WEGWIJZER_VAR_DIR": str(tmp_path), "PORT": "abc"}
    result = subprocess.run(
        [wegwijzer, "serve"], capture_output=True, text=True, env=env, check=False, timeout=60
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "--port" in result.stderr


@pytest.mark.parametrize("command", [["content", "check"], ["users", "roles"]])
def test_commands_work_on_a_fresh_checkout_before_the_data_folder_exists(tmp_path, command):
    """The embedded default: commands that never migrate (content check, users roles) ran Django's system
    checks, which open the SQLite file, and failed with 'unable to open database file' without ./var."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    wegwijzer = Path(sys.executable).parent / "wegwijzer"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["WEGWIJZER_VAR_DIR"] = str(tmp_path / "not-yet-there")
    result = subprocess.run([wegwijzer, *command], capture_output=True, env=env, check=False)
    assert b"Traceback" not in result.stderr, result.stderr.decode()[-2000:]
    assert result.returncode == 0, result.stderr.decode()[-2000:]
