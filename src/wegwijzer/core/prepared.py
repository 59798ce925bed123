"""Prepared ORM queries: the hottest reads compiled to SQL once per process, then run with new parameters.

Profiling a case read (in-process, test client) showed most of its CPU time in Django compiling the same
few querysets to SQL on every request (`Query.add_q`, `SQLCompiler.as_sql`/`pre_sql_setup`: ~60% of the
view), not in the database. A `PreparedQuery` builds its queryset once per process and database alias
with sentinel parameter values, compiles it, remembers which positions of the SQL parameters hold each
sentinel, and afterwards only swaps the prepared values in and runs the cached SQL through Django's own
`ModelIterable` (so converters, `select_related` population and model instances are exactly Django's).

The SQL depends only on the queryset's shape, never on its parameter values, so nothing needs invalidating;
a sentinel that does not come back among the parameters (a shape that inlines or transforms a value) fails
loudly at the first compile rather than answering the wrong rows.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import uuid
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.query import ModelIterable


def _sentinel(field: models.Field, index: int) -> Any:
    """A value of the field's type that no real parameter of the query will equal."""
    if isinstance(field, models.DateTimeField):
        return dt.datetime(1901, 2, 3, 4, 5, 6, index + 1, tzinfo=dt.UTC)
    if isinstance(field, models.UUIDField):
        return uuid.UUID(int=0x5E47_1E1 + index)
    if isinstance(field, models.IntegerField | models.AutoField):
        return -987_654_321 - index
    return f"\x00prepared-sentinel-{index}\x00"


class _Shim:
    """What `ModelIterable` reads of a queryset, around a compiler that already has its SQL."""

    _known_related_objects: dict[Any, Any] = {}

    def __init__(self, template: models.QuerySet, compiler: Any) -> None:
        self.model = template.model
        self.db = compiler.using
        self._fetch_mode = template._fetch_mode  # type: ignore[attr-defined]
        self.query = self
        self._compiler = compiler

    def get_compiler(self, using: str | None = None, **_: Any) -> Any:
        return self._compiler


# queryset, compiler, SQL, parameters, each name's parameter positions, the columns' converters
_Entry = tuple[models.QuerySet, Any, str, tuple[Any, ...], dict[str, list[int]], list[tuple[int, Any]]]


class PreparedQuery:
    """`PreparedQuery(build, name=field, ...)`; `.all(name=value, ...)` is `list(build(name=value, ...))`.

    `build` must pass each parameter into the queryset as a plain lookup value of the given model field
    (e.g. `filter(token_hash=token_hash)`), not through functions of it.
    """

    def __init__(self, build: Callable[..., models.QuerySet], **fields: models.Field) -> None:
        self._build = build
        self._fields = fields
        self._compiled: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str) -> _Entry:
        connection = connections[alias]
        sentinels = {name: _sentinel(field, i) for i, (name, field) in enumerate(self._fields.items())}
        queryset = self._build(**sentinels).using(alias)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots: dict[str, list[int]] = {}
        for name, field in self._fields.items():
            prepped = field.get_db_prep_value(sentinels[name], connection, prepared=False)
            slots[name] = [i for i, param in enumerate(params) if param == prepped]
            if not slots[name]:
                raise ValueError(f"PreparedQuery: parameter {name!r} does not appear in the compiled SQL")
        # The row converters depend on the selected columns only; Django works them out per execution.
        converters = compiler.get_converters([s[0] for s in compiler.select[0 : compiler.col_count]])
        compiler.get_converters = lambda expressions: converters
        entry = (queryset, compiler, sql, tuple(params), slots, list(converters.items()))
        with self._lock:
            self._compiled[alias] = entry
        return entry

    def _sql(self, values: dict[str, Any], window: tuple[int, int] | None) -> tuple[_Entry, str, list[Any]]:
        """The compiled entry, its SQL and the parameters with these values swapped in (and, with `window` =
        (limit, offset), only that slice of the rows, as parameters)."""
        if values.keys() != self._fields.keys():
            raise TypeError(f"PreparedQuery needs exactly {sorted(self._fields)}")
        alias = DEFAULT_DB_ALIAS  # the project has no database routers
        entry = self._compiled.get(alias) or self._compile(alias)
        _queryset, _compiler, sql, base_params, slots, _converters = entry
        connection = connections[alias]
        params = list(base_params)
        for name, positions in slots.items():
            prepped = self._fields[name].get_db_prep_value(values[name], connection, prepared=False)
            for i in positions:
                params[i] = prepped
        if window is not None:
            # Django inlines a slice's numbers into the SQL; as parameters one compiled query serves every page.
            sql = f"{sql} LIMIT %s OFFSET %s"
            params.extend(window)
        return entry, sql, params

    def all(self, **values: Any) -> list[Any]:
        entry, sql, params = self._sql(values, None)
        queryset, compiler_template = entry[0], entry[1]
        compiler = copy.copy(compiler_template)
        compiler.connection = connections[DEFAULT_DB_ALIAS]  # this thread's connection, not the one that compiled
        final = (sql, tuple(params))
        compiler.as_sql = lambda *args, **kwargs: final
        return list(ModelIterable(_Shim(queryset, compiler)))  # type: ignore[arg-type]

    def first(self, **values: Any) -> Any:
        rows = self.all(**values)
        return rows[0] if rows else None

    def rows(self, *, window: tuple[int, int] | None = None, **values: Any) -> list[tuple[Any, ...]]:
        """For a `values_list(...)` shape: its rows as tuples (the columns' converters applied), no model
        instances — what `list(build(...))` gives for such a queryset, or with `window=(limit, offset)`
        what `list(build(...)[offset:offset + limit])` gives (the shape itself must not be sliced).

        Run on a plain cursor (still Django's: counted, logged, wrapped), its rows converted as Django's
        `SQLCompiler.apply_converters` does, without a compiler per call."""
        entry, sql, params = self._sql(values, window)
        steps = entry[5]  # the columns' converters, worked out at compile time
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        if not steps:
            return [tuple(row) for row in fetched]
        result = []
        for raw in fetched:
            row = list(raw)
            for position, (functions, expression) in steps:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            result.append(tuple(row))
        return result
