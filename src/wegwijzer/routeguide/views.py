"""The route guide's wizard and advice pages: thin views over wizard.py (screens) and service.advise.

Everything is GET: the situation is carried in the query string (codes only, no personal data), so each
screen and the advice can be bookmarked and shared. A bad query never gives a 500: it shows the screen
that asks the bad field, with the error next to it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from wegwijzer.socialmap import selectors as socialmap_selectors
from wegwijzer.socialmap.selectors import detail_url

from . import wizard
from .engine.situation import SituationError
from .service import advise, route_vocabulary

logger = logging.getLogger("wegwijzer.routeguide")

FROM_SUMMARY = "samenvatting"


def _layout(request: HttpRequest) -> str:
    """Full page, or only the wizard region when htmx swaps it (never for a history restore)."""
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request and htmx.target == "ww-route":
        return "routeguide/partial.html"
    return "base.html"


def _step_url(step: wizard.Step, query: str = "") -> str:
    url = reverse("routeguide:step", args=[step.slug])
    return f"{url}?{query}" if query else url


def _url(name: str, query: str = "") -> str:
    url = reverse(name)
    return f"{url}?{query}" if query else url


def start(request: HttpRequest, errors: dict[str, list[str]] | None = None) -> HttpResponse:
    """The start page; with more than one route it asks which (a form that opens the first screen)."""
    query = wizard.carried_query(request.GET)
    options = wizard.route_options(request.GET)
    return render(request, "routeguide/start.html", {
        "layout": _layout(request),
        "first_url": _step_url(wizard.STEPS[0], query),
        "first_action": reverse("routeguide:step", args=[wizard.STEPS[0].slug]),
        "hidden": wizard.carried(request.GET, exclude=(wizard.ROUTE_FIELD,)),
        "route_field": {
            "type": "radios", "name": wizard.ROUTE_FIELD, "legend": _("Over welke zorg gaat het?"),
            "help": _("Kies de route. Zonder keuze is het de route voor de eerste 1000 dagen."),
            "help_id": "route-help", "error_id": "route-error", "options": options,
            "errors": (errors or {}).get(wizard.ROUTE_FIELD, []),
        } if len(options) > 1 else None,
        "total": wizard.TOTAL_SCREENS,
    })


def _render_step(
    request: HttpRequest,
    step: wizard.Step,
    errors: dict[str, list[str]],
    *,
    status: int = 200,
) -> HttpResponse:
    query = request.GET
    fields = wizard.screen_fields(step, query, errors)
    index = wizard.STEPS.index(step)
    carried_query = wizard.carried_query(query)
    back_url = _step_url(wizard.STEPS[index - 1], carried_query) if index else _url("routeguide:start", carried_query)
    context = {
        "layout": _layout(request),
        "step": step,
        "total": wizard.TOTAL_SCREENS,
        "fields": fields,
        "errors": wizard.error_summary(fields),
        "hidden": wizard.carried(query, exclude=step.fields),
        "from_summary": query.get("vanuit") == FROM_SUMMARY,
        "back_url": back_url,
    }
    return render(request, "routeguide/step.html", context, status=status)


def step(request: HttpRequest, slug: str) -> HttpResponse:
    current = wizard.STEP_BY_SLUG.get(slug)
    if current is None:
        raise Http404
    query = request.GET
    bad_route = wizard.route_errors(query)
    if bad_route:
        return start(request, bad_route)
    action = query.get("ga", "")
    index = wizard.STEPS.index(current)
    if action == "terug":
        target = (
            _step_url(wizard.STEPS[index - 1], wizard.carried_query(query))
            if index
            else _url("routeguide:start", wizard.carried_query(query))
        )
        return HttpResponseRedirect(target)
    cleaned, errors = wizard.validate_step(current, query)
    if action == "verder":
        if errors:
            return _render_step(request, current, errors)
        if query.get("vanuit") == FROM_SUMMARY or index + 1 == len(wizard.STEPS):
            return HttpResponseRedirect(_url("routeguide:summary", wizard.carried_query(query)))
        return HttpResponseRedirect(_step_url(wizard.STEPS[index + 1], wizard.carried_query(query)))
    # A plain visit: only complain about values that are present (a first visit shows no errors).
    present = {name: msgs for name, msgs in errors.items() if query.get(name, "") != ""}
    return _render_step(request, current, present)


def summary(request: HttpRequest) -> HttpResponse:
    bad_route = wizard.route_errors(request.GET)
    if bad_route:
        return start(request, bad_route)
    situation, bad_step, errors = wizard.validate(request.GET)
    if situation is None:
        return _render_step(request, bad_step or wizard.STEPS[0], errors)
    query = wizard.situation_query(situation)
    return render(request, "routeguide/summary.html", {
        "layout": _layout(request),
        "rows": wizard.summary_rows(situation, query),
        "query": query,
        "total": wizard.TOTAL_SCREENS,
        "back_url": _step_url(wizard.STEPS[-1], query),
        "advice_url": _url("routeguide:advice", query),
    })


def _advise(situation: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    """Call the route service; (advice, {}) or (None, errors per field)."""
    try:
        return advise(dict(situation), tally=True), {}
    except SituationError as exc:
        errors = getattr(exc, "errors", None) or {"phase": [str(exc)]}
        return None, {str(k): [str(m) for m in (v if isinstance(v, list | tuple) else [v])] for k, v in errors.items()}


def _anchor(rule: str) -> str:
    return "reden-" + re.sub(r"[^A-Za-z0-9_-]", "-", str(rule))


def _gezinsplan_url(query: str) -> str:
    return f"{reverse('gezinsplan:new')}?{query}"


#: how many warnings the advice shows prominently; the rest follow as "overige aandachtspunten"
PROMINENT_WARNINGS = 3


def _ordered_warnings(advice: dict[str, Any]) -> list[str]:
    """The warnings in the advice's (contract) order; heavier first when the content gives weights."""
    codes = list(advice.get("warnings") or [])
    weights = advice.get("warning_weights") or {}
    if isinstance(weights, dict) and weights:
        codes.sort(key=lambda code: -float(weights.get(code, 0) or 0))  # stable: ties keep the contract order
    return codes


def advice_context(advice: dict[str, Any], situation: dict[str, Any]) -> dict[str, Any]:
    """The advice as the page shows it: labels, links to the social map, and each line's reasons."""
    route = situation.get(wizard.ROUTE_FIELD)
    vocab = wizard.vocabulary(route)
    base = wizard.vocabulary() if route else vocab
    reasons = [dict(r) for r in advice.get("reasons") or []]
    for reason in reasons:
        reason["anchor"] = _anchor(reason.get("rule", ""))
        reason["explains_labels"] = [
            next((vocab[k][code] for k in ("roles", "interventions", "laws", "warnings") if code in vocab[k]), code)
            for code in reason.get("explains") or []
        ]
    rules_for: dict[str, list[dict[str, Any]]] = {}
    for reason in reasons:
        for code in reason.get("explains") or []:
            rules_for.setdefault(code, []).append(reason)

    def items(kind: str, codes: list[str], *, link: bool = False) -> list[dict[str, Any]]:
        return [
            {"code": code, "label": vocab[kind].get(code, code), "reasons": rules_for.get(code, []),
             # the social map has records for the product's codes only, not for a route's own (e.g. mdo)
             "url": detail_url(code) if link and code in base[kind] else ""}
            for code in codes
        ]

    contacts = []
    for contact in advice.get("contacts") or []:
        contact = dict(contact)
        contact["role_label"] = vocab["roles"].get(contact.get("role", ""), contact.get("role", ""))
        if not contact.get("url") and contact.get("slug"):
            contact["url"] = detail_url(contact["slug"])
        contacts.append(contact)
    contacts_by_role: dict[str, list[dict[str, Any]]] = {}
    for contact in contacts:
        contacts_by_role.setdefault(contact.get("role", ""), []).append(contact)

    # Waiting times beside each offer and each contact (with their date); the map must never break an advice.
    interventions = items("interventions", list(advice.get("interventions") or []), link=True)
    try:
        offer_waits = socialmap_selectors.current_wait_times_by_slug(i["code"] for i in interventions)
        contact_waits = socialmap_selectors.wait_times_of_organizations(c.get("slug", "") for c in contacts)
    except Exception as exc:  # same guard as the contacts themselves (routeguide.service._contacts)
        logger.warning("wait times for the advice failed: %s: %s", type(exc).__name__, exc)
        offer_waits, contact_waits = {}, {}
    for entry in interventions:
        entry["wait_time"] = offer_waits.get(entry["code"])
        entry["zorgplicht"] = None
        if entry["wait_time"] is not None and entry["wait_time"].over_norm:
            service = socialmap_selectors.service_get(entry["code"])
            entry["zorgplicht"] = socialmap_selectors.zorgplicht_for(service, entry["wait_time"]) if service else None
    for contact in contacts:
        contact["wait_times"] = contact_waits.get(contact.get("slug", ""), [])

    involve = items("roles", list(advice.get("involve") or []), link=True)
    for entry in involve:
        entry["contacts"] = contacts_by_role.get(entry["code"], [])
    reason_by_rule = {r.get("rule", ""): r for r in reasons}
    reporter = str(situation.get("reporter") or "")
    acting = route_vocabulary(route).acting_role(reporter) or reporter
    steps: list[dict[str, Any]] = []
    own_steps: list[dict[str, Any]] = []
    seen: dict[int, set[str]] = {0: set(), 1: set()}  # a reason's text once per list, not on every step
    for s in advice.get("steps") or []:
        entry = {
            "actor": s.get("actor", ""),
            "actor_label": vocab["roles"].get(s.get("actor", ""), s.get("actor", "")),
            "text": s.get("text", ""),
            "because": [{"rule": r, "anchor": _anchor(r), "reason": reason_by_rule.get(r)}
                        for r in s.get("because") or []],
        }
        # The reporter's own actions are addressed to them ("U ..."), apart from what the others do.
        own = entry["actor"] in (acting, reporter)
        for b in entry["because"]:
            b["first"] = b["rule"] not in seen[own]
            seen[own].add(b["rule"])
        (own_steps if own else steps).append(entry)
    # The warnings come ordered by weight (content); the engine names the prominent ones.
    warnings = items("warnings", _ordered_warnings(advice))
    named = advice.get("warnings_prominent")
    prominent = set(named) if named is not None else {w["code"] for w in warnings[:PROMINENT_WARNINGS]}
    return {
        "warnings": warnings,
        "warnings_prominent": [w for w in warnings if w["code"] in prominent],
        "warnings_other": [w for w in warnings if w["code"] not in prominent],
        "own_steps": own_steps,
        "reporter_label": vocab["reporters"].get(reporter, reporter),
        # Notices about the situation itself (content/routeguide/notices.yaml), shown at the top.
        "contradictions": list(advice.get("contradictions") or []),
        "not_in_source": list(advice.get("not_in_source") or []),
        "involve": involve,
        "steps": steps,
        "interventions": interventions,
        "laws": items("laws", list(advice.get("laws") or [])),
        "contacts": contacts,
        "reasons": reasons,
        "content_version": advice.get("content_version", ""),
        "wijk_label": vocab["wijken"].get(situation.get("wijk") or "", ""),
    }


def advice(request: HttpRequest) -> HttpResponse:
    bad_route = wizard.route_errors(request.GET)
    if bad_route:
        return start(request, bad_route)
    situation, bad_step, errors = wizard.validate(request.GET)
    if situation is None:
        return _render_step(request, bad_step or wizard.STEPS[0], errors)
    result, service_errors = _advise(situation)
    if service_errors:
        first = min((wizard.step_for_field(f) for f in service_errors), key=lambda s: s.number)
        return _render_step(request, first, service_errors)
    query = wizard.situation_query(situation)
    context: dict[str, Any] = {
        "layout": _layout(request),
        # the stable link: the canonical query reproduces this advice (with the content of the day)
        "advice_link": request.build_absolute_uri(_url("routeguide:advice", query)),
        "situation_rows": wizard.summary_rows(situation, query),
        "query": query,
        "change_url": _url("routeguide:summary", query),
        "gezinsplan_url": _gezinsplan_url(query),
        "available": result is not None,
    }
    if result is not None:
        context.update(advice_context(result, situation))
    return render(request, "routeguide/advice.html", context)


def querydict(query: str) -> QueryDict:
    """Helper for other apps and tests: the QueryDict of a situation query string."""
    return QueryDict(query)
