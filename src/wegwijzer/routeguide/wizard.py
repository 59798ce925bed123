"""The route guide's wizard: its screens, labels and help texts, and the situation carried in the URL.

Pure presentation logic (no views): which screen asks which fields, how the query string maps to a
situation and back, and the view models the templates render. The advice itself comes from
wegwijzer.routeguide.service.advise.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml
from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from wegwijzer.routeguide.engine.situation import FIELDS as SITUATION_FIELDS

from . import content, forms
from .forms import FLAG_DEFAULTS, bool_to_query, parse_bool
from .labels import DEFAULT_ROUTE, OTHER_REPORTER_LABEL, label, vocabulary
from .service import route_choices

ROUTE_FIELD = "route"
# what the wizard carries in the URL: the route (issue 15) and the situation's fields
WIZARD_FIELDS = (ROUTE_FIELD, *SITUATION_FIELDS)

__all__ = ["OTHER_REPORTER_LABEL", "STEPS", "label", "vocabulary"]  # labels re-exported for views and tests


@dataclass(frozen=True)
class Step:
    slug: str
    number: int
    title: Any  # lazy translation
    fields: tuple[str, ...]


STEPS: tuple[Step, ...] = (
    Step("fase", 1, _("Fase en timing"), ("phase", "weeks_since_birth")),
    Step("wie", 2, _("Wie bent u en waar woont het gezin?"), ("reporter", "wijk")),
    Step("zorgen", 3, _("Wat baart u zorgen?"), ("concerns",)),
    Step("bekend", 4, _("Wat weet u al?"), ("buurtteam_involved", "involved", "urgent", "child_protection_order",
                                            "ambulant_sufficient", "related_to_baby_care", "parent_minor",
                                            "help_question")),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}
TOTAL_SCREENS = len(STEPS) + 1  # the steps plus the summary


def step_for_field(field: str) -> Step:
    for step in STEPS:
        if field in step.fields:
            return step
    return STEPS[0]


# ------------------------------------------------------------------ content


def _content_dir() -> Path:
    return Path(settings.CONTENT_DIR)


@lru_cache(maxsize=4)
def _load_yaml(path: str, mtime: float) -> Any:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _yaml(relative: str) -> Any:
    path = _content_dir() / relative
    return _load_yaml(str(path), path.stat().st_mtime)


def help_texts(route: str | None = None) -> dict[str, Any]:
    """The wizard's help texts; a route's own help.yaml replaces the keys it gives (its concern groups ...)."""
    texts = _yaml("routeguide/help.yaml")
    if route and route != DEFAULT_ROUTE:
        path = content.route(route).help
        if path.is_file():
            texts = {**texts, **(_load_yaml(str(path), path.stat().st_mtime) or {})}
    return texts


# ------------------------------------------------------------------ the route


def route_of(query: QueryDict) -> str:
    """The route the query names (absent or empty: the default route); route_errors() says if it is known."""
    return (query.get(ROUTE_FIELD) or "").strip() or DEFAULT_ROUTE


def route_errors(query: QueryDict) -> dict[str, list[str]]:
    route = route_of(query)
    codes = [code for code, _title, _text in route_choices()]
    if route in codes:
        return {}
    return {ROUTE_FIELD: [str(_("Kies een van de routes uit de lijst."))]}


def route_options(query: QueryDict) -> list[dict[str, Any]]:
    """The start page's route choice: every route with its description, the chosen (or default) one checked."""
    chosen = route_of(query)
    return [
        {"value": code, "label": title, "help": text, "id": f"id_route_{code}", "checked": code == chosen}
        for code, title, text in route_choices()
    ]


def route_title(route: str) -> str:
    return next((title for code, title, _text in route_choices() if code == route), route)


def asked(route: str | None, name: str) -> bool:
    """Whether the wizard asks this field on this route (a route's help.yaml `ask_not` leaves some out)."""
    return name not in (help_texts(route).get("ask_not") or [])


# ------------------------------------------------------------------ the situation in the URL


def situation_query(situation: dict[str, Any]) -> str:
    """The canonical query string of a validated situation (stable order, Dutch yes/no); the default route
    is left out, so every earlier link stays the same."""
    pairs: list[tuple[str, str]] = []
    if situation.get(ROUTE_FIELD) not in (None, "", DEFAULT_ROUTE):
        pairs.append((ROUTE_FIELD, situation[ROUTE_FIELD]))
    pairs.append(("phase", situation["phase"]))
    if situation.get("weeks_since_birth") is not None:
        pairs.append(("weeks_since_birth", str(situation["weeks_since_birth"])))
    pairs.append(("reporter", situation["reporter"]))
    if situation.get("wijk"):
        pairs.append(("wijk", situation["wijk"]))
    pairs += [("concerns", code) for code in situation.get("concerns") or []]
    for name in STEPS[3].fields:
        if name == "involved":
            pairs += [("involved", code) for code in situation.get("involved") or []]
        else:
            pairs.append((name, bool_to_query(situation.get(name))))
    return urlencode(pairs)


def carried(query: QueryDict, exclude: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(name, value) pairs of the situation fields in the query, except those a screen asks itself."""
    pairs = []
    for name in WIZARD_FIELDS:
        if name in exclude:
            continue
        for value in query.getlist(name):
            pairs.append((name, value[:200]))
    return pairs


def carried_query(query: QueryDict, exclude: tuple[str, ...] = ()) -> str:
    return urlencode(carried(query, exclude))


# ------------------------------------------------------------------ validation


def form_class(step: Step):
    return {
        "fase": forms.PhaseForm,
        "wie": forms.WhoForm,
        "zorgen": forms.ConcernsForm,
        "bekend": forms.KnownForm,
    }[step.slug]


def validate_step(step: Step, query: QueryDict) -> tuple[dict[str, Any], dict[str, list[str]]]:
    form = form_class(step)(data=query, route=route_of(query))
    if form.is_valid():
        return dict(form.cleaned_data), {}
    errors = {field: [str(m) for m in messages] for field, messages in form.errors.items()}
    return {}, errors


def validate(query: QueryDict) -> tuple[dict[str, Any] | None, Step | None, dict[str, list[str]]]:
    """Validate the whole situation: (situation, None, {}) or (None, first bad step, its errors). The route
    is checked by the views first (route_errors); it travels in the situation unless it is the default."""
    route = route_of(query)
    situation: dict[str, Any] = {} if route == DEFAULT_ROUTE else {ROUTE_FIELD: route}
    for step in STEPS:
        cleaned, errors = validate_step(step, query)
        if errors:
            return None, step, errors
        situation.update(cleaned)
    return situation, None, {}


# ------------------------------------------------------------------ view models for the templates


def _options(kind: str, help_key: str, route: str | None = None) -> list[dict[str, Any]]:
    helps = help_texts(route).get(help_key) or {}
    return [
        {"value": code, "label": text, "help": (helps.get(code) or {}).get("text", ""),
         "source": (helps.get(code) or {}).get("source", "")}
        for code, text in vocabulary(route)[kind].items()
    ]


def _mark(options: list[dict[str, Any]], name: str, selected: set[str]) -> list[dict[str, Any]]:
    for index, option in enumerate(options):
        option["id"] = f"id_{name}_{option['value']}"
        option["checked"] = option["value"] in selected
        option["index"] = index
    return options


def concern_fits_phase(concern: str, phase: str, route: str | None = None) -> bool:
    """Whether the wizard offers a concern in a phase (help.yaml concern_phases; unlisted: every phase)."""
    phases = (help_texts(route).get("concern_phases") or {}).get(concern)
    return not phases or not phase or phase in phases


def _first_id(name: str, options: list[dict[str, Any]] | None) -> str:
    return options[0]["id"] if options else f"id_{name}"


def screen_fields(step: Step, query: QueryDict, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The fields of one screen, ready to render (values from the query, errors per field)."""
    route = route_of(query)
    helps = help_texts(route)
    fields: list[dict[str, Any]] = []

    def add(field: dict[str, Any]) -> None:
        name = field["name"]
        if not asked(route, name):
            return
        field["errors"] = errors.get(name, [])
        field["error_id"] = f"{name}-error"
        field["help_id"] = f"{name}-help"
        field.setdefault("anchor", f"id_{name}")
        fields.append(field)

    if step.slug == "fase":
        options = _mark(_options("phases", "phases", route), "phase", {query.get("phase", "")})
        add({"type": "radios", "name": "phase", "legend": _("In welke fase is het gezin?"),
             "help": _("Kies de fase die nu het beste past."), "options": options,
             "anchor": _first_id("phase", options)})
        weeks = helps.get("weeks_since_birth") or {}
        add({"type": "number", "name": "weeks_since_birth", "label": _("Hoeveel weken is de baby?"),
             "help": weeks.get("text", ""), "source": weeks.get("source", ""), "optional": True,
             "value": query.get("weeks_since_birth", "")[:10], "min": 0, "max": 110,
             "css": "ww-weeks"})
    elif step.slug == "wie":
        options = _mark(_options("reporters", "reporters", route), "reporter", {query.get("reporter", "")})
        add({"type": "radios", "name": "reporter", "legend": _("Wie bent u?"),
             "help": _("Kies uw rol. Het advies begint bij wat u zelf kunt doen."), "options": options,
             "anchor": _first_id("reporter", options)})
        wijk = helps.get("wijk") or {}
        selected = query.get("wijk", "")
        choices = [{"value": "", "label": _("Onbekend"), "selected": selected in ("", "onbekend")}]
        choices += [{"value": code, "label": text, "selected": code == selected}
                    for code, text in vocabulary(route)["wijken"].items()]
        add({"type": "select", "name": "wijk", "label": _("In welke wijk woont het gezin?"),
             "help": wijk.get("text", ""), "source": wijk.get("source", ""), "optional": True,
             "choices": choices})
    elif step.slug == "zorgen":
        chosen = set(query.getlist("concerns"))
        all_options = {o["value"]: o for o in _mark(_options("concerns", "concerns", route), "concerns", chosen)}
        # Only the concerns that fit the phase chosen on the first screen (server-side, so without JavaScript
        # too); a concern already chosen outside the phase is shown apart, still checked, so nothing is lost.
        phase = query.get("phase", "")
        for code in [c for c in all_options if not concern_fits_phase(c, phase, route) and c not in chosen]:
            del all_options[code]
        kept_outside = [all_options.pop(code) for code in list(all_options) if not concern_fits_phase(code, phase, route)]
        groups = []
        for group in helps.get("concern_groups") or []:
            opts = [all_options.pop(code) for code in group.get("concerns", []) if code in all_options]
            if opts:
                groups.append({"id": group["id"], "label": group["label"], "options": opts})
        if all_options:  # a concern the help file does not group yet still gets asked
            groups.append({"id": "overig", "label": _("Overig"), "options": list(all_options.values())})
        if kept_outside:
            groups.append({"id": "andere-fase", "label": _("Eerder gekozen, hoort meestal niet bij deze fase"),
                           "options": kept_outside})
        first = groups[0]["options"][0]["id"] if groups else "id_concerns"
        add({"type": "checkbox-groups", "name": "concerns", "legend": _("Wat baart u zorgen?"),
             "help": _("Kies alles wat past. U mag ook niets kiezen."), "groups": groups, "anchor": first})
    elif step.slug == "bekend":
        flags = helps.get("flags") or {}
        for name in step.fields:
            if name == "involved":
                info = helps.get("involved") or {}
                chosen = set(query.getlist("involved"))
                options = _mark([{"value": code, "label": text, "help": "", "source": ""}
                                 for code, text in vocabulary(route)["roles"].items()], "involved", chosen)
                add({"type": "checkbox-groups", "name": "involved", "legend": info.get("question", name),
                     "help": info.get("text", ""), "source": info.get("source", ""), "optional": True,
                     "groups": [{"id": "betrokken", "label": info.get("question", name), "options": options}],
                     "anchor": _first_id("involved", options)})
                continue
            info = flags.get(name) or {}
            raw = query.get(name)
            current: bool | str | None
            if raw is None or raw == "":
                current = FLAG_DEFAULTS[name]
            else:
                current = parse_bool(raw, allow_unknown=(name == "buurtteam_involved"))

            current_value = bool_to_query(current) if (current is None or isinstance(current, bool)) else ""
            labels = info.get("options") or {"ja": _("Ja"), "nee": _("Nee")}
            options = [{"value": value, "label": text, "help": ""} for value, text in labels.items()]
            options = _mark(options, name, {current_value})
            add({"type": "radios", "name": name, "legend": info.get("question", name),
                 "help": info.get("text", ""), "source": info.get("source", ""), "options": options,
                 "anchor": _first_id(name, options), "inline": True})
    return fields


def error_summary(fields: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"anchor": f["anchor"], "message": message} for f in fields for message in f["errors"]]


def summary_rows(situation: dict[str, Any], query_string: str) -> list[dict[str, Any]]:
    """The summary screen: what was answered, per step, with a link to change it."""
    route = situation.get(ROUTE_FIELD) or DEFAULT_ROUTE
    helps = help_texts(route).get("flags") or {}
    vocab = vocabulary(route)

    def flag(name: str) -> str:
        options = (helps.get(name) or {}).get("options") or {}
        return options.get(bool_to_query(situation.get(name)), bool_to_query(situation.get(name)))

    weeks = situation.get("weeks_since_birth")
    rows: list[dict[str, Any]] = [
        {"step": STEPS[0], "items": [
            *([(_("Route"), route_title(route))] if len(route_choices()) > 1 else []),
            (_("Fase"), vocab["phases"].get(situation["phase"], situation["phase"])),
            *([(_("Weken sinds de geboorte"), str(weeks) if weeks is not None else _("onbekend"))]
              if asked(route, "weeks_since_birth") else []),
        ]},
        {"step": STEPS[1], "items": [
            (_("Uw rol"), vocab["reporters"].get(situation["reporter"], situation["reporter"])),
            (_("Wijk"), vocab["wijken"].get(situation.get("wijk") or "", _("onbekend"))),
        ]},
        {"step": STEPS[2], "items": [
            (_("Zorgen"), [vocab["concerns"].get(c, c) for c in situation.get("concerns") or []] or _("geen gekozen")),
        ]},
        {"step": STEPS[3], "items": [
            (
                (help_texts(route).get("involved") or {}).get("question", name),
                [vocab["roles"].get(c, c) for c in situation.get("involved") or []] or _("niemand opgegeven"),
            ) if name == "involved" else ((helps.get(name) or {}).get("question", name), flag(name))
            for name in STEPS[3].fields if asked(route, name)
        ]},
    ]
    for row in rows:
        row["query"] = query_string
        pairs: list[tuple[Any, Any]] = row["items"]
        row["items"] = [
            {"key": key, "values": [str(v) for v in value] if isinstance(value, list) else [str(value)]}
            for key, value in pairs
        ]
    return rows
