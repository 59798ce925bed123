"""The filter of the insight pages and API: a period of whole months and optionally one wijk."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wegwijzer.core.vocabulary import vocabulary

from .figures import Filters, last_months

MONTH_CHOICES = (3, 6, 12, 24)
DEFAULT_MONTHS = 12


def wijk_choices() -> list[tuple[str, str]]:
    return [("", str(_("Hele stad"))), *vocabulary().wijken.items()]


class FilterForm(forms.Form):
    maanden = forms.TypedChoiceField(
        label=_("Periode"), coerce=int, required=False, empty_value=None,
        choices=[],  # set per request in __init__: a lazy string formatted here would freeze in one language
        error_messages={"invalid_choice": _("Kies een periode van 3, 6, 12 of 24 maanden.")},
    )
    wijk = forms.ChoiceField(
        label=_("Wijk"), required=False,
        error_messages={"invalid_choice": _("Kies een wijk uit de lijst.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        wijk = self.fields["wijk"]
        assert isinstance(wijk, forms.ChoiceField)
        wijk.choices = wijk_choices()
        maanden = self.fields["maanden"]
        assert isinstance(maanden, forms.ChoiceField)
        maanden.choices = [(n, gettext("laatste %(n)s maanden") % {"n": n}) for n in MONTH_CHOICES]

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(period=last_months(data.get("maanden") or DEFAULT_MONTHS), wijk=data.get("wijk") or "")


def filters_from(params: Any) -> tuple[FilterForm, Filters | None]:
    """The bound form and its filters (None with the form's Dutch errors when a field is wrong)."""
    data = params.copy()  # a QueryDict copy is mutable
    if not data.get("maanden"):  # the select must show the period the page shows, not its first option
        data["maanden"] = str(DEFAULT_MONTHS)
    form = FilterForm(data)
    return form, (form.filters() if form.is_valid() else None)
