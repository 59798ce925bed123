"""The web page "Mijn gezinsplannen" in pages (issue 9): the open or the closed cases, 25 at a time, newest
first; only the cases on the page are shown and logged; a malformed or too-high page number shows page 1 or
the last page with a notice, never an error."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.helpers import verified_client
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.gezinsplan import selectors, services
from wegwijzer.gezinsplan.models import Gezinsplan
from wegwijzer.gezinsplan.selectors import CASES_PER_WEB_PAGE

from .factories import make_case, professional

pytestmark = pytest.mark.django_db

URL = reverse("gezinsplan:my-gezinsplannen")


@pytest.fixture
def busy():
    """A professional in 60 open and 3 closed cases."""
    user = professional("druk", role="buurtteam-jeugd-gezin", organization_slug="buurtteam")
    for i in range(63):
        make_case(user, label=f"Gezin Nummer{i:02d}")
    for case in Gezinsplan.objects.order_by("created_at")[:3]:
        services.gezinsplan_close(actor=user, gezinsplan=case)
    return user


def _labels(html: str) -> list[str]:
    return re.findall(r"Gezin Nummer\d\d", html)


def _newest_first(status_open: bool) -> list[str]:
    cases = Gezinsplan.objects.order_by("-created_at", "pk")
    cases = cases.filter(status="open") if status_open else cases.exclude(status="open")
    return list(cases.values_list("label", flat=True))


def _listed(user) -> list[str]:
    return list(
        AccessLogEntry.objects.filter(user_id=user.pk, action="read", detail="lijst").values_list("gezinsplan_id", flat=True)
    )


def test_the_first_page_shows_and_logs_the_25_newest_open_cases(client, busy):
    web = verified_client(client, busy)
    before = len(_listed(busy))
    html = web.get(URL).content.decode()
    assert _labels(html) == _newest_first(True)[:CASES_PER_WEB_PAGE]
    assert "Gezinsplan 1–25 van 60." in html
    assert 'href="?pagina=2"' in html and 'rel="next"' in html and 'rel="prev"' not in html
    assert "Open (60)" in html and 'href="?status=gesloten"' in html and "Gesloten (3)" in html
    logged = _listed(busy)[before:]
    shown = set(Gezinsplan.objects.filter(label__in=_labels(html)).values_list("id", flat=True))
    assert {str(pk) for pk in shown} == set(logged) and len(logged) == CASES_PER_WEB_PAGE


def test_the_last_page_holds_the_rest_numbered_on(client, busy):
    web = verified_client(client, busy)
    html = web.get(URL, {"pagina": 3}).content.decode()
    assert _labels(html) == _newest_first(True)[50:]
    assert '<ol class="utrecht-ordered-list ww-case-list" start="51">' in html
    assert 'href="?pagina=2"' in html and 'rel="next"' not in html
    assert 'aria-current="page"><span class="ww-visually-hidden">Pagina </span>3' in html


@pytest.mark.parametrize(
    ("asked", "shown", "notice"),
    [
        ("9", 3, "Pagina 9 bestaat niet; er zijn 3 pagina’s. We tonen de laatste."),
        ("abc", 1, "Het paginanummer “abc” bestaat niet; we tonen pagina 1."),
        ("0", 1, "Het paginanummer “0” bestaat niet; we tonen pagina 1."),
        ("-2", 1, "Het paginanummer “-2” bestaat niet; we tonen pagina 1."),
        ("99999999999", 1, "bestaat niet; we tonen pagina 1."),
    ],
)
def test_a_page_that_does_not_exist_shows_a_real_one_with_a_notice(client, busy, asked, shown, notice):
    response = verified_client(client, busy).get(URL, {"pagina": asked})
    assert response.status_code == 200
    html = response.content.decode()
    assert notice in html
    first = (shown - 1) * CASES_PER_WEB_PAGE
    assert _labels(html) == _newest_first(True)[first : first + CASES_PER_WEB_PAGE]


def test_the_closed_list_is_its_own_view_with_its_own_pages(client, busy):
    web = verified_client(client, busy)
    html = web.get(URL, {"status": "gesloten"}).content.decode()
    assert _labels(html) == _newest_first(False)
    assert "Gesloten gezinsplannen" in html and "gesloten " in html
    assert 'href="?"' in html  # back to the open list
    assert "Nieuw gezinsplan zonder routeadvies" not in html
    assert 'class="utrecht-pagination"' not in html  # 3 cases: one page


@pytest.fixture
def archive():
    """A professional in 27 closed cases and no open one: two pages of the closed list."""
    user = professional("archief")
    for i in range(CASES_PER_WEB_PAGE + 2):
        services.gezinsplan_close(actor=user, gezinsplan=make_case(user, label=f"Gezin Nummer{i:02d}"))
    return user


def test_the_second_page_of_the_closed_list_counts_and_numbers_on(archive):
    page = selectors.gezinsplan_list_page_read(context=None, user=archive, closed=True, page=2)
    assert (page.open_count, page.closed_count, page.page, page.total_pages) == (0, 27, 2, 2)
    assert len(page.results) == 2 and page.first_number == 26 and page.last_number == 27


def test_the_closed_lists_links_carry_the_status(client, archive):
    html = verified_client(client, archive).get(URL, {"status": "gesloten"}).content.decode()
    assert 'href="?status=gesloten&amp;pagina=2"' in html


def test_no_closed_cases_no_switch_and_an_empty_closed_list_says_so(client):
    user = professional("nieuw")
    make_case(user, label="Gezin Nummer01")
    web = verified_client(client, user)
    html = web.get(URL).content.decode()
    assert "Gesloten (" not in html and _labels(html) == ["Gezin Nummer01"]
    html = web.get(URL, {"status": "gesloten"}).content.decode()
    assert "U heeft geen gesloten gezinsplannen." in html and _labels(html) == []


def test_head_shows_nothing_new_in_the_log(client, busy):
    web = verified_client(client, busy)
    before = AccessLogEntry.objects.count()
    assert web.head(URL, {"pagina": 2}).status_code == 200
    assert AccessLogEntry.objects.count() == before


def test_a_professional_in_no_case_sees_an_empty_list_and_logs_nothing(client):
    user = professional("leeg")
    before = AccessLogEntry.objects.filter(detail="lijst").count()
    html = verified_client(client, user).get(URL, {"pagina": 4}).content.decode()
    assert "U bent (nog) geen lid van een open gezinsplan." in html
    assert "bestaat niet" not in html  # page 4 of nothing: the empty list says enough
    assert AccessLogEntry.objects.filter(detail="lijst").count() == before


def test_the_list_in_english(client, busy):
    from django.utils import translation

    try:
        html = verified_client(client, busy).get("/en/gezinsplan/", {"pagina": "x"}).content.decode()
    finally:
        translation.activate("nl")  # an /en/ request leaves English active in the test thread
    assert "Open (60)" in html and "Closed (3)" in html and "Family plan 1–25 of 60." in html
    assert 'aria-label="Pages of the family plans"' in html and 'aria-label="Open or closed family plans"' in html
    assert "Next" in html and "Het paginanummer" not in html  # the notice is English too
