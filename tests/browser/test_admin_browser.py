"""The admin (/beheer/) in a real browser: every registered model's list, add, change and history page is
Dutch and has no serious or critical axe-core violations, including the widgets Django's JavaScript builds
(filter_horizontal, autocomplete, date shortcuts)."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib import admin

from accounts.helpers import browser_log_in, confirmed_device, make_superuser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Words of Django's English admin that must not show when the admin is Dutch.
ENGLISH = re.compile(r"\b(Save and|Delete|History|Today|Now|Choose all|Remove all|Django administration|"
                     r"Search|Add another|Change password|Log out|View site)\b")

ATTRIBUTE_TEXT = """() => [...document.querySelectorAll('[aria-label], img[alt], [title]')]
    .map(e => [e.getAttribute('aria-label'), e.getAttribute('alt'), e.getAttribute('title')].join(' ')).join(' ')"""


def _admin_urls() -> list[str]:
    urls = ["/beheer/"]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        base = f"/beheer/{meta.app_label}/{meta.model_name}/"
        urls.append(base)
        if model_admin.has_add_permission(_Superuser()):
            urls.append(base + "add/")
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls += [f"{base}{first.pk}/change/", f"{base}{first.pk}/history/"]
    return urls


class _Superuser:
    """Enough of a request for has_add_permission (which only looks at request.user)."""

    class user:  # noqa: N801 - mimics request.user
        is_active = is_staff = is_superuser = True
        is_verified = staticmethod(lambda: True)

        @staticmethod
        def has_perm(perm, obj=None):
            return True


def test_every_admin_page_is_dutch_and_accessible(browser, live_server, axe_violations_of):
    from wegwijzer.socialmap.content import load

    load(if_empty=False, replace=True)
    user = make_superuser()
    device = confirmed_device(user)
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/beheer/")
        browser_log_in(page, user, device)
        page.wait_for_url("**/beheer/")
        problems = {}
        visited = 0
        for url in _admin_urls():
            response = page.goto(live_server.url + url)
            assert response is not None and response.status == 200, url
            page.wait_for_load_state("load")
            visited += 1
            found = axe_violations_of(page)
            names = page.evaluate(ATTRIBUTE_TEXT)  # what a screen reader reads besides the visible text
            english = ENGLISH.findall(page.inner_text("body") + " " + names)
            if found or english:
                problems[url] = {"axe": found, "english": sorted(set(english))}
        assert visited > 20
        if problems:
            pytest.fail("admin pages with problems:\n" + json.dumps(problems, indent=1, ensure_ascii=False))
    finally:
        context.close()


def test_the_date_shortcut_is_named_in_dutch(browser, live_server):
    user = make_superuser()
    device = confirmed_device(user)
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    try:
        page.goto(live_server.url + f"/beheer/accounts/user/{user.pk}/change/")
        browser_log_in(page, user, device)
        page.wait_for_load_state("load")
        shortcut = page.locator(".field-date_joined .datetimeshortcuts a[role='button']").first
        assert shortcut.inner_text() == "Vandaag"
        assert shortcut.get_attribute("aria-label").startswith("Vandaag (")
    finally:
        context.close()
