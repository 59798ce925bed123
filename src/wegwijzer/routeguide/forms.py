"""The wizard's forms: one per screen, validating the situation fields that screen asks.

The wizard uses GET forms (the situation lives in the URL, no personal data), so these forms bind to
request.GET. Booleans travel as "ja"/"nee" (and "onbekend" for buurtteam_involved); "true"/"false"/"1"/"0"
are accepted as well, so other surfaces can link to the wizard with plain values.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .labels import vocabulary

TRUE_VALUES = {"ja", "true", "1", "on", "yes"}
FALSE_VALUES = {"nee", "false", "0", "off", "no"}
UNKNOWN_VALUES = {"onbekend", "null", "none", "weet-niet"}

WEEKS_RANGES: dict[str, tuple[int, int] | None] = {
    "kinderwens": None,
    "zwangerschap": None,
    "kraamperiode": (0, 6),
    "jonge-kind": (6, 110),
}


def parse_bool(value: str | None, *, allow_unknown: bool = False) -> bool | None | str:
    """ "ja" → True, "nee" → False, "onbekend" → None (if allowed); anything else is returned as the raw string."""
    text = (value or "").strip().lower()
    if text in TRUE_VALUES:
        return True
    if text in FALSE_VALUES:
        return False
    if allow_unknown and text in UNKNOWN_VALUES:
        return None
    return value or ""


def bool_to_query(value: bool | None) -> str:
    if value is None:
        return "onbekend"
    return "ja" if value else "nee"


def _choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class _Base(forms.Form):
    """Every wizard form: Dutch messages, never a crash on odd input. `route`: whose codes it offers."""

    #: the situation fields this form owns (query parameter names)
    fields_owned: tuple[str, ...] = ()

    def __init__(self, *args: Any, route: str | None = None, **kwargs: Any) -> None:
        self.route = route
        super().__init__(*args, **kwargs)

    def vocab(self) -> dict[str, dict[str, str]]:
        return vocabulary(self.route)


class PhaseForm(_Base):
    fields_owned = ("phase", "weeks_since_birth")

    phase = forms.ChoiceField(
        choices=(),
        error_messages={
            "required": _("Kies in welke fase het gezin is."),
            "invalid_choice": _("Kies een van de fasen uit de lijst."),
        },
    )
    weeks_since_birth = forms.CharField(required=False, max_length=10)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "phase", list(self.vocab()["phases"].items()))

    def clean_weeks_since_birth(self) -> int | None:
        raw = (self.cleaned_data.get("weeks_since_birth") or "").strip()
        if raw == "":
            return None
        try:
            weeks = int(raw)
        except ValueError:
            raise forms.ValidationError(_("Vul een heel getal in (aantal weken), of laat het veld leeg.")) from None
        if weeks < 0:
            raise forms.ValidationError(_("Het aantal weken kan niet negatief zijn."))
        return weeks

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        phase, weeks = data.get("phase"), data.get("weeks_since_birth")
        if phase and weeks is not None and "weeks_since_birth" not in self.errors:
            bounds = WEEKS_RANGES.get(phase)
            if bounds is None:
                self.add_error(
                    "weeks_since_birth",
                    _("Laat het aantal weken leeg bij kinderwens of zwangerschap: de baby is nog niet geboren."),
                )
            elif not bounds[0] <= weeks <= bounds[1]:
                self.add_error(
                    "weeks_since_birth",
                    _("Bij deze fase hoort %(low)s tot en met %(high)s weken na de geboorte.")
                    % {"low": bounds[0], "high": bounds[1]},
                )
        return data


class WhoForm(_Base):
    fields_owned = ("reporter", "wijk")

    reporter = forms.ChoiceField(
        choices=(),
        error_messages={
            "required": _("Kies wie u bent."),
            "invalid_choice": _("Kies een van de beroepen uit de lijst."),
        },
    )
    wijk = forms.ChoiceField(
        choices=(),
        required=False,
        error_messages={"invalid_choice": _("Kies een wijk uit de lijst, of kies “Onbekend”.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        vocab = self.vocab()
        _choices(self, "reporter", list(vocab["reporters"].items()))
        _choices(self, "wijk", [("", _("Onbekend")), ("onbekend", _("Onbekend")), *vocab["wijken"].items()])

    def clean_wijk(self) -> str | None:
        value = self.cleaned_data.get("wijk") or ""
        return None if value in ("", "onbekend") else value


class ConcernsForm(_Base):
    fields_owned = ("concerns",)

    concerns = forms.MultipleChoiceField(
        choices=(),
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is geen bekende zorg; kies uit de lijst.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "concerns", list(self.vocab()["concerns"].items()))

    def clean_concerns(self) -> list[str]:
        # Keep the vocabulary's order and drop duplicates: the same situation gives the same URL.
        chosen = set(self.cleaned_data.get("concerns") or [])
        return [code for code in self.vocab()["concerns"] if code in chosen]


class _FlagField(forms.CharField):
    """A yes/no(/unknown) answer in the query string."""

    def __init__(self, *, default: bool | None, allow_unknown: bool = False, **kwargs: Any) -> None:
        self.default = default
        self.allow_unknown = allow_unknown
        super().__init__(required=False, max_length=20, **kwargs)

    def clean(self, value: Any) -> bool | None:
        value = super().clean(value)
        if value in ("", None):
            return self.default
        parsed = parse_bool(value, allow_unknown=self.allow_unknown)
        if parsed is None or isinstance(parsed, bool):
            return parsed
        if self.allow_unknown:
            raise forms.ValidationError(_("Kies “ja”, “nee” of “weet ik niet”."))
        raise forms.ValidationError(_("Kies “ja” of “nee”."))


class KnownForm(_Base):
    fields_owned = (
        "buurtteam_involved",
        "urgent",
        "child_protection_order",
        "ambulant_sufficient",
        "related_to_baby_care",
        "involved",
        "parent_minor",
        "help_question",
    )

    buurtteam_involved = _FlagField(default=None, allow_unknown=True)
    urgent = _FlagField(default=False)
    child_protection_order = _FlagField(default=False)
    ambulant_sufficient = _FlagField(default=True)
    related_to_baby_care = _FlagField(default=True)
    # contract revision 2
    involved = forms.MultipleChoiceField(
        choices=(),
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is geen bekende rol; kies uit de lijst.")},
    )
    parent_minor = _FlagField(default=False)
    help_question = _FlagField(default=None, allow_unknown=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "involved", list(self.vocab()["roles"].items()))

    def clean_involved(self) -> list[str]:
        chosen = set(self.cleaned_data.get("involved") or [])
        return [code for code in self.vocab()["roles"] if code in chosen]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("buurtteam_involved") is False and "buurtteam-jeugd-gezin" in (data.get("involved") or []):
            self.add_error(
                "involved",
                _("U gaf aan dat het buurtteam het gezin nog niet kent, maar ook dat het al betrokken is. Kies één van beide."),
            )
        return data


FLAG_DEFAULTS: dict[str, bool | None] = {
    name: field.default for name, field in KnownForm.base_fields.items() if isinstance(field, _FlagField)
}
