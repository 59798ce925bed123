"""`wegwijzer users create|token|revoke|roles`."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wegwijzer.accounts.management.commands.users import Command
from wegwijzer.accounts.models import ApiToken, User
from wegwijzer.accounts.services import token_hash

from .helpers import make_professional

pytestmark = pytest.mark.django_db

GOOD = "Lange-zin-als-wachtwoord-77"


def _run(*args):
    """Run as from the command line (argv parsing, exit status, stderr) against the test database.

    run_from_argv closes all connections when done; keep the test's connection (and transaction) open.
    """
    from unittest import mock

    with mock.patch("django.core.management.base.connections.close_all"):
        Command().run_from_argv(["wegwijzer", "users", *args])


def test_create_with_password_from_environment(monkeypatch, capsys):
    monkeypatch.setenv("WEGWIJZER_PASSWORD", GOOD)
    _run("create", "ruth", "--role", "kraamzorg", "--email", "ruth@example.nl")
    user = User.objects.get(username="ruth")
    assert user.role == "kraamzorg" and user.check_password(GOOD) and user.email == "ruth@example.nl"
    assert "aangemaakt" in capsys.readouterr().out


def test_create_with_password_prompt_twice(monkeypatch):
    monkeypatch.delenv("WEGWIJZER_PASSWORD", raising=False)
    answers = iter([GOOD, GOOD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("users", "create", "sara", "--role", "jgz")
    assert User.objects.get(username="sara").check_password(GOOD)


def test_create_prompt_mismatch_is_refused(monkeypatch):
    monkeypatch.delenv("WEGWIJZER_PASSWORD", raising=False)
    answers = iter([GOOD, GOOD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="niet gelijk"):
        call_command("users", "create", "tom", "--role", "jgz")
    assert not User.objects.filter(username="tom").exists()


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--role", "tandarts"], GOOD, "Onbekende rol ‘tandarts’"),
        (["--role", "jgz", "--organisation", "nergens"], GOOD, "Onbekende organisatie ‘nergens’"),
        (["--role", "jgz"], "kort", "Het wachtwoord is te kort"),
        (["--role", "jgz"], "1234567890123", "niet alleen uit cijfers"),
    ],
)
def test_create_bad_input_exits_1_with_dutch_message(monkeypatch, capsys, args, password, message):
    monkeypatch.setenv("WEGWIJZER_PASSWORD", password)
    with pytest.raises(SystemExit) as excinfo:
        _run("create", "ursula", *args)
    assert excinfo.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("Fout: gebruiker niet aangemaakt.")
    assert message in err
    assert "Traceback" not in err
    assert not User.objects.filter(username="ursula").exists()


def test_missing_arguments_exit_1_in_dutch(capsys):
    with pytest.raises(SystemExit) as excinfo:
        _run("create", "vera")
    assert excinfo.value.code == 1
    assert "Fout: deze gegevens ontbreken: --role" in capsys.readouterr().err


def test_token_prints_the_raw_token_on_its_last_line(capsys):
    user = make_professional("wim")
    _run("token", "wim", "--days", "7")
    lines = capsys.readouterr().out.strip().splitlines()
    raw = lines[-1]
    token = ApiToken.objects.get(user=user)
    assert token.token_hash == token_hash(raw)
    assert len(lines) >= 2 and raw not in lines[0]
    assert (token.expires_at - token.created_at).days == 7


def test_token_works_for_the_api(client, capsys):
    from wegwijzer.accounts.auth import api_user

    user = make_professional("xander")
    call_command("users", "token", "xander")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    from django.test import RequestFactory

    assert api_user(RequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {raw}")) == user


def test_token_unknown_user_exits_1(capsys):
    with pytest.raises(SystemExit) as excinfo:
        _run("token", "niemand")
    assert excinfo.value.code == 1
    assert "Fout: gebruiker ‘niemand’ bestaat niet." in capsys.readouterr().err


def test_token_bad_days_exits_1(capsys):
    make_professional("yara")
    for days in ("0", "veel"):
        with pytest.raises(SystemExit) as excinfo:
            _run("token", "yara", "--days", days)
        assert excinfo.value.code == 1
    assert not ApiToken.objects.exists()


def test_revoke(capsys):
    user = make_professional("zoe")
    call_command("users", "token", "zoe")
    call_command("users", "token", "zoe")
    call_command("users", "revoke", "zoe")
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() == 0
    assert "2 token(s)" in capsys.readouterr().out


def test_roles_lists_codes(capsys):
    call_command("users", "roles")
    out = capsys.readouterr().out
    assert "verloskundige\t" in out and "beleid\t" in out


def test_real_command_line_exit_status_and_last_line(tmp_path):
    """The installed `wegwijzer` script, in a fresh embedded database: exit 1 + Dutch, token on the last line."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).with_name("wegwijzer")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"WEGWIJZER_VAR_DIR": str(tmp_path), "WEGWIJZER_PASSWORD": GOOD, "PYTHONWARNINGS": "ignore"})

    def run(*args):
        return subprocess.run([str(script), *args], env=env, capture_output=True, text=True, timeout=120)

    assert run("migrate", "-v", "0").returncode == 0
    bad = run("users", "create", "lisa", "--role", "tandarts")
    assert bad.returncode == 1
    assert "Onbekende rol ‘tandarts’" in bad.stderr and "Traceback" not in bad.stderr
    assert run("users", "create", "lisa", "--role", "jgz").returncode == 0
    token = run("users", "token", "lisa")
    assert token.returncode == 0
    last = token.stdout.strip().splitlines()[-1]
    assert last.startswith("ww_") and " " not in last


def test_create_prints_a_working_enrolment_code_on_the_last_line(monkeypatch, capsys):
    from wegwijzer.accounts.services import enrolment_code_check

    monkeypatch.setenv("WEGWIJZER_PASSWORD", GOOD)
    _run("create", "uma", "--role", "jgz")
    out = capsys.readouterr().out.strip().splitlines()
    raw = out[-1]
    assert "inschrijfcode" in out[-2] and f"?code={raw}" in out[-2]
    assert enrolment_code_check(user=User.objects.get(username="uma"), raw=raw)[0] == "ok"


def test_enrolment_reissues_and_reset_removes_the_lost_phone(capsys):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from wegwijzer.accounts.services import enrolment_code_check

    user = make_professional("vera")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    with pytest.raises(CommandError, match="heeft al een authenticator-app"):
        call_command("users", "enrolment", "vera")
    assert TOTPDevice.objects.filter(user=user).exists()
    call_command("users", "enrolment", "vera", "--reset", "--days", "2")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert enrolment_code_check(user=user, raw=raw)[0] == "ok"
    with pytest.raises(CommandError, match="1 tot 90 dagen"):
        call_command("users", "enrolment", "vera", "--days", "0")
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command("users", "enrolment", "niemand")



def test_command_answer_on_stdout_log_lines_on_stderr(monkeypatch, capsys, settings):
    """Issue 12: JSON log lines appeared on standard output after the Dutch message of `users create`."""
    import logging.config

    loggers = {name: logging.getLogger(name) for name in settings.LOGGING["loggers"]}
    saved = {name: list(logger.handlers) for name, logger in loggers.items()}
    logging.config.dictConfig(settings.LOGGING)  # binds the handler to the (captured) sys.stderr now
    try:
        monkeypatch.setenv("WEGWIJZER_PASSWORD", GOOD)
        _run("create", "stdout-test", "--role", "jgz")
        out, err = capsys.readouterr()
    finally:  # the process's own handlers again, not ones bound to this test's capture
        for name, logger in loggers.items():
            logger.handlers = saved[name]
    assert out.startswith("Gebruiker ‘stdout-test’ aangemaakt") and '"event_id"' not in out
    assert '"action": "user_create"' in err
