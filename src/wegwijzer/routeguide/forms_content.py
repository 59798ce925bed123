"""Forms of the route-content pages (issue 15 items 2–3): one rule as fields, and a vignette to add.

The rule form offers the route vocabulary's codes with their Dutch labels for every condition and effect
key of the rule schema (content/routeguide/schema/rules.schema.json), the sources list for `source`, and
builds the rule back as a dict (`to_rule`) that keeps what the editor did not touch exactly as it was (the
order of codes, a law given as a bare code) so the file changes only where the editor changed something.
The checks themselves are the drafts' (`content check`): this form only catches what is not a rule at all.
"""

from __future__ import annotations

from typing import Any

import yaml
from django import forms
from django.utils.translation import gettext_lazy as _

from .engine.sources import Sources
from .forms import ConcernsForm, KnownForm, PhaseForm, WhoForm

REPORTER = "$reporter"
YES_NO = (("", _("geen voorwaarde")), ("ja", _("ja")), ("nee", _("nee")))
YES_NO_UNKNOWN = (*YES_NO, ("onbekend", _("onbekend")))

# condition key → (vocabulary kind, Dutch label): every code-list key of the schema's `condition`
CODE_CONDITIONS: tuple[tuple[str, str, Any], ...] = (
    ("phase", "phases", _("Fase is een van")),
    ("reporter", "reporters", _("Wie vraagt is een van")),
    ("reporter_not", "reporters", _("Wie vraagt is niet een van")),
    ("reporter_acts_as", "roles", _("Wie vraagt handelt als een van deze rollen")),
    ("involved_any", "roles", _("Al betrokken: minstens een van")),
    ("involved_none", "roles", _("Al betrokken: geen van")),
    ("wijk", "wijken", _("Wijk is een van")),
    ("concerns_any", "concerns", _("Zorgen: minstens een van")),
    ("concerns_all", "concerns", _("Zorgen: alle")),
    ("concerns_none", "concerns", _("Zorgen: geen van")),
    ("concerns_only", "concerns", _("Zorgen: alleen uit deze lijst")),
    ("concerns_beyond", "concerns", _("Zorgen: minstens een buiten deze lijst")),
    ("involves_any", "roles", _("Eerdere regels schakelden minstens een van deze in")),
    ("involves_all", "roles", _("Eerdere regels schakelden al deze in")),
    ("involves_none", "roles", _("Eerdere regels schakelden geen van deze in")),
    ("interventions_any", "interventions", _("Eerdere regels boden minstens een van deze aan")),
    ("interventions_none", "interventions", _("Eerdere regels boden geen van deze aan")),
    ("laws_any", "laws", _("Eerdere regels noemden minstens een van deze wetten")),
    ("laws_all", "laws", _("Eerdere regels noemden al deze wetten")),
    ("laws_none", "laws", _("Eerdere regels noemden geen van deze wetten")),
    ("warnings_any", "warnings", _("Eerdere regels gaven minstens een van deze waarschuwingen")),
)
BOOL_CONDITIONS = (("wijk_known", _("Wijk bekend")), ("weeks_known", _("Aantal weken na de geboorte bekend")))
RANGES = (("concerns_count", _("Aantal zorgen")), ("weeks", _("Weken na de geboorte")),
          ("involve_count", _("Aantal ingeschakelde partijen (door eerdere regels)")))
FLAGS: tuple[tuple[str, Any, bool], ...] = (
    ("buurtteam_involved", _("Buurtteam kent het gezin"), True),
    ("urgent", _("Spoed"), False),
    ("child_protection_order", _("Kinderbeschermingsmaatregel"), False),
    ("ambulant_sufficient", _("Ambulante hulp volstaat"), False),
    ("related_to_baby_care", _("Vraag hangt samen met de zorg voor de baby"), False),
    ("parent_minor", _("Ouder is minderjarig"), False),
    ("help_question", _("Het gezin heeft een hulpvraag"), True),
)
NESTED = ("all", "any", "none")
# effect kind → (vocabulary kind, item key of the code, key of its number, Dutch label)
RANKED: tuple[tuple[str, str, str, str, Any], ...] = (
    ("involve", "roles", "role", "order", _("Inschakelen (volgorde: laagste eerst)")),
    ("interventions", "interventions", "code", "rank", _("Aanbod (rang: best passend eerst)")),
    ("laws", "laws", "code", "rank", _("Wet of financiering (rang)")),
    ("warnings", "warnings", "code", "rank", _("Waarschuwingen (gewicht: één gewicht per waarschuwing)")),
)
DEFAULT_RANK = 50  # a law or warning given as a bare code (engine/rules.py)
EXTRA_STEPS = 2  # empty step rows offered for adding a step


def _flag(value: Any) -> str:
    return {True: "ja", False: "nee", None: "onbekend"}[value]


def _unflag(value: str) -> bool | None:
    return {"ja": True, "nee": False}.get(value)


def _keep_order(old: list[Any] | None, chosen: list[str], order: list[str]) -> list[str]:
    """The chosen codes: those already in the rule in their old order, new ones after them in vocabulary order."""
    old_codes = [c for c in (old or []) if c in chosen]
    return old_codes + [c for c in order if c in chosen and c not in old_codes]


def source_choices(sources: Sources) -> list[tuple[str, str]]:
    return [(f"{d.prefix} {s.title}", f"{d.prefix} {s.title}") for d in sources.documents for s in d.sections]


def source_parts(source: str, sources: Sources) -> list[str]:
    """The sections a rule's `source` names, each as "<prefix> <title>" (unknown parts left out)."""
    return [section["title"] for section in sources.resolve(source or "")[0]]


def source_text(parts: list[str], sources: Sources) -> str:
    """Sections joined the way rules cite them: a later part of the same document without its prefix."""
    prefixes = [d.prefix for d in sources.documents]
    out, current = [], None
    for part in parts:
        prefix = next((p for p in prefixes if part.startswith(p + " ")), None)
        out.append(part[len(prefix) + 1:] if prefix and prefix == current else part)
        current = prefix
    return "; ".join(out)


class RuleForm(forms.Form):
    """One rule as fields. `vocab`: kind → {code: Dutch label} of the rule's route; `rule`: the rule as it is."""

    description = forms.CharField(label=_("Omschrijving (voor de redactie)"), max_length=500,
                                  error_messages={"required": _("Geef een korte omschrijving van de regel.")})
    priority = forms.IntegerField(label=_("Prioriteit (lager gaat eerst)"), min_value=0, max_value=1000,
                                  error_messages={"required": _("Geef een prioriteit van 0 tot en met 1000."),
                                                  "invalid": _("Vul een heel getal in (0 tot en met 1000)."),
                                                  "min_value": _("De prioriteit is minstens 0."),
                                                  "max_value": _("De prioriteit is hoogstens 1000.")})
    source = forms.ChoiceField(label=_("Bron: paragraaf waarop de regel rust"), choices=(),
                               error_messages={"required": _("Kies de paragraaf waarop de regel rust."),
                                               "invalid_choice": _("Kies een paragraaf uit de bronnenlijst.")})
    source_more = forms.MultipleChoiceField(label=_("Nog meer paragrafen (niet verplicht)"), choices=(),
                                            required=False, widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("Reden (zo leest de professional het)"), widget=forms.Textarea(attrs={"rows": 5}),
                             min_length=10, max_length=4000,
                             error_messages={"required": _("Schrijf de reden in gewone taal (minstens 10 tekens)."),
                                             "min_length": _("De reden is te kort: minstens 10 tekens.")})
    when_nested = forms.CharField(
        label=_("Samengestelde voorwaarden (all/any/none, als YAML)"), required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}), max_length=20_000,
        help_text=_("Alleen voor voorwaarden binnen all, any of none; leeg als de regel die niet heeft."))

    def __init__(self, *args: Any, vocab: dict[str, dict[str, str]], sources: Sources, rule: dict[str, Any],
                 **kwargs: Any) -> None:
        self.vocab, self.sources, self.rule = vocab, sources, rule
        kwargs.setdefault("initial", self.initial_for(rule))
        super().__init__(*args, **kwargs)
        choices = source_choices(sources)
        self.fields["source"].choices = [("", _("Kies een paragraaf")), *choices]  # type: ignore[attr-defined]
        self.fields["source_more"].choices = choices  # type: ignore[attr-defined]
        for key, kind, label in CODE_CONDITIONS:
            self.fields[f"when_{key}"] = forms.MultipleChoiceField(
                label=label, required=False, choices=list(vocab[kind].items()), widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": _("“%(value)s” is geen code van deze route.")})
        for key, label in BOOL_CONDITIONS:
            self.fields[f"when_{key}"] = forms.ChoiceField(label=label, required=False, choices=YES_NO)
        for key, label in RANGES:
            for end, end_label in (("min", _("minstens")), ("max", _("hoogstens"))):
                self.fields[f"when_{key}_{end}"] = self._number(f"{label}: {end_label}")
        self.fields["when_weeks_unknown"] = forms.ChoiceField(
            label=_("Weken: geldt ook als het aantal onbekend is"), required=False, choices=YES_NO)
        for key, label, nullable in FLAGS:
            self.fields[f"when_flag_{key}"] = forms.ChoiceField(
                label=label, required=False, choices=YES_NO_UNKNOWN if nullable else YES_NO)
        for kind, vkind, _code, _num, _label in RANKED:
            for code, code_label in vocab[vkind].items():
                self.fields[f"then_{kind}__{code}"] = self._number(code_label)
        for kind, vkind, _code, _num, label in RANKED:
            self.fields[f"excludes_{kind}"] = forms.MultipleChoiceField(
                label=label, required=False, choices=list(vocab[vkind].items()), widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": _("“%(value)s” is geen code van deze route.")})
        actors = [("", _("Geen stap")), (REPORTER, _("Wie vraagt")), *vocab["roles"].items(),
                  *[(c, lbl) for c, lbl in vocab["reporters"].items() if c not in vocab["roles"]]]
        for n in range(self.step_count):
            self.fields[f"step_{n}_actor"] = forms.ChoiceField(label=_("Wie"), required=False, choices=actors,
                                                               error_messages={"invalid_choice": _("Kies wie de stap zet.")})
            self.fields[f"step_{n}_order"] = self._number(_("Volgorde"))
            self.fields[f"step_{n}_text"] = forms.CharField(label=_("Wat"), required=False, max_length=1000,
                                                            widget=forms.Textarea(attrs={"rows": 2}))

    @staticmethod
    def _number(label: Any) -> forms.IntegerField:
        return forms.IntegerField(label=label, required=False, min_value=0, max_value=1000, error_messages={
            "invalid": _("Vul een heel getal in (0 tot en met 1000), of laat het veld leeg."),
            "min_value": _("Minstens 0."), "max_value": _("Hoogstens 1000.")})

    @property
    def step_count(self) -> int:
        return len(self.rule.get("then", {}).get("steps", [])) + EXTRA_STEPS

    def initial_for(self, rule: dict[str, Any]) -> dict[str, Any]:
        when, then = rule.get("when") or {}, rule.get("then") or {}
        parts = source_parts(str(rule.get("source", "")), self.sources)
        data: dict[str, Any] = {
            "description": rule.get("description", ""), "priority": rule.get("priority"),
            "source": parts[0] if parts else "", "source_more": parts[1:], "reason": rule.get("reason", ""),
        }
        nested = {k: when[k] for k in NESTED if k in when}
        data["when_nested"] = yaml.safe_dump(nested, allow_unicode=True, sort_keys=False) if nested else ""
        for key, _kind, _label in CODE_CONDITIONS:
            data[f"when_{key}"] = list(when.get(key) or [])
        for key, _label in BOOL_CONDITIONS:
            data[f"when_{key}"] = _flag(when[key]) if key in when else ""
        for key, _label in RANGES:
            for end in ("min", "max"):
                data[f"when_{key}_{end}"] = (when.get(key) or {}).get(end)
        data["when_weeks_unknown"] = _flag((when.get("weeks") or {})["unknown"]) if "unknown" in (
            when.get("weeks") or {}) else ""
        for key, _label, _nullable in FLAGS:
            flags = when.get("flags") or {}
            data[f"when_flag_{key}"] = _flag(flags[key]) if key in flags else ""
        for kind, _vkind, code_key, num_key, _label in RANKED:
            for item in then.get(kind) or []:
                code, number = (item, DEFAULT_RANK) if isinstance(item, str) else (item[code_key], item.get(num_key))
                data[f"then_{kind}__{code}"] = DEFAULT_RANK if number is None else number
            data[f"excludes_{kind}"] = list((then.get("excludes") or {}).get(kind) or [])
        for n, step in enumerate(then.get("steps") or []):
            data.update({f"step_{n}_actor": step.get("actor", ""), f"step_{n}_order": step.get("order"),
                         f"step_{n}_text": step.get("text", "")})
        return data

    # ------------------------------------------------------------------ validation and the rule back

    def clean_when_nested(self) -> dict[str, Any]:
        text = self.cleaned_data.get("when_nested") or ""
        if not text.strip():
            return {}
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = _(" (regel %(n)d)") % {"n": mark.line + 1} if mark is not None else ""
            raise forms.ValidationError(_("Dit is geen geldige YAML%(where)s.") % {"where": where}) from None
        if not isinstance(data, dict) or not data or set(data) - set(NESTED):
            raise forms.ValidationError(_("Verwacht alleen de sleutels all, any en/of none, elk met een lijst voorwaarden."))
        return data

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(self.step_count):
            actor, text = data.get(f"step_{n}_actor"), (data.get(f"step_{n}_text") or "").strip()
            order = data.get(f"step_{n}_order")
            if (actor or text or order is not None) and not (actor and text and order is not None):
                for name, missing in ((f"step_{n}_actor", not actor), (f"step_{n}_order", order is None),
                                      (f"step_{n}_text", not text)):
                    if missing and name not in self.errors:
                        self.add_error(name, _("Een stap heeft wie, volgorde en tekst; vul alle drie in of maak ze leeg."))
        for kind, _vkind, _code, _num, _label in RANKED:
            added = {c for c in self.vocab[RANKED_KIND[kind]] if data.get(f"then_{kind}__{c}") is not None}
            both = added & set(data.get(f"excludes_{kind}") or [])
            if both:
                self.add_error(f"excludes_{kind}", _("Een regel kan een code niet toevoegen én uitsluiten: %(codes)s.")
                               % {"codes": ", ".join(self.vocab[RANKED_KIND[kind]][c] for c in sorted(both))})
        return data

    def to_rule(self) -> dict[str, Any]:
        """The rule as the cleaned fields say, in the key order of the old rule; untouched parts as they were."""
        data, old = self.cleaned_data, self.rule
        old_when, old_then = old.get("when") or {}, old.get("then") or {}
        parts = [data["source"], *[p for p in data.get("source_more") or [] if p != data["source"]]]
        source = old.get("source") if parts == source_parts(str(old.get("source", "")), self.sources) else (
            source_text(parts, self.sources))
        when: dict[str, Any] = {}
        for key in NESTED:
            if key in data["when_nested"]:
                when[key] = data["when_nested"][key]
        for key, kind, _label in CODE_CONDITIONS:
            chosen = data.get(f"when_{key}") or []
            if chosen:
                when[key] = _keep_order(old_when.get(key), chosen, list(self.vocab[kind]))
        for key, _label in BOOL_CONDITIONS:
            if data.get(f"when_{key}"):
                when[key] = _unflag(data[f"when_{key}"])
        for key, _label in RANGES:
            spec = {end: data[f"when_{key}_{end}"] for end in ("min", "max") if data.get(f"when_{key}_{end}") is not None}
            if key == "weeks" and data.get("when_weeks_unknown"):
                spec["unknown"] = _unflag(data["when_weeks_unknown"])
            if spec:
                when[key] = {k: spec[k] for k in (*(old_when.get(key) or {}), *spec) if k in spec}
        flags = {key: _unflag(data[f"when_flag_{key}"]) for key, _l, _n in FLAGS if data.get(f"when_flag_{key}")}
        if flags:
            old_flags = old_when.get("flags") or {}
            when["flags"] = {k: flags[k] for k in (*old_flags, *flags) if k in flags}
        then: dict[str, Any] = {}
        for kind, vkind, code_key, num_key, _label in RANKED:
            items = self._ranked(kind, vkind, code_key, num_key, old_then.get(kind) or [])
            if items:
                then[kind] = items
        steps = [{"actor": data[f"step_{n}_actor"], "order": data[f"step_{n}_order"],
                  "text": " ".join(data[f"step_{n}_text"].split())}
                 for n in range(self.step_count) if data.get(f"step_{n}_actor")]
        old_steps = {(s.get("actor"), s.get("order"), " ".join(str(s.get("text", "")).split())): s
                     for s in old_then.get("steps") or []}
        if steps:
            then["steps"] = [old_steps.get((s["actor"], s["order"], s["text"]), s) for s in steps]
        excludes = {kind: _keep_order((old_then.get("excludes") or {}).get(kind), data[f"excludes_{kind}"],
                                      list(self.vocab[vkind]))
                    for kind, vkind, *_rest in RANKED if data.get(f"excludes_{kind}")}
        if excludes:
            old_ex = old_then.get("excludes") or {}
            then["excludes"] = {k: excludes[k] for k in (*old_ex, *excludes) if k in excludes}
        new = {"id": old.get("id"), "source": source, "description": data["description"].strip(),
               "priority": data["priority"], "when": self._ordered(when, old_when),
               "then": self._ordered(then, old_then), "reason": self._text(data["reason"], old.get("reason"))}
        if new["description"] == " ".join(str(old.get("description", "")).split()):
            new["description"] = old.get("description")
        return {k: new[k] for k in (*old, *new) if k in new}

    @staticmethod
    def _ordered(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
        keys = [*[k for k in old if k in new], *[k for k in new if k not in old]]
        return {k: old[k] if k in old and old[k] == new[k] else new[k] for k in keys}

    @staticmethod
    def _text(new: str, old: Any) -> str:
        # the textarea gives the folded text back; keep the old text when only its line breaks differ
        return old if isinstance(old, str) and " ".join(old.split()) == " ".join(new.split()) else new.strip()

    def _ranked(self, kind: str, vkind: str, code_key: str, num_key: str, old: list[Any]) -> list[Any]:
        numbers = {c: self.cleaned_data.get(f"then_{kind}__{c}") for c in self.vocab[vkind]}
        numbers = {c: n for c, n in numbers.items() if n is not None}
        out: list[Any] = []
        for item in old:
            code = item if isinstance(item, str) else item[code_key]
            if code not in numbers:
                continue
            current = DEFAULT_RANK if isinstance(item, str) else item.get(num_key, DEFAULT_RANK)
            out.append(item if current == numbers[code] else {code_key: code, num_key: numbers.pop(code)})
            numbers.pop(code, None)
        out += [{code_key: c, num_key: n} for c, n in numbers.items()]
        return out

    # ------------------------------------------------------------------ for the template

    problem_map: dict[str, list[str]] = {}  # content check problems per field (rule_problems.place)

    def sections(self) -> list[dict[str, Any]]:
        """The fields in groups as the page shows them: each field with its content-check problems, each group
        with the problems about it as a whole (a ranked list, the steps)."""
        problems = self.problem_map

        def bound(names: list[str]) -> list[dict[str, Any]]:
            return [{"f": self[n], "problems": problems.get(n, []), "multi": isinstance(self.fields[n],
                     forms.MultipleChoiceField), "text": isinstance(self.fields[n].widget, forms.Textarea)}
                    for n in names if n in self.fields]

        def group(key: str, title: Any, names: list[str], **extra: Any) -> dict[str, Any]:
            fields = bound(names)
            filled = any(item["f"].value() not in (None, "", []) for item in fields)
            return {"key": key, "title": title, "fields": fields, "problems": problems.get(key, []),
                    "open": filled or any(item["problems"] for item in fields) or bool(problems.get(key)), **extra}

        groups = [group("rule", _("Regel"), ["description", "priority", "source", "source_more", "reason"])]
        cond = [f"when_{k}" for k, _v, _l in CODE_CONDITIONS]
        cond += [f"when_{k}" for k, _l in BOOL_CONDITIONS]
        cond += [f"when_{k}_{e}" for k, _l in RANGES for e in ("min", "max")] + ["when_weeks_unknown"]
        cond += [f"when_flag_{k}" for k, _l, _n in FLAGS] + ["when_nested"]
        groups.append(group("when", _("Voorwaarden (alle gegeven voorwaarden moeten gelden)"), cond))
        for kind, vkind, _c, _n, label in RANKED:
            groups.append(group(f"ranked_{kind}", label, [f"then_{kind}__{c}" for c in self.vocab[vkind]],
                                ranked=True))
        groups.append(group("excludes", _("Sluit uit (en blokkeert voor latere regels)"),
                            [f"excludes_{k}" for k, *_r in RANKED]))
        steps = [{"n": n + 1, "fields": bound([f"step_{n}_actor", f"step_{n}_order", f"step_{n}_text"])}
                 for n in range(self.step_count)]
        groups.append({**group("steps", _("Stappen"), []), "steps": steps, "open": True})
        return groups


RANKED_KIND = {kind: vkind for kind, vkind, *_rest in RANKED}


SITUATION_LABELS = {
    "phase": _("Fase"), "weeks_since_birth": _("Weken na de geboorte (niet verplicht)"), "reporter": _("Wie vraagt"),
    "wijk": _("Wijk"), "concerns": _("Zorgen"), "buurtteam_involved": _("Kent het buurtteam het gezin?"),
    "urgent": _("Spoed?"), "child_protection_order": _("Kinderbeschermingsmaatregel?"),
    "ambulant_sufficient": _("Volstaat ambulante hulp?"), "related_to_baby_care": _("Hangt de vraag samen met de zorg voor de baby?"),
    "involved": _("Al betrokken"), "parent_minor": _("Is een ouder minderjarig?"),
    "help_question": _("Heeft het gezin een hulpvraag?"),
}
_YN = (("nee", _("nee")), ("ja", _("ja")))
_YNU = (("onbekend", _("weet ik niet")), ("ja", _("ja")), ("nee", _("nee")))
FLAG_CHOICES = {"buurtteam_involved": _YNU, "urgent": _YN, "child_protection_order": _YN,
                "ambulant_sufficient": (("ja", _("ja")), ("nee", _("nee"))),
                "related_to_baby_care": (("ja", _("ja")), ("nee", _("nee"))), "parent_minor": _YN,
                "help_question": _YNU}


class VignetteForm(forms.Form):
    """A vignette to add: id, story, source, the situation as the wizard asks it, and what to expect."""

    vignette_id = forms.RegexField(label=_("Id van het vignet"), regex=r"^[A-Za-z][A-Za-z0-9-]{1,30}$", max_length=31,
                                   error_messages={"required": _("Geef het vignet een id, bijvoorbeeld V40."),
                                                   "invalid": _("Een id is letters, cijfers en streepjes, bijvoorbeeld V40.")})
    story = forms.CharField(label=_("Het verhaal (de casus in één of twee zinnen)"), min_length=10, max_length=1000,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            error_messages={"required": _("Beschrijf de casus in één of twee zinnen."),
                                            "min_length": _("Het verhaal is te kort: minstens 10 tekens.")})
    source = forms.ChoiceField(label=_("Bron: paragraaf die de verwachting onderbouwt"), choices=(),
                               error_messages={"required": _("Kies de paragraaf die de verwachting onderbouwt."),
                                               "invalid_choice": _("Kies een paragraaf uit de bronnenlijst.")})
    expect_first = forms.MultipleChoiceField(
        label=_("Verwacht eerste contact: een van"), choices=(), widget=forms.CheckboxSelectMultiple, required=False,
        error_messages={"invalid_choice": _("“%(value)s” is geen code van deze route.")})
    expect_laws = forms.MultipleChoiceField(
        label=_("Verwachte wetten"), choices=(), widget=forms.CheckboxSelectMultiple, required=False,
        error_messages={"invalid_choice": _("“%(value)s” is geen code van deze route.")})
    expect_warnings = forms.MultipleChoiceField(
        label=_("Verwachte waarschuwingen"), choices=(), widget=forms.CheckboxSelectMultiple, required=False,
        error_messages={"invalid_choice": _("“%(value)s” is geen code van deze route.")})

    SITUATION_FORMS = (PhaseForm, WhoForm, ConcernsForm, KnownForm)

    def __init__(self, *args: Any, route: str | None, vocab: dict[str, dict[str, str]], sources: Sources,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.route = route
        self.fields["source"].choices = [("", _("Kies een paragraaf")), *source_choices(sources)]  # type: ignore[attr-defined]
        for name, kind in (("expect_first", "roles"), ("expect_laws", "laws"), ("expect_warnings", "warnings")):
            self.fields[name].choices = list(vocab[kind].items())  # type: ignore[attr-defined]
        data = args[0] if args else kwargs.get("data")
        self.situation_forms = [f(data, route=route, prefix="s") for f in self.SITUATION_FORMS]
        for form in self.situation_forms:  # the wizard's own fields, with labels and widgets for one page
            for name, field in form.fields.items():
                field.label = SITUATION_LABELS.get(name, name)
                if isinstance(field, forms.MultipleChoiceField):
                    field.widget = forms.CheckboxSelectMultiple(choices=field.choices)  # type: ignore[arg-type]
                elif name in FLAG_CHOICES:
                    field.widget = forms.Select(choices=FLAG_CHOICES[name])

    def situation_items(self) -> list[dict[str, Any]]:
        return [{"f": form[name], "problems": [], "multi": isinstance(form.fields[name], forms.MultipleChoiceField),
                 "text": False} for form in self.situation_forms for name in form.fields]

    def own_items(self) -> list[dict[str, Any]]:
        return [{"f": self[name], "problems": [], "multi": isinstance(self.fields[name], forms.MultipleChoiceField),
                 "text": isinstance(self.fields[name].widget, forms.Textarea)} for name in self.fields]

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return all([valid, *[f.is_valid() for f in self.situation_forms]])

    def situation(self) -> dict[str, Any]:
        """The situation as a vignette writes it: only what was given (defaults left out)."""
        out: dict[str, Any] = {}
        for form in self.situation_forms:
            for name in form.fields_owned:
                value = form.cleaned_data.get(name)
                default = {"buurtteam_involved": None, "ambulant_sufficient": True, "related_to_baby_care": True,
                           "help_question": None}.get(name, False)
                if value in (None, "", []) or (isinstance(value, bool) and value == default):
                    continue
                out[name] = value
        return out

    def to_vignette(self) -> dict[str, Any]:
        data = self.cleaned_data
        expect: dict[str, Any] = {}
        if data.get("expect_first"):
            expect["first_involve_any"] = data["expect_first"]
        if data.get("expect_laws"):
            expect["laws_includes"] = data["expect_laws"]
        if data.get("expect_warnings"):
            expect["warnings_includes"] = data["expect_warnings"]
        return {"id": data["vignette_id"], "source": data["source"], "story": " ".join(data["story"].split()),
                "situation": self.situation(), "expect": expect}
