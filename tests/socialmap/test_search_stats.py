"""The privacy-safe store behind the search figures: a query is kept in plain text only from the fifth different
visitor on, nothing before that holds the text, personal-looking queries are never stored, everything goes after
90 days, and the search page writes nothing to the database per search."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.helpers import make_professional, verified_client
from wegwijzer.socialmap import search_stats, selectors
from wegwijzer.socialmap.models import SearchPending, SearchQuery, SearchQueryDay
from wegwijzer.socialmap.search_stats import looks_personal, normalise, search_seen

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_buffer():
    search_stats.search_stats_discard()
    yield
    search_stats.search_stats_discard()


def _seen(query: str, visitors: int, *, results: int = 0, prefix: str = "s", **kwargs) -> None:
    for i in range(visitors):
        search_seen(query=query, visitor=f"session:{prefix}{i}", results=results, **kwargs)


def _stored_text() -> str:
    """Every stored value of the three tables, as one text."""
    rows = [*SearchPending.objects.values_list(), *SearchQuery.objects.values_list(),
            *SearchQueryDay.objects.values_list()]
    return " ".join(str(v) for row in rows for v in row)


def test_four_visitors_keep_nothing_and_store_no_text():
    _seen("Zwangerschapsyoga Overvecht", 4)
    assert SearchQuery.objects.count() == 0
    assert SearchPending.objects.count() == 4
    assert SearchPending.objects.values("query_hash").distinct().count() == 1
    stored = _stored_text().lower()
    assert "zwangerschapsyoga" not in stored and "overvecht" not in stored and "session" not in stored


def test_the_fifth_visitor_keeps_the_query_with_all_five_searches():
    _seen("Zwangerschapsyoga  Overvecht!", 4)
    _seen("zwangerschapsyoga overvecht", 1, prefix="other")  # the same normalised query
    (kept,) = SearchQuery.objects.all()
    assert kept.text == "zwangerschapsyoga overvecht"
    (day,) = SearchQueryDay.objects.filter(query=kept)
    assert (day.searches, day.zero_results, day.day) == (5, 5, timezone.localdate())
    assert SearchPending.objects.count() == 0  # its hashes are no longer needed
    _seen("zwangerschapsyoga overvecht", 2, results=3, prefix="later")  # kept: counted straight away
    day.refresh_from_db()
    assert (day.searches, day.zero_results) == (7, 5)


def test_one_visitor_five_times_is_one_visitor():
    for _ in range(5):
        search_seen(query="kraamzorg", visitor="session:same", results=1)
    assert SearchQuery.objects.count() == 0
    (row,) = SearchPending.objects.all()
    assert (row.searches, row.zero_results) == (5, 0)


def test_a_logged_in_user_in_five_sessions_is_one_visitor():
    user = make_professional("zoeker-1")
    for i in range(5):
        search_seen(query="kraamzorg", visitor=search_stats.visitor_key(user=user, session_key=f"k{i}"), results=1)
    assert SearchQuery.objects.count() == 0
    assert SearchPending.objects.values("visitor_hash").distinct().count() == 1


def test_without_a_visitor_nothing_is_counted():
    for _ in range(6):
        search_seen(query="kraamzorg", visitor=None, results=0)
    assert search_stats.visitor_key(user=None, session_key=None) is None
    assert SearchPending.objects.count() == 0 and SearchQuery.objects.count() == 0


@pytest.mark.parametrize("query", [
    "jan.jansen@example.org", "mail naar j@x", "123456782", "bsn 1234.56.782", "123 456 782", "0612345678",
    "06-12345678", "+31 6 1234 5678", "030 - 123 45 67", "geboren 12-03-2024", "2024-03-12", "12/3/24",
    "3 maart 2024", "geboren op 14 jan", "kind van 1 december",
])
def test_personal_looking_queries_are_never_stored_not_even_as_hash(query):
    assert looks_personal(query)
    _seen(query, 6)
    assert SearchPending.objects.count() == 0 and SearchQuery.objects.count() == 0


@pytest.mark.parametrize("query", ["huilbaby 0-4 maanden", "kraamzorg 2026", "jgz 3581", "16 jaar zwanger"])
def test_ordinary_queries_with_numbers_are_counted(query):
    assert not looks_personal(query)
    _seen(query, 5)
    assert SearchQuery.objects.filter(text=normalise(query)).exists()


def test_with_a_filter_a_search_without_results_is_not_found_nothing():
    _seen("kraamzorg", 5, filtered=True)
    (day,) = SearchQueryDay.objects.all()
    assert (day.searches, day.zero_results) == (5, 0)


def test_purge_drops_what_is_older_than_ninety_days(settings):
    today = timezone.localdate()
    old, kept_day = today - timedelta(days=90), today - timedelta(days=89)
    SearchPending.objects.create(query_hash="a" * 64, visitor_hash="b" * 64, day=old, searches=1)
    SearchPending.objects.create(query_hash="a" * 64, visitor_hash="c" * 64, day=kept_day, searches=1)
    gone = SearchQuery.objects.create(query_hash="d" * 64, text="oud", kept_on=old)
    SearchQueryDay.objects.create(query=gone, day=old, searches=9)
    stays = SearchQuery.objects.create(query_hash="e" * 64, text="recent", kept_on=old)
    SearchQueryDay.objects.create(query=stays, day=old, searches=9)
    SearchQueryDay.objects.create(query=stays, day=kept_day, searches=6)
    assert search_stats.search_stats_purge(today=today) == {"pending": 1, "days": 2, "queries": 1}
    assert list(SearchPending.objects.values_list("day", flat=True)) == [kept_day]
    assert list(SearchQuery.objects.values_list("text", flat=True)) == ["recent"]
    assert list(SearchQueryDay.objects.values_list("searches", flat=True)) == [6]


def test_pending_hashes_older_than_the_window_do_not_count_towards_five():
    old = timezone.localdate() - timedelta(days=95)
    _seen("kraamzorg", 4)
    SearchPending.objects.update(day=old)  # four visitors, but long ago
    _seen("kraamzorg", 1, prefix="new")
    assert SearchQuery.objects.count() == 0


def test_searches_wait_in_the_buffer_and_are_written_in_one_go(settings, django_assert_num_queries):
    settings.SEARCH_STATS_FLUSH_SECONDS = 3600
    settings.SEARCH_STATS_FLUSH_RECORDS = 10
    with django_assert_num_queries(0):  # no database work in the search request
        _seen("kraamzorg", 6)
    assert SearchPending.objects.count() == 0
    assert search_stats.search_stats_flush() == 6
    assert SearchQuery.objects.filter(text="kraamzorg").exists()
    _seen("huilbaby", 9)
    assert SearchPending.objects.filter().count() == 0  # nine: still waiting
    _seen("huilbaby", 1, prefix="tenth")  # the tenth fills the buffer: written by this search
    assert SearchQuery.objects.filter(text="huilbaby").exists()


def test_search_as_you_type_counts_the_query_the_visitor_ended_with(settings):
    settings.SEARCH_STATS_FLUSH_SECONDS = 3600
    for i in range(5):
        for partial in ("zwan", "zwanger", "zwangerschap", "zwangerschapsyo", "zwangerschapsyoga"):
            search_seen(query=partial, visitor=f"session:t{i}", results=0)
    search_stats.search_stats_flush()
    assert list(SearchQuery.objects.values_list("text", flat=True)) == ["zwangerschapsyoga"]
    assert SearchQueryDay.objects.get().searches == 5
    assert SearchPending.objects.count() == 0


def test_the_search_page_records_a_logged_in_search_once(client):
    verified_client(client, make_professional("zoeker-2"))
    url = reverse("socialmap:search")
    client.get(url, {"q": "qqqzzz onvindbaar"})
    client.get(url, {"q": "qqqzzz onvindbaar", "pagina": "2"})  # another page of the same search
    (row,) = SearchPending.objects.all()
    assert (row.searches, row.zero_results) == (1, 1)


def test_the_search_page_does_not_record_a_visitor_without_a_session(client):
    client.get(reverse("socialmap:search"), {"q": "kraamzorg"})
    assert SearchPending.objects.count() == 0
    assert "sessionid" not in client.cookies  # no session is started for the statistics


def test_selectors_give_zero_result_queries_and_words():
    _seen("kraamzorg overvecht", 6, results=0)
    _seen("kraamzorg", 5, results=2, prefix="k")
    _seen("de huilbaby", 7, results=0, prefix="h")
    today = timezone.localdate()
    end = today + timedelta(days=1)
    assert selectors.search_zero_results(start=today, end_exclusive=end) == [
        ("de huilbaby", 7, 7), ("kraamzorg overvecht", 6, 6),
    ]
    assert selectors.search_words(start=today, end_exclusive=end) == [
        ("kraamzorg", 11), ("huilbaby", 7), ("overvecht", 6),  # "de" is a function word
    ]


def test_purge_command_reports_what_it_deleted():
    from io import StringIO

    from django.core.management import call_command

    SearchPending.objects.create(query_hash="a" * 64, visitor_hash="b" * 64,
                                 day=timezone.localdate() - timedelta(days=120), searches=1)
    out = StringIO()
    call_command("search_stats", "purge", stdout=out)
    assert "1 hash(es)" in out.getvalue() and SearchPending.objects.count() == 0
