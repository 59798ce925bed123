"""Readiness checks (reads only): can this process serve real requests?

Liveness (`/api/v1/health`) only says the process answers; readiness (`/api/v1/health/ready`) checks the
database, the content (social map records, route rules) and the search index. Each check answers, never
raises: a readiness probe that crashes tells an operator less than one that names what is missing.
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


def _social_map() -> Check:
    from wegwijzer.socialmap.models import Organization, Role, Service

    counts = {model.__name__: model.objects.count() for model in (Service, Organization, Role)}
    if not counts["Service"] and not counts["Organization"]:
        return Check("social_map", False, _("De sociale kaart is leeg: laad de inhoud ('wegwijzer content load')."))
    return Check(
        "social_map",
        True,
        _("De sociale kaart heeft %(services)d aanbod, %(orgs)d organisaties en %(roles)d rollen.")
        % {"services": counts["Service"], "orgs": counts["Organization"], "roles": counts["Role"]},
    )


def _route_rules() -> Check:
    from wegwijzer.routes.service import ruleset

    rules = ruleset()
    if not rules.rules:
        return Check("route_rules", False, _("Er zijn geen routeregels geladen."))
    return Check("route_rules", True, _("%(n)d routeregels geladen.") % {"n": len(rules.rules)})


def _search_index() -> Check:
    from wegwijzer.socialmap.search.index import current

    index = current()
    if not index.size:
        return Check("search_index", False, _("De zoekindex is leeg."))
    return Check("search_index", True, _("De zoekindex bevat %(n)d records.") % {"n": index.size})


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
    for name, check in (("social_map", _social_map), ("route_rules", _route_rules), ("search_index", _search_index)):
        if name != "route_rules" and not database.ok:  # route rules are files; the others need the database
            checks.append(Check(name, False, _("Niet te controleren: de database is niet bereikbaar.")))
        else:
            checks.append(_guarded(name, check))
    return all(c.ok for c in checks), checks


def as_json(checks: list[Check]) -> dict[str, dict[str, object]]:
    return {c.name: {k: v for k, v in asdict(c).items() if k != "name"} for c in checks}
