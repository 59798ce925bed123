"""Readiness checks (reads only): can this process serve real requests?

Liveness (`/api/v1/health`) only says the process answers; readiness (`/api/v1/health/ready`) checks the
database and whatever the apps register (social map records, route rules, search index) from their
AppConfig.ready with `register_check`: core imports no app. Each check answers, never raises: a
readiness probe that crashes tells an operator less than one that names what is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.db import DatabaseError, InterfaceError, connections
from django.utils.translation import gettext as _

logger = logging.getLogger("wegwijzer.health")

DATABASE_ERRORS = (DatabaseError, InterfaceError)  # OperationalError is a DatabaseError


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _database(alias: str) -> Check:
    try:
        connection = connections[alias]
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DATABASE_ERRORS as exc:
        logger.warning("readiness: database %s unreachable: %s", alias, exc)
        return Check("database", False, _("De database is niet bereikbaar."))
    return Check("database", True, _("De database is bereikbaar."))


@dataclass(frozen=True)
class _Registered:
    order: int
    name: str
    check: Callable[[], Check]
    needs_database: bool


_registry: dict[str, _Registered] = {}


def register_check(name: str, check: Callable[[], Check], *, order: int, needs_database: bool = True) -> None:
    """Add a readiness check (apps call this from AppConfig.ready); `order` fixes its place in the report."""
    _registry[name] = _Registered(order, name, check, needs_database)


def _guarded(name: str, check: Callable[[], Check]) -> Check:
    try:
        return check()
    except DATABASE_ERRORS as exc:
        logger.warning("readiness: %s needs the database: %s", name, exc)
        return Check(name, False, _("Niet te controleren: de database is niet bereikbaar."))
    except Exception as exc:  # noqa: BLE001 - broken content of any kind must read "not ready", not a 500
        logger.exception("readiness: %s failed", name)
        return Check(name, False, _("Niet in orde: %(error)s") % {"error": str(exc)[:300]})


def readiness(alias: str = "default") -> tuple[bool, list[Check]]:
    """(ready, checks). Without a database the content checks are reported as not checkable."""
    database = _database(alias)
    checks = [database]
    for item in sorted(_registry.values(), key=lambda r: (r.order, r.name)):
        if item.needs_database and not database.ok:
            checks.append(Check(item.name, False, _("Niet te controleren: de database is niet bereikbaar.")))
        else:
            checks.append(_guarded(item.name, item.check))
    return all(c.ok for c in checks), checks


def as_json(checks: list[Check]) -> dict[str, dict[str, object]]:
    return {c.name: {k: v for k, v in asdict(c).items() if k != "name"} for c in checks}
