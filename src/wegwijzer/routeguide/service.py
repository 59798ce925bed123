"""The route guide's service (Django side): validate, evaluate with the cached rule set, add contacts,
keep an anonymous tally. Views, the JSON API and the `advise` command all call `advise`.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from wegwijzer.core.health import Check
from wegwijzer.core.vocabulary import clear as clear_vocabulary
from wegwijzer.core.vocabulary import vocabulary as shared_vocabulary
from wegwijzer.socialmap import selectors

from . import content, live
from .engine import RuleSet, Situation, Vocabulary, evaluate, validate_situation
from .engine.situation import SituationError
from .engine.sources import Sources
from .releases import content_release_get, release_folder
from .tally import tally_record

logger = logging.getLogger("wegwijzer.routeguide")

_lock = threading.Lock()
_cache: dict[str, Any] = {}  # "ruleset" -> (vocabulary it was validated against, rule set)

__all__ = [
    "DEFAULT_ROUTE",
    "SituationError",
    "advise",
    "reset_cache",
    "route_choices",
    "route_vocabulary",
    "ruleset",
    "sources",
    "vocabulary",
]

DEFAULT_ROUTE = content.DEFAULT_ROUTE
ROUTE_FIELD = "route"


def ruleset(route: str | None = None, *, live_release: bool = True) -> RuleSet:
    """The rule set of a route (None: the default route), loaded and validated once per vocabulary instance
    (reset_cache() reloads). RouteError for an unknown route.

    Keyed on the one cached vocabulary, so a switch of settings.CONTENT_DIR (which gives a new
    vocabulary instance) also reloads the rules of that content folder. When a release has been published in
    the browser its rules are the live ones (live.py); `live_release=False` reads the content folder's.
    """
    folder = live.rules_folder() if live_release else None
    if folder is not None:  # a release published in the browser is live (live.py)
        return _live_ruleset(route or DEFAULT_ROUTE, folder)
    vocab = vocabulary()
    cited = sources()  # outside the lock below: sources() takes it too
    key = f"ruleset:{route or DEFAULT_ROUTE}"
    found = _cache.get(key)
    if found is None or found[0] is not vocab:
        with _lock:
            found = _cache.get(key)
            if found is None or found[0] is not vocab:
                if route in (None, DEFAULT_ROUTE):
                    loaded = content.load_rules(vocab=vocab, sources=cited)
                else:
                    item = content.route(route)
                    loaded = content.load_rules(item.rules, content.route_vocab(item, vocab), cited)
                found = (vocab, loaded)
                _cache[key] = found
    return found[1]


def _live_ruleset(route: str, folder: Path) -> RuleSet:
    """The rule set of a route in the live release's folder, loaded once per release."""
    key = f"live:{folder.name}:{route}"
    found = _cache.get(key)
    if found is None:
        with _lock:
            found = _cache.get(key)
            if found is None:
                for stale in [k for k in _cache if k.startswith("live:") and not k.startswith(f"live:{folder.name}:")]:
                    del _cache[stale]
                found = (folder, content.route_ruleset(route, folder))
                _cache[key] = found
    return found[1]


def route_choices() -> list[tuple[str, str, str]]:
    """(code, Dutch title, description) of every route, the default first; read once per content folder."""
    vocab = vocabulary()
    found = _cache.get("routes")
    if found is None or found[0] is not vocab:
        found = (vocab, [(r.id, r.title, r.description) for r in content.routes()])
        _cache["routes"] = found
    return list(found[1])


def route_vocabulary(route: str | None = None) -> Vocabulary:
    """The vocabulary a route's situations and advice use: the product's plus the route's own codes. From the
    content folder without asking which release is live: drafts edit rule and vignette files only, never a
    vocabulary, and the API document is built from this without a database (docs/rules.md)."""
    return ruleset(route, live_release=False).vocabulary


def split_route(data: object, codes: list[str] | None = None) -> tuple[str, object]:
    """(route code, the situation without `route`); SituationError naming `route` when it is not a known
    route (of `codes`; default: the content's). An absent or null route is the default route, so every
    earlier situation means what it meant."""
    if not isinstance(data, dict) or ROUTE_FIELD not in data:
        return DEFAULT_ROUTE, data
    rest = {k: v for k, v in data.items() if k != ROUTE_FIELD}
    value = data[ROUTE_FIELD]
    if value is None:
        return DEFAULT_ROUTE, rest
    codes = codes if codes is not None else [code for code, _title, _text in route_choices()]
    if not isinstance(value, str) or value not in codes:
        shown = value if isinstance(value, str) else type(value).__name__
        raise SituationError({ROUTE_FIELD: [f"Onbekende route '{shown}'. Kies uit: {', '.join(codes)}."]})
    return value, rest


def sources() -> Sources:
    """The source documents and their sections (content/sources.yaml), read once per content folder
    (reset_cache() re-reads); the rule set cites these same instances."""
    path = content.paths().sources
    found = _cache.get("sources")
    if found is None or found[0] != path:
        with _lock:
            found = _cache.get("sources")
            if found is None or found[0] != path:
                found = (path, content.load_source_list(path))
                _cache["sources"] = found
    return found[1]


def vocabulary() -> Vocabulary:
    """The vocabulary (codes with Dutch labels): .phases, .reporters, .concerns, .wijken, .roles,
    .interventions, .laws, .warnings map code -> label in display order; .label(kind, code)."""
    return shared_vocabulary()  # type: ignore[return-value]  # the engine's Vocabulary, see core.vocabulary


def reset_cache() -> None:
    with _lock:
        _cache.clear()
    clear_vocabulary()
    live.changed()


def _contacts(roles: list[str], wijk: str | None) -> list[dict[str, Any]]:
    """The social map's concrete contacts per role for the wijk; [] when the social map cannot answer."""
    try:
        rows = selectors.contacts_for_roles(list(roles), wijk)
    except Exception as exc:  # the social map must never break an advice
        logger.warning("contacts_for_roles failed: %s: %s", type(exc).__name__, exc)
        return []
    return [dict(row) for row in rows or [] if isinstance(row, dict)]


def _tally(situation: Situation, content_version: str, route: str) -> None:
    tally_record(
        {
            "route": route,
            "phase": situation.phase,
            "reporter": situation.reporter,
            "wijk": situation.wijk or "",
            "concerns": list(situation.concerns_sorted),
            "flags": {
                "buurtteam_involved": situation.buurtteam_involved,
                "urgent": situation.urgent,
                "child_protection_order": situation.child_protection_order,
                "ambulant_sufficient": situation.ambulant_sufficient,
                "related_to_baby_care": situation.related_to_baby_care,
                "parent_minor": situation.parent_minor,
                "help_question": situation.help_question,
            },
            "involved": list(situation.involved_sorted),
            "weeks_since_birth": situation.weeks_since_birth,
            "content_version": content_version,
        }
    )


def advise(data: object, *, tally: bool = True) -> dict[str, Any]:
    """The advice for a situation as a JSON-ready dict (contract: route-guide.md).

    Raises SituationError (with .errors per field) for a malformed situation.
    """
    route, data = split_route(data)
    rules = ruleset(route)
    situation = validate_situation(data, rules.vocabulary)
    result = evaluate(situation, rules)
    advice = _shape(situation, result, route)
    if tally:
        _tally(situation, result.content_version, route)
    return advice


def advise_replay(data: object, *, content_version: str) -> dict[str, Any]:
    """The advice as the content release `content_version` gives it (that release's rules, vocabulary and
    sources; today's contacts). `content_version` is a release's version or the one an advice carries.
    Never tallied: a replay is not a new advice. ContentReleaseError when there is no such release."""
    release = content_release_get(content_version)
    with release_folder(release) as folder:
        route, data = split_route(data, [r.id for r in content.routes(folder)])
        rules = content.route_ruleset(route, folder)
    situation = validate_situation(data, rules.vocabulary)
    advice = _shape(situation, evaluate(situation, rules), route)
    advice["release"] = release.content_version
    return advice


def _shape(situation: Situation, result: Any, route: str) -> dict[str, Any]:
    """The advice dict of the contract, from the engine's advice."""
    out = result.to_dict()
    advice = {
        "involve": out["involve"],
        "interventions": out["interventions"],
        "laws": out["laws"],
        "warnings": out["warnings"],
        "steps": out["steps"],
        # the social map knows the product's roles; a route's own roles (e.g. school) have no records there
        "contacts": _contacts([r for r in out["involve"] if r in vocabulary().roles], situation.wijk),
        "reasons": out["reasons"],
        "content_version": out["content_version"],
        "contradictions": out["contradictions"],
        "not_in_source": out["not_in_source"],
        "warnings_prominent": out["warnings_prominent"],
        "situation": {**situation.to_dict(), ROUTE_FIELD: route},
    }
    return advice


def readiness_check() -> Check:
    """Readiness: route rules are loaded (files only, no database)."""
    rules = ruleset()
    if not rules.rules:
        return Check("route_rules", False, _("Er zijn geen routeregels geladen."))
    return Check("route_rules", True, _("%(n)d routeregels geladen.") % {"n": len(rules.rules)})
