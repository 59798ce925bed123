"""core.prepared: a query compiled once answers exactly what the same queryset answers, for any parameters."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wegwijzer.core.prepared import PreparedQuery
from wegwijzer.gezinsplan.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()


def _build(username, joined):
    return User.objects.filter(username=username, date_joined__lte=joined).order_by("pk")


USERS = PreparedQuery(
    _build, username=User._meta.get_field("username"), joined=User._meta.get_field("date_joined")
)


def test_same_rows_as_the_queryset_for_changing_parameters():
    now = timezone.now()
    old = User.objects.create(username="ann", date_joined=now - dt.timedelta(days=3))
    User.objects.create(username="bob", date_joined=now)
    for username, joined in [("ann", now), ("bob", now), ("bob", now - dt.timedelta(days=1)), ("nobody", now)]:
        expected = list(_build(username, joined))
        got = USERS.all(username=username, joined=joined)
        assert [u.pk for u in got] == [u.pk for u in expected]
        assert [u.date_joined for u in got] == [u.date_joined for u in expected]  # converters applied
    assert USERS.first(username="ann", joined=now).pk == old.pk
    assert USERS.first(username="ann", joined=now - dt.timedelta(days=4)) is None


def test_compiled_once_one_query_per_call():
    User.objects.create(username="cas")
    USERS.all(username="cas", joined=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        USERS.all(username="cas", joined=timezone.now())
    assert len(queries) == 1


def test_other_threads_use_their_own_connection():
    User.objects.create(username="dirk")
    seen: list[object] = []

    def read() -> None:
        seen.append([u.username for u in USERS.all(username="dirk", joined=timezone.now())])
        from django.db import connections

        connections.close_all()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert seen == [["dirk"]]


def test_select_related_is_populated():
    query = PreparedQuery(
        lambda user_id: Membership.objects.filter(user_id=user_id).select_related("gezinsplan"),
        user_id=Membership._meta.get_field("user").target_field,
    )
    assert query.all(user_id=123456) == []


def test_a_parameter_that_does_not_reach_the_sql_fails_loudly():
    query = PreparedQuery(lambda username: User.objects.all(), username=User._meta.get_field("username"))
    with pytest.raises(ValueError, match="username"):
        query.all(username="x")


def test_wrong_parameter_names_are_refused():
    with pytest.raises(TypeError):
        USERS.all(username="x")


def _values_build(username, joined):
    return _build(username, joined).values_list("pk", "username", "date_joined", "is_active")


USER_VALUES = PreparedQuery(
    _values_build, username=User._meta.get_field("username"), joined=User._meta.get_field("date_joined")
)


def test_rows_of_a_values_list_shape_equal_the_querysets_tuples():
    now = timezone.now()
    User.objects.create(username="eva", date_joined=now - dt.timedelta(days=2), is_active=False)
    for username, joined in [("eva", now), ("eva", now - dt.timedelta(days=3)), ("nobody", now)]:
        expected = list(_values_build(username, joined))
        got = USER_VALUES.rows(username=username, joined=joined)
        assert got == expected
        assert all(isinstance(row, tuple) for row in got)
    (row,) = USER_VALUES.rows(username="eva", joined=now)
    assert row[2].tzinfo is not None and row[3] is False  # the datetime and boolean converters ran
