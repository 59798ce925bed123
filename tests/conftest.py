"""Shared test fixtures. Each app's tests live in tests/<app>/, mirroring src/wegwijzer/<app>/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("WEGWIJZER_CHROMIUM", "/usr/bin/chromium")
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Test transactions roll back without signals: the search index must re-check the map every time.
    settings.SEARCH_STAMP_SECONDS = 0
    # The advice tally is written at once, inside the test's transaction; the spool has its own tests.
    settings.ADVICE_TALLY_FLUSH_SECONDS = 0
    # Search figures: a search is written at once too (tests/socialmap/test_search_stats.py tests the buffer).
    settings.SEARCH_STATS_FLUSH_SECONDS = 0


@pytest.fixture(autouse=True)
def _search_index_per_test(settings, tmp_path):
    """Each test gets its own on-disk search index (built in-process on its first search) and fresh
    snapshots: a test's writes roll back, and with them the change counter, so the next test may reach the
    same counter value with other records."""
    from wegwijzer.socialmap import snapshot

    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"
    settings.SEARCH_BUILD_IN_PROCESS = True
    settings.SEARCH_GC_FREEZE = False  # a full collection per opened index would cost the suite; tested on its own
    snapshot._entries.clear()


@pytest.fixture(autouse=True)
def _tasks_run_inline(settings):
    """Tasks run in-process on commit, as most tests expect (the mail is in mail.outbox at once). The
    database backend and its worker have their own tests (tests/core/test_tasks_database.py)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def content_copy(tmp_path, settings):
    """A private copy of the whole content folder as CONTENT_DIR (drafts, releases and publishing write to it),
    with the route guide's caches reset around the test. tests/routeguide/test_content.py has its own, smaller one."""
    from wegwijzer.routeguide import service

    target = tmp_path / "content"
    shutil.copytree(REPO / "content", target)
    settings.CONTENT_DIR = target
    settings.VAR_DIR = tmp_path / "var"
    service.reset_cache()
    yield target
    service.reset_cache()


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, but two-factor verified: the whole admin requires it."""
    from accounts.helpers import verified_client

    return verified_client(client, admin_user)


def _browser_available() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium niet gevonden op {CHROMIUM} (installeer Debian's 'chromium')"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright for Python is niet geïnstalleerd"
    if not AXE_JS.exists():
        return "axe-core ontbreekt in node_modules (draai 'make install')"
    return None


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Playwright; skipped with a clear message when absent (not in CI)."""
    reason = _browser_available()
    if reason:
        if os.environ.get("WEGWIJZER_REQUIRE_BROWSER") == "true":
            pytest.fail(f"Browsertest vereist maar niet mogelijk: {reason}")
        pytest.skip(f"Browsertest overgeslagen: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core on the current page; return the violations of the given impacts."""
    # Evaluated through the DevTools protocol: an injected <script> tag would be blocked by our CSP.
    page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;true")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


@pytest.fixture
def axe_violations_of():
    return axe_violations


@pytest.fixture
def assert_accessible():
    def check(page) -> None:
        violations = axe_violations(page)
        assert violations == [], f"axe-core violations on {page.url}: {violations}"

    return check
