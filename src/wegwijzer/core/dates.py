"""One parser and one range for every date and datetime that enters Wegwijzer (API bodies and web forms).

Why: PostgreSQL stores timestamps before year 1 (e.g. "0001-01-01T00:00:00+14:00" is 31 December of year 0
in UTC) that psycopg cannot read back, so one such value breaks every page that loads the row. Accepting
only years 1900–2100 keeps every stored value readable by Python, both databases and the exports.

- Dates (`parse_date`, `validate_date`): 1900-01-01 up to and including 2100-12-31.
- Datetimes (`parse_datetime`, `validate_datetime`): naive values are wall-clock time in settings.TIME_ZONE
  (Europe/Amsterdam); every value is normalised to UTC and must lie in [1900-01-01 00:00 UTC,
  2101-01-01 00:00 UTC).
- `DateFormField` / `validate_date_range`: the same rule for Django forms and model fields.
- `out_of_range_rows()`: rows already stored outside the range, in any DateField/DateTimeField of any
  model, found in SQL without ever fetching the bad values (`wegwijzer dates check`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MIN_YEAR = 1900
MAX_YEAR = 2100
MIN_DATE = dt.date(MIN_YEAR, 1, 1)
MAX_DATE = dt.date(MAX_YEAR, 12, 31)
MIN_DATETIME = dt.datetime(MIN_YEAR, 1, 1, tzinfo=dt.UTC)
END_DATETIME = dt.datetime(MAX_YEAR + 1, 1, 1, tzinfo=dt.UTC)  # exclusive
# The same bounds as SQL literals (the check command compares in SQL, never fetching the values).
SQL_MIN = "1900-01-01"
SQL_END = "2101-01-01"
# Columns whose far-future value is a library's sentinel, readable by Python and both databases: the task
# queue (django-tasks-db) stores "no run_after" as 9999-01-01.
SENTINEL_COLUMNS = frozenset({("django_tasks_database.dbtaskresult", "run_after")})


def _range_message() -> str:
    return _("Kies een datum tussen %(min)d en %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR}


class DateError(ValueError):
    """A date or datetime that cannot be parsed or lies outside the range; `message` is Dutch."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _local_zone() -> dt.tzinfo:
    return ZoneInfo(settings.TIME_ZONE)


def validate_date(value: dt.date) -> dt.date:
    """`value` if its year is 1900–2100, else DateError."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not MIN_DATE <= value <= MAX_DATE:
        raise DateError(_range_message())
    return value


def validate_datetime(value: dt.datetime) -> dt.datetime:
    """`value` normalised to UTC (naive = settings.TIME_ZONE) if within the range, else DateError."""
    # Check the year as given first: converting year 1 or 9999 to UTC can overflow.
    if not MIN_YEAR - 1 <= value.year <= MAX_YEAR + 1:
        raise DateError(_range_message())
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=_local_zone())
    try:
        value = value.astimezone(dt.UTC)
    except (OverflowError, ValueError) as exc:
        raise DateError(_range_message()) from exc
    if not MIN_DATETIME <= value < END_DATETIME:
        raise DateError(_range_message())
    return value


def parse_date(value: Any) -> dt.date:
    """An ISO 8601 date string (YYYY-MM-DD) in the range, or DateError with a Dutch message."""
    if not isinstance(value, str) or len(value) > 40:
        raise DateError(_("Verwacht een datum als JJJJ-MM-DD."))
    try:
        parsed = dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise DateError(_("Verwacht een datum als JJJJ-MM-DD.")) from exc
    return validate_date(parsed)


def parse_datetime(value: Any) -> dt.datetime:
    """An ISO 8601 datetime string in the range, as an aware UTC datetime, or DateError (Dutch)."""
    if not isinstance(value, str) or len(value) > 64:
        raise DateError(_("Verwacht datum en tijd als JJJJ-MM-DDTUU:MM (ISO 8601)."))
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise DateError(_("Verwacht datum en tijd als JJJJ-MM-DDTUU:MM (ISO 8601).")) from exc
    return validate_datetime(parsed)


def validate_date_range(value: Any) -> None:
    """Django validator (forms and model fields): a date or datetime outside 1900–2100 is a ValidationError."""
    if value is None:
        return
    try:
        if isinstance(value, dt.datetime):
            validate_datetime(value)
        elif isinstance(value, dt.date):
            validate_date(value)
    except DateError as exc:
        raise ValidationError(exc.message, code="date_range") from exc


class DateFormField(forms.DateField):
    """A form DateField that accepts only years 1900–2100 (with a Dutch message)."""

    default_validators = [validate_date_range]

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault(
            "error_messages",
            {"invalid": gettext_lazy("Vul een geldige datum in, bijvoorbeeld 2026-03-31.")},
        )
        widget = kwargs.pop("widget", None) or forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        widget.attrs.setdefault("min", MIN_DATE.isoformat())
        widget.attrs.setdefault("max", MAX_DATE.isoformat())
        super().__init__(*args, widget=widget, **kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        try:
            return super().to_python(value)
        except OverflowError as exc:  # e.g. a year with many digits through a %d-%m-%Y format
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


# ---- finding rows already stored outside the range ----


@dataclass
class OutOfRange:
    table: str
    column: str
    count: int
    ids: list[str] = field(default_factory=list)


def out_of_range_rows(*, using: str = "default", max_ids: int = 20) -> list[OutOfRange]:
    """Every DateField/DateTimeField column of every concrete model with values outside the range.

    Counts and selects only primary keys in SQL (`WHERE col < '1900-01-01' OR col >= '2101-01-01'`):
    fetching an out-of-range timestamp would crash psycopg. On SQLite the values are ISO text, so the same
    comparison is lexicographic, which orders ISO dates correctly (and catches raw strings like '0001-…').
    """
    from django.apps import apps
    from django.db import connections, models

    connection = connections[using]
    quote = connection.ops.quote_name
    tables = set(connection.introspection.table_names())
    found: list[OutOfRange] = []
    seen: set[tuple[str, str]] = set()
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.proxy or not opts.managed or opts.db_table not in tables:
            continue
        for f in opts.concrete_fields:
            if not isinstance(f, models.DateField):  # DateTimeField is a DateField subclass
                continue
            column = str(f.column)
            if (opts.label_lower, column) in SENTINEL_COLUMNS:
                continue
            key = (opts.db_table, column)
            if key in seen:
                continue
            seen.add(key)
            where = f"{quote(column)} < %s OR {quote(column)} >= %s"
            params = [SQL_MIN, SQL_END]
            with connection.cursor() as cursor:
                # Static identifiers from model metadata, quoted; the bounds are parameters.
                cursor.execute(f"SELECT COUNT(*) FROM {quote(opts.db_table)} WHERE {where}", params)  # noqa: S608
                count = cursor.fetchone()[0]
                if not count:
                    continue
                pk = quote(str(opts.pk.column))
                cursor.execute(
                    f"SELECT {pk} FROM {quote(opts.db_table)} WHERE {where} ORDER BY {pk} LIMIT %s",  # noqa: S608
                    [*params, max_ids],
                )
                ids = [str(row[0]) for row in cursor.fetchall()]
            found.append(OutOfRange(table=opts.db_table, column=column, count=count, ids=ids))
    return found
