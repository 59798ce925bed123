"""The English catalogue is complete and compiled, and pages render in English under /en/.

Dutch is the source language; English (the /en/ prefix) must never fall back to Dutch for a string the
code wraps in gettext. Content from the YAML files (records, rules, help texts) is data and stays Dutch.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

import wegwijzer

LC_MESSAGES = Path(wegwijzer.__file__).resolve().parent / "locale" / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

PLACEHOLDER = re.compile(r"%\([A-Za-z_]+\)[sdr]|%[sdr]|\{[A-Za-z_]*\}")


def _entries() -> list[dict]:
    """A simple .po reader: one dict per entry with flags, msgid, msgid_plural and msgstr(s)."""
    entries = []
    for block in PO.read_text(encoding="utf-8").strip().split("\n\n"):
        entry: dict = {"flags": set(), "msgstr": {}}
        field = None
        obsolete = False
        for line in block.splitlines():
            if line.startswith("#~"):
                obsolete = True
            elif line.startswith("#,"):
                entry["flags"].update(f.strip() for f in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif m := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (".*")$', line):
                field = m.group(1)
                value = ast.literal_eval(m.group(3))
                if field.startswith("msgstr"):
                    field = ("msgstr", int(m.group(2) or 0))
                    entry["msgstr"][field[1]] = value
                else:
                    entry[field] = value
            elif line.startswith('"') and field is not None:
                value = ast.literal_eval(line)
                if isinstance(field, tuple):
                    entry["msgstr"][field[1]] += value
                else:
                    entry[field] += value
        if not obsolete and entry.get("msgid"):
            entries.append(entry)
    return entries


def test_catalogue_has_entries():
    # Guards the tests below against a reader that silently finds nothing.
    assert len(_entries()) > 500


def test_no_untranslated_entries():
    untranslated = [
        e["msgid"] for e in _entries() if not e["msgstr"] or any(not s for s in e["msgstr"].values())
    ]
    assert untranslated == [], f"{len(untranslated)} untranslated: {untranslated[:10]}"


def test_no_fuzzy_entries():
    fuzzy = [e["msgid"] for e in _entries() if "fuzzy" in e["flags"]]
    assert fuzzy == [], f"fuzzy entries (check, then drop the flag): {fuzzy[:10]}"


def test_placeholders_are_preserved():
    wrong = []
    for e in _entries():
        for i, msgstr in e["msgstr"].items():
            source = e.get("msgid_plural", e["msgid"]) if i else e["msgid"]
            if sorted(set(PLACEHOLDER.findall(source))) != sorted(set(PLACEHOLDER.findall(msgstr))):
                wrong.append((e["msgid"], msgstr))
    assert wrong == []


def test_html_in_messages_is_kept():
    """Links inside a message keep their markup (and a placeholder href stays a placeholder)."""
    wrong = [
        e["msgid"]
        for e in _entries()
        if e["msgstr"] and re.findall(r"</?\w+", e["msgid"]) != re.findall(r"</?\w+", e["msgstr"][0])
    ]
    assert wrong == []


def test_compiled_catalogue_matches_po():
    """django.mo is compiled from the current django.po (compilemessages was run after the last edit)."""
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [
        e["msgid"]
        for e in _entries()
        if "msgid_plural" not in e and "msgctxt" not in e and compiled.gettext(e["msgid"]) != e["msgstr"][0]
    ]
    assert stale == [], f"run `wegwijzer compilemessages`; stale: {stale[:10]}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) not installed")
def test_msgfmt_check_and_statistics():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"^\d+ translated messages\.$", result.stderr.strip().splitlines()[-1]), result.stderr


@pytest.mark.skipif(shutil.which("msgattrib") is None, reason="GNU gettext (msgattrib) not installed")
def test_every_wrapped_string_of_the_code_is_in_the_catalogue(tmp_path):
    """The checks above read the catalogue; this one reads the code: `makemessages` over a copy of the package
    finds every gettext call and template tag, and none of them may be missing (new or only fuzzy-matched) in
    the English catalogue, or /en/ would show Dutch."""
    package = Path(wegwijzer.__file__).resolve().parent
    copy = tmp_path / "wegwijzer"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo"))
    made = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-obsolete", "--no-location"],
        cwd=copy, capture_output=True, text=True, check=False,
    )
    assert made.returncode == 0, made.stderr
    po = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    missing = []
    for option in ("--untranslated", "--only-fuzzy"):
        listed = subprocess.run(["msgattrib", option, "--no-wrap", str(po)], capture_output=True, text=True, check=True)
        missing += [m for m in re.findall(r'^msgid "(.*)"$', listed.stdout, re.M) if m]
    assert missing == [], f"{len(missing)} strings lack an English translation, e.g. {missing[:10]}"


# --- pages -----------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _dutch():
    """Each test starts in Dutch: an /en/ request leaves English active in the test thread."""
    with translation.override("nl"):
        yield


def _h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, "page has no <h1>"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).strip()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "heading", "english_text"),
    [
        ("/en/", "Who does what in the first 1000 days?", "Skip to content"),
        ("/en/route/", "Route guide: which route fits your concerns?", "There are 5 short screens"),
        ("/en/route/stap/fase/", "Phase and timing", "Which phase is the family in?"),
        ("/en/account/inloggen/", "Log in", "two-step verification"),
    ],
)
def test_pages_render_in_english(client, url, heading, english_text):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert _h1(html) == heading
    assert english_text in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/", "Wie doet wat in de eerste 1000 dagen?"),
        ("/route/", "Routewijzer: welke route past bij uw zorgen?"),
        ("/account/inloggen/", "Inloggen"),
    ],
)
def test_same_pages_stay_dutch_without_prefix(client, url, heading):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl"' in html
    assert _h1(html) == heading


@pytest.mark.django_db
def test_login_error_is_english(client):
    response = client.post("/en/account/inloggen/", {"username": "nobody", "password": "wrong"})
    assert response.status_code == 400  # the form re-rendered with its error
    assert "The username or password is incorrect." in response.content.decode()
