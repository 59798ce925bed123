"""Issue 7 (a): every date and datetime the gezinsplan accepts goes through wegwijzer.core.dates (years
1900–2100). The attack payloads that stored year-0 timestamps (unreadable by psycopg, so 15 pages of the
case answered 500 on PostgreSQL) are now a 400 naming the field, with nothing stored, on both databases;
`wegwijzer dates check` finds rows already out of range."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from accounts.helpers import bearer, verified_client
from wegwijzer.core import dates
from wegwijzer.gezinsplan import services
from wegwijzer.gezinsplan.models import Agreement, Consent, Meeting, Membership

from .factories import membership
from .test_views import page_urls

pytestmark = pytest.mark.django_db
API = "/api/v1"
RANGE_MESSAGE = "Kies een datum tussen 1900 en 2100."


def api(client, method, path, user, body):
    return getattr(client, method)(
        API + path, data=json.dumps(body), content_type="application/json", **bearer(user)
    )


# ---- the parser ----


def test_parse_datetime_naive_is_amsterdam_and_result_is_utc():
    winter = dates.parse_datetime("2026-01-15T10:00:00")
    summer = dates.parse_datetime("2026-07-15T10:00:00")
    assert winter == dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.UTC) and winter.tzinfo is dt.UTC
    assert summer == dt.datetime(2026, 7, 15, 8, 0, tzinfo=dt.UTC)
    assert dates.parse_datetime("2026-07-15T10:00:00+14:00") == dt.datetime(2026, 7, 14, 20, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00+14:00",  # the attack: year 0 in UTC
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59-12:00",  # would overflow beyond year 9999 in UTC
        "1899-12-31T23:59:59+00:00",
        "1900-01-01T00:30:00+01:00",  # 1899-12-31 23:30 UTC
        "2101-01-01T00:00:00+00:00",
        "2100-12-31T23:30:00-01:00",  # 2101-01-01 00:30 UTC
    ],
)
def test_parse_datetime_out_of_range_is_a_dutch_error(value):
    with pytest.raises(dates.DateError) as exc:
        dates.parse_datetime(value)
    assert exc.value.message == RANGE_MESSAGE


@pytest.mark.parametrize("value", ["gisteren", "", "2026-13-01T10:00", "2026-02-30", 20260101, None, ["x"]])
def test_parse_datetime_unreadable_is_a_dutch_error(value):
    with pytest.raises(dates.DateError) as exc:
        dates.parse_datetime(value)
    assert "JJJJ-MM-DD" in exc.value.message


def test_parse_date_bounds():
    assert dates.parse_date("1900-01-01") == dt.date(1900, 1, 1)
    assert dates.parse_date("2100-12-31") == dt.date(2100, 12, 31)
    for value in ("1899-12-31", "2101-01-01", "0001-01-01", "9999-12-31"):
        with pytest.raises(dates.DateError, match="1900 en 2100"):
            dates.parse_date(value)
    for value in ("31-12-2026", "2026-02-30", "", 5):
        with pytest.raises(dates.DateError, match="JJJJ-MM-DD"):
            dates.parse_date(value)


def test_validator_for_models_and_forms():
    dates.validate_date_range(None)
    dates.validate_date_range(dt.date(2026, 1, 1))
    dates.validate_date_range(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    naive_year_one = dt.datetime(1, 1, 1)  # noqa: DTZ001 - naive on purpose (read as Amsterdam time)
    for value in (dt.date(1, 1, 1), naive_year_one, dt.datetime(9999, 1, 1, tzinfo=dt.UTC)):
        with pytest.raises(ValidationError):
            dates.validate_date_range(value)


# ---- the API: every date field, the attack payloads first ----


def _member_add(team, value, field):
    return f"/gezinsplannen/{team.gezinsplan.pk}/members", {"username": team.other.username, field: value}


def _date_cases(team):
    """(method, path, body, field) for every date/datetime field the plans API accepts."""
    c = f"/gezinsplannen/{team.gezinsplan.pk}"
    decision = team.meeting.decisions.first()
    assert decision is not None
    return {
        "members.valid_from": lambda v: (
            "post",
            f"{c}/members",
            {"username": team.other.username, "valid_from": v},
        ),
        "members.valid_to": lambda v: (
            "post",
            f"{c}/members",
            {"username": team.other.username, "valid_to": v},
        ),
        "meetings.starts_at": lambda v: ("post", f"{c}/meetings", {"starts_at": v}),
        "agreements.due_date": lambda v: ("post", f"{c}/agreements", {"what": "x", "due_date": v}),
        "agreement.due_date": lambda v: ("patch", f"{c}/agreements/{team.agreement.pk}", {"due_date": v}),
        "consents.given_on": lambda v: (
            "post",
            f"{c}/consents",
            {"what": "x", "with_whom": "y", "given_on": v},
        ),
        "consent.withdrawn_on": lambda v: (
            "post",
            f"{c}/consents/{team.consent.pk}/withdraw",
            {"withdrawn_on": v},
        ),
        "meeting.agreements.due_date": lambda v: (
            "post",
            f"{c}/meetings/{team.meeting.pk}/agreements",
            {"items": [{"decision": decision.pk, "due_date": v}]},
        ),
    }


def _stored(team):
    """Everything a date write could have stored, to compare before/after."""
    return (
        list(Membership.objects.filter(gezinsplan=team.gezinsplan).values_list("pk", "valid_from", "valid_to")),
        list(Meeting.objects.filter(gezinsplan=team.gezinsplan).values_list("pk", "starts_at")),
        list(Agreement.objects.filter(gezinsplan=team.gezinsplan).values_list("pk", "due_date")),
        list(Consent.objects.filter(gezinsplan=team.gezinsplan).values_list("pk", "given_on", "withdrawn_on")),
    )


DATETIME_FIELDS = {"members.valid_from", "members.valid_to", "meetings.starts_at"}
BAD_DATETIMES = [
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00",
    "9999-12-31T23:59:59-12:00",
    "1899-06-01T10:00",
]
BAD_DATES = ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31", "morgen"]


@pytest.mark.parametrize(
    "name",
    [
        "members.valid_from",
        "members.valid_to",
        "meetings.starts_at",
        "agreements.due_date",
        "agreement.due_date",
        "consents.given_on",
        "consent.withdrawn_on",
        "meeting.agreements.due_date",
    ],
)
def test_every_api_date_field_refuses_out_of_range_with_400_naming_the_field(client, team, name):
    build = _date_cases(team)[name]
    field = name.rsplit(".", 1)[1]
    before = _stored(team)
    for value in BAD_DATETIMES if name in DATETIME_FIELDS else BAD_DATES:
        method, path, body = build(value)
        response = api(client, method, path, team.member, body)
        assert response.status_code == 400, (value, response.content)
        data = response.json()
        key = f"items.{field}" if name.startswith("meeting.agreements") else field
        assert key in data["errors"], data
        assert field in data["detail"]
        assert all(m for m in data["errors"][key])
    assert _stored(team) == before


def test_the_attack_leaves_every_case_page_and_endpoint_working(client, team, read_paths):
    """Both payloads of the report, then every page (web) and every GET endpoint (API) still answers 200."""
    c = f"/gezinsplannen/{team.gezinsplan.pk}"
    r = api(
        client,
        "post",
        f"{c}/members",
        team.member,
        {"username": team.other.username, "valid_from": "0001-01-01T00:00:00+14:00"},
    )
    assert r.status_code == 400 and r.json()["errors"]["valid_from"] == [RANGE_MESSAGE]
    r = api(client, "post", f"{c}/meetings", team.colleague, {"starts_at": "0001-01-01T00:00:00"})
    assert r.status_code == 400 and r.json()["errors"]["starts_at"] == [RANGE_MESSAGE]
    assert not Membership.objects.filter(gezinsplan=team.gezinsplan, user=team.other).exists()
    assert Meeting.objects.filter(gezinsplan=team.gezinsplan).count() == 1
    web = verified_client(client, team.member)
    for page in page_urls(team):
        assert web.get(page).status_code == 200, page
    token = bearer(team.member)
    for path in read_paths(team):
        assert client.get(f"{API}{c}{path}", **token).status_code == 200, path
    # And a member can still be removed (was a 500 after the attack).
    r = client.delete(f"{API}{c}/members/{team.colleague.username}", **token)
    assert r.status_code == 200


def test_services_refuse_out_of_range_dates_from_any_caller(team):
    """Defence in depth: the model fields carry the validator, so a direct service call is refused too."""
    with pytest.raises(ValidationError) as exc:
        services.member_add(
            actor=team.member,
            gezinsplan=team.gezinsplan,
            username=team.other.username,
            valid_from=dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        )
    assert "valid_from" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.meeting_plan(
            actor=team.member, gezinsplan=team.gezinsplan, starts_at=dt.datetime(2101, 1, 2, tzinfo=dt.UTC)
        )
    assert "starts_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.consent_record(
            actor=team.member, gezinsplan=team.gezinsplan, what="x", with_whom="y", given_on=dt.date(1899, 1, 1)
        )
    assert "given_on" in exc.value.message_dict
    assert not Membership.objects.filter(gezinsplan=team.gezinsplan, user=team.other).exists()


# ---- the web forms ----


def _web(team, name, **kwargs):
    return reverse(f"gezinsplan:{name}", kwargs={"gezinsplan_id": team.gezinsplan.pk, **kwargs})


@pytest.mark.parametrize("value", ["0001-01-01", "1899-12-31", "2101-01-01", "31-12-9999"])
def test_every_web_date_field_refuses_out_of_range_with_a_form_error(client, team, value):
    web = verified_client(client, team.member)
    m = membership(team.gezinsplan, team.member)
    decision = team.meeting.decisions.first()
    assert decision is not None
    before = _stored(team)
    posts = [
        (_web(team, "team"), {"username": team.other.username, "valid_to": value}, "valid_to"),
        (_web(team, "agreements"), {"what": "x", "due_date": value}, "due_date"),
        (_web(team, "consent"), {"what": "x", "with_whom": "y", "given_on": value}, "given_on"),
        (
            _web(team, "meetings"),
            {"date": value, "time": "10:00", "duration_minutes": 60, "participants": [str(m.pk)]},
            "date",
        ),
        (
            _web(team, "meeting", meeting_id=team.meeting.pk),
            {"decision": decision.pk, "due_date": value},
            "due_date",
        ),
    ]
    for path, data, field in posts:
        response = web.post(path, data)
        assert response.status_code == 400, (path, field)
        form_html = response.content.decode()
        assert "1900 en 2100" in form_html or "geldige datum" in form_html, (path, field)
        assert f'id="id_{field}_error"' in form_html or f"_{field}_error" in form_html, (path, field)
    # Withdrawal posts to a redirecting endpoint: the Dutch message comes back as a flash message.
    response = web.post(
        _web(team, "consent-withdraw", consent_id=team.consent.pk),
        {f"c-{team.consent.pk}-withdrawn_on": value},
        follow=True,
    )
    assert "1900 en 2100" in response.content.decode() or "geldige datum" in response.content.decode()
    assert _stored(team) == before


def test_meeting_at_the_edge_of_the_range_is_a_form_error_not_a_500(client, team):
    """1900-01-01 00:00 in Amsterdam is still 1899 in UTC: refused on the date field, nothing stored."""
    web = verified_client(client, team.member)
    response = web.post(
        _web(team, "meetings"), {"date": "1900-01-01", "time": "00:00", "duration_minutes": 60}
    )
    assert response.status_code == 400
    assert "1900 en 2100" in response.content.decode()
    assert Meeting.objects.filter(gezinsplan=team.gezinsplan).count() == 1


# ---- wegwijzer dates check ----


def _run_check():
    from io import StringIO

    out = StringIO()
    try:
        call_command("dates", "check", stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def test_dates_check_is_clean_on_a_normal_database(team):
    code, out = _run_check()
    assert code == 0, out
    assert "Alle datums liggen tussen 1900 en 2100." in out


def test_dates_check_finds_rows_inserted_out_of_range_with_raw_sql(team):
    meeting_table, consent_table = Meeting._meta.db_table, Consent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Exactly what the attack stored: a timestamptz psycopg cannot read back.
            cursor.execute(
                f"UPDATE {meeting_table} SET starts_at = '0001-01-01 00:00:00+00' WHERE id = %s",  # noqa: S608
                [team.meeting.pk],
            )
        else:
            cursor.execute(
                f"UPDATE {meeting_table} SET starts_at = '0001-01-01 00:00:00' WHERE id = %s",  # noqa: S608
                [team.meeting.pk.hex],
            )
        cursor.execute(f"UPDATE {consent_table} SET given_on = '2500-01-01'")  # noqa: S608
    code, out = _run_check()
    assert code == 1
    assert f"tabel {meeting_table}, kolom starts_at: 1 rij(en)" in out
    assert str(team.meeting.pk).replace("-", "") in out.replace("-", "")
    assert f"tabel {consent_table}, kolom given_on: 1 rij(en)" in out
    assert "2 rij(en) met een datum buiten 1900–2100" in out
