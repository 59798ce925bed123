"""core.pagination: one reading of ?pagina= and one set of page links for every paged web page."""

from __future__ import annotations

import pytest
from django.utils import translation

from wegwijzer.core.pagination import page_links, page_number, past_last_notice


@pytest.fixture(autouse=True)
def _dutch():
    with translation.override("nl"):
        yield


@pytest.mark.parametrize(("raw", "page"), [(None, 1), ("", 1), ("  ", 1), ("1", 1), ("7", 7), (" 12 ", 12), (3, 3)])
def test_a_page_number_is_read_without_a_notice(raw, page):
    assert page_number(raw) == (page, "")


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "2.5", "1e3", "9999999", "٣", "x" * 50])
def test_anything_else_is_page_1_with_a_notice_that_quotes_it_shortened(raw):
    page, notice = page_number(raw)
    assert page == 1
    assert notice.startswith("Het paginanummer “") and notice.endswith("we tonen pagina 1.")
    assert f"“{raw[:20]}”" in notice  # quoted, at most 20 characters of it


def test_past_the_last_page_names_both_numbers():
    assert past_last_notice(9, 3) == "Pagina 9 bestaat niet; er zijn 3 pagina’s. We tonen de laatste."


def test_links_are_a_window_of_three_either_side_with_previous_and_next():
    links = page_links(5, 20, lambda n: f"p={n}")
    assert [p["number"] for p in links["pages"]] == [2, 3, 4, 5, 6, 7, 8]
    assert [p["number"] for p in links["pages"] if p["current"]] == [5]
    assert (links["has_previous"], links["previous_query"], links["has_next"], links["next_query"]) == (
        True, "p=4", True, "p=6",
    )


def test_links_at_the_edges_have_no_previous_or_next():
    first = page_links(1, 2, lambda n: "" if n == 1 else f"pagina={n}")
    assert (first["has_previous"], first["has_next"], first["next_query"]) == (False, True, "pagina=2")
    last = page_links(2, 2, lambda n: "" if n == 1 else f"pagina={n}")
    # Page 1's query may be empty (the bare page): "previous" still shows.
    assert (last["has_previous"], last["previous_query"], last["has_next"]) == (True, "", False)
    assert page_links(1, 1, str)["pages"] == [{"number": 1, "query": "1", "current": True}]
