"""Forms of the gezinsplan web pages: field shape, length limits and Dutch messages only.

Business rules (membership, dates against the case, optimistic locking) live in the services; the views map
a service's ValidationError back onto these forms' fields with `apply_errors`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wegwijzer.core.dates import DateFormField

from . import vocab
from .models import LONG_TEXT, MEDIUM_TEXT, SHORT_TEXT, Agreement, Feedback, Regie, Verwijzing

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]
TIME_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S"]
MAX_DECISIONS = 20

_WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.RadioSelect: "utrecht-radio-button utrecht-radio-button--html-input",
    forms.CheckboxSelectMultiple: "utrecht-checkbox utrecht-checkbox--html-input",
}
_INVALID: dict[type[forms.Widget], str] = {
    forms.Textarea: "utrecht-textarea--invalid",
    forms.Select: "utrecht-select--invalid",
    forms.CheckboxInput: "utrecht-checkbox--invalid",
    forms.RadioSelect: "utrecht-radio-button--invalid",
    forms.CheckboxSelectMultiple: "utrecht-checkbox--invalid",
}


def _widget_kind(widget: forms.Widget) -> type[forms.Widget]:
    kinds: tuple[type[forms.Widget], ...] = (
        forms.CheckboxSelectMultiple,
        forms.RadioSelect,
        forms.Select,
        forms.Textarea,
        forms.CheckboxInput,
    )
    for kind in kinds:
        if isinstance(widget, kind):
            return kind
    return forms.TextInput


class UtrechtForm(forms.Form):
    """NL Design System classes on every widget; errors linked to their field (aria-describedby)."""

    template_name = "gezinsplan/_form_fields.html"

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.widget.is_hidden:
                continue
            kind = _widget_kind(field.widget)
            css = _WIDGET_CLASSES.get(kind, "utrecht-textbox utrecht-textbox--html-input")
            field.widget.attrs["class"] = (field.widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_invalid()

    def mark_invalid(self) -> None:
        for name, field in self.fields.items():
            if field.widget.is_hidden or not (getattr(self, "_errors", None) or {}).get(name):
                continue
            bound = self[name]
            kind = _widget_kind(field.widget)
            invalid = _INVALID.get(kind, "utrecht-textbox--invalid")
            if invalid not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] += " " + invalid
            described = [f"{bound.auto_id}_error"]
            if field.help_text:
                described.insert(0, f"{bound.auto_id}_helptext")
            field.widget.attrs["aria-describedby"] = " ".join(described)

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        self.mark_invalid()


def write_with(
    form: forms.Form, write: Callable[[dict[str, Any]], Any], aliases: dict[str, str] | None = None
) -> tuple[bool, Any]:
    """A bound form's submission: when it validates, `write(cleaned_data)` (one service call) runs; (True, its
    result), or (False, None) with the form's own or the service's errors on the form (`apply_errors`)."""
    if not form.is_valid():
        return False, None
    try:
        return True, write(form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc, aliases)
        return False, None


def apply_errors(form: forms.Form, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: on the field it names (or its alias), else on top."""
    aliases = aliases or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, list(exc.messages))
        return
    for name, messages in exc.message_dict.items():
        target = aliases.get(name, name)
        if target in form.fields and not form.fields[target].widget.is_hidden:
            form.add_error(target, messages)
        else:
            form.add_error(None, messages)


def _date_field(
    label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = ""
) -> forms.DateField:
    # One rule for every date in the plans (core.dates): years 1900–2100, else a Dutch error on the field.
    return DateFormField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 2026-03-31.")},
    )


def _text(
    label: StrOrPromise,
    max_length: int,
    *,
    required: bool = False,
    rows: int = 0,
    help_text: StrOrPromise = "",
) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label, max_length=max_length, required=required, widget=widget, help_text=help_text, strip=True
    )


def _choices(mapping: dict[str, str], empty: str | None = None) -> list[tuple[str, str]]:
    items = sorted(mapping.items(), key=lambda kv: kv[1].lower())
    return ([("", empty)] if empty is not None else []) + items


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """The named field as a ChoiceField, so its choices can be set after construction."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), name
    return field


def member_choices(members: Any, empty: str | None = None) -> list[tuple[str, str]]:
    items = [(str(m.pk), f"{m.user} ({vocab.label('roles', m.role)})") for m in members]
    return ([("", empty)] if empty is not None else []) + items


# ---- the case ----


class GezinsplanNewForm(UtrechtForm):
    label = forms.CharField(
        label=_("Label voor dit gezin"),
        max_length=100,
        help_text=_(
            "Een label dat het team kiest, bijvoorbeeld 'Gezin Vlinder'. Geen BSN en geen volledige naam."
        ),
    )
    contact_name = _text(_("Naam contactpersoon (niet verplicht)"), SHORT_TEXT)
    contact_phone = _text(_("Telefoon contactpersoon (niet verplicht)"), 40)
    contact_email = forms.EmailField(
        label=_("E-mail contactpersoon (niet verplicht)"), max_length=254, required=False
    )

    def __init__(self, *args: Any, with_codes: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if with_codes:
            self.fields["phase"] = forms.ChoiceField(
                label=_("Fase (niet verplicht)"),
                required=False,
                choices=_choices(vocab.phases(), empty=str(_("Onbekend"))),
            )
            self.fields["wijk"] = forms.ChoiceField(
                label=_("Wijk (niet verplicht)"),
                required=False,
                choices=_choices(vocab.wijken(), empty=str(_("Onbekend"))),
            )
            # re-apply widget classes to the new fields
            for name in ("phase", "wijk"):
                self.fields[name].widget.attrs["class"] = "utrecht-select utrecht-select--html-select"


class SectionForm(UtrechtForm):
    content = _text(
        _("Wat is er vastgesteld?"), LONG_TEXT, rows=8, help_text=_("In gewone taal, samen met de ouders.")
    )
    considerations = _text(
        _("Afwegingen"),
        LONG_TEXT,
        rows=6,
        help_text=_(
            "Waarom is dit besloten? Welke alternatieven zijn gewogen? Zo blijven de afwegingen navolgbaar."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


# ---- the care team ----


class MemberAddForm(UtrechtForm):
    username = forms.CharField(
        label=_("Gebruikersnaam"),
        max_length=150,
        help_text=_("De gebruikersnaam van de professional in Wegwijzer. Weet u die niet? Zoek hierboven op naam, organisatie of rol."),
    )
    role = forms.ChoiceField(label=_("Rol in dit team"), required=False)
    valid_to = _date_field(
        _("Lid tot (niet verplicht)"),
        required=False,
        help_text=_("Laat leeg als het einde nog niet vaststaat."),
    )

    def __init__(self, *args: Any, consent_warning: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choice_field(self, "role").choices = _choices(
            vocab.roles(), empty=str(_("Eigen rol van de professional"))
        )
        if consent_warning:  # asked only when no recorded consent names this party (selectors.consent_covers)
            self.fields["consent_confirmed"] = forms.BooleanField(
                label=_("Ik voeg deze professional toch toe; ik leg de toestemming van de ouders zo snel mogelijk vast."),
                required=True,
                error_messages={"required": _("Bevestig dat u toevoegt zonder vastgelegde toestemming, of leg eerst de toestemming vast.")},
            )
            self.fields["consent_confirmed"].widget.attrs["class"] = _WIDGET_CLASSES[forms.CheckboxInput]

    def clean_valid_to(self):
        value = self.cleaned_data.get("valid_to")
        if value and value <= timezone.localdate():
            raise ValidationError(_("De einddatum moet na vandaag liggen."))
        return value


class ColleagueInviteForm(UtrechtForm):
    name = forms.CharField(label=_("Naam van de collega"), max_length=SHORT_TEXT)
    email = forms.EmailField(label=_("E-mailadres van de collega"), max_length=254)
    organization_slug = forms.ChoiceField(label=_("Organisatie"))
    role = forms.ChoiceField(label=_("Rol in dit team"))

    def __init__(self, *args: Any, organizations: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choice_field(self, "organization_slug").choices = [("", str(_("Kies…"))), *organizations]
        _choice_field(self, "role").choices = _choices(vocab.roles(), empty=str(_("Kies…")))


class InvitationAcceptForm(UtrechtForm):
    username = forms.CharField(
        label=_("Kies een gebruikersnaam"),
        max_length=150,
        help_text=_("Letters, cijfers en de tekens @ . + - _. Hiermee logt u voortaan in."),
    )
    password = forms.CharField(
        label=_("Kies een wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minstens 12 tekens."),
    )
    password_again = forms.CharField(
        label=_("Herhaal het wachtwoord"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", _("De twee wachtwoorden zijn niet gelijk."))
        return data


class RegieForm(UtrechtForm):
    lead = forms.ChoiceField(
        label=_("Wie heeft de regie?"), choices=Regie.Lead.choices, widget=forms.RadioSelect
    )
    lead_member = forms.ChoiceField(
        label=_("Regiehouder (als een professional de regie heeft)"), required=False
    )
    support_member = forms.ChoiceField(label=_("Ondersteunt de ouders bij de regie"), required=False)
    records_member = forms.ChoiceField(label=_("Legt de afspraken vast"), required=False)
    monitors_member = forms.ChoiceField(label=_("Ziet toe op het nakomen van afspraken"), required=False)
    informs_member = forms.ChoiceField(label=_("Informeert de anderen"), required=False)
    informs_text = _text(_("Wie informeert wie?"), MEDIUM_TEXT, rows=3)
    notes = _text(_("Toelichting"), MEDIUM_TEXT, rows=3)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    MEMBER_FIELDS = ("lead_member", "support_member", "records_member", "monitors_member", "informs_member")

    def __init__(self, *args: Any, members: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = member_choices(members, empty=str(_("Nog niet afgesproken")))
        for name in self.MEMBER_FIELDS:
            _choice_field(self, name).choices = choices


# ---- agreements ----


class AgreementForm(UtrechtForm):
    what = _text(_("Wat is afgesproken?"), MEDIUM_TEXT, required=True, rows=3)
    owner = forms.ChoiceField(label=_("Wie is eigenaar?"), required=False)
    due_date = _date_field(_("Uiterlijk op (niet verplicht)"), required=False)

    def __init__(self, *args: Any, members: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choice_field(self, "owner").choices = member_choices(members, empty=str(_("Nog niemand")))


class AgreementStatusForm(UtrechtForm):
    status = forms.ChoiceField(label=_("Status"), choices=Agreement.Status.choices)


# ---- consent ----


class ConsentForm(UtrechtForm):
    what = _text(_("Wat mag gedeeld worden?"), MEDIUM_TEXT, required=True, rows=3)
    with_whom = _text(_("Met wie?"), MEDIUM_TEXT, required=True, rows=2)
    given_by = _text(
        _("Gegeven door (niet verplicht)"), SHORT_TEXT, help_text=_("Bijvoorbeeld: beide ouders.")
    )
    given_on = _date_field(_("Gegeven op"))


class ConsentWithdrawForm(UtrechtForm):
    withdrawn_on = _date_field(
        _("Ingetrokken op (niet verplicht)"), required=False, help_text=_("Leeg is vandaag.")
    )


# ---- MDO ----


def _decision_lines(value: str) -> list[str]:
    lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
    if len(lines) > MAX_DECISIONS:
        raise ValidationError(_("Maximaal %(max)d besluiten tegelijk.") % {"max": MAX_DECISIONS})
    for line in lines:
        if len(line) > MEDIUM_TEXT:
            raise ValidationError(_("Een besluit is maximaal %(max)d tekens.") % {"max": MEDIUM_TEXT})
    return lines


class MeetingForm(UtrechtForm):
    date = _date_field(_("Datum"))
    time = forms.TimeField(
        label=_("Begintijd"),
        input_formats=TIME_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Vul een geldige tijd in, bijvoorbeeld 14:30.")},
    )
    duration_minutes = forms.IntegerField(label=_("Duur in minuten"), min_value=5, max_value=600, initial=60)
    location = _text(_("Locatie (niet verplicht)"), SHORT_TEXT)
    participants = forms.MultipleChoiceField(
        label=_("Deelnemers uit het team"), required=False, widget=forms.CheckboxSelectMultiple
    )
    family_participates = forms.BooleanField(label=_("Het gezin neemt deel"), required=False)
    other_participants = _text(_("Andere deelnemers (niet verplicht)"), MEDIUM_TEXT, rows=2)
    minutes = _text(_("Verslag (niet verplicht)"), LONG_TEXT, rows=4)
    decisions = forms.CharField(
        label=_("Besluiten (niet verplicht)"),
        required=False,
        max_length=MAX_DECISIONS * (MEDIUM_TEXT + 1),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Eén besluit per regel. Van een besluit maakt u daarna een afspraak."),
    )

    def __init__(self, *args: Any, members: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choice_field(self, "participants").choices = member_choices(members)

    def clean_decisions(self) -> list[str]:
        return _decision_lines(self.cleaned_data.get("decisions", ""))


class MinutesForm(UtrechtForm):
    minutes = _text(_("Verslag"), LONG_TEXT, rows=6)
    decisions = forms.CharField(
        label=_("Nieuwe besluiten (niet verplicht)"),
        required=False,
        max_length=MAX_DECISIONS * (MEDIUM_TEXT + 1),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Eén besluit per regel."),
    )

    def clean_decisions(self) -> list[str]:
        return _decision_lines(self.cleaned_data.get("decisions", ""))


class DecisionAgreementForm(UtrechtForm):
    decision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    owner = forms.ChoiceField(label=_("Eigenaar"), required=False)
    due_date = _date_field(_("Uiterlijk op (niet verplicht)"), required=False)

    def __init__(self, *args: Any, members: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choice_field(self, "owner").choices = member_choices(members, empty=str(_("Nog niemand")))


# ---- referrals (verwijzingen) ----


class VerwijzingForm(UtrechtForm):
    target = forms.ChoiceField(
        label=_("Naar welk aanbod of welke organisatie?"),
        help_text=_("Uit de sociale kaart. Zoek hierboven op naam om de lijst korter te maken."),
        error_messages={"required": _("Kies een aanbod of organisatie van de sociale kaart.")},
    )
    monitors = forms.ChoiceField(
        label=_("Wie houdt toezicht op de inzet?"),
        required=False,
        help_text=_("Wie een andere partij inschakelt, blijft betrokken. Standaard het buurtteam of de aanvullende jeugdhulp."),
    )
    consents = forms.MultipleChoiceField(
        label=_("Toestemming van het gezin voor deze verwijzing"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Alleen met toestemming krijgen de huisarts en de JGZ bericht over de status."),
    )
    note = _text(_("Toelichting (niet verplicht)"), MEDIUM_TEXT, rows=3)
    huisarts_email = forms.EmailField(label=_("E-mail huisarts (niet verplicht)"), max_length=254, required=False)
    jgz_email = forms.EmailField(label=_("E-mail JGZ (niet verplicht)"), max_length=254, required=False)

    def __init__(
        self, *args: Any, targets: Any = (), members: Any = (), consents: Any = (), double: bool = False, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        _choice_field(self, "target").choices = [("", str(_("Kies…"))), *targets]
        _choice_field(self, "monitors").choices = member_choices(members, empty=str(_("Nog niemand")))
        _choice_field(self, "consents").choices = [
            (str(c.pk), f"{c.what[:80]} — {c.with_whom[:60]}") for c in consents if c.is_active
        ]
        if double:  # asked only after the service named a possible double referral (Proeftuin §4.4.3)
            self.fields["accept_double"] = forms.BooleanField(
                label=_("Ik heb de waarschuwing gelezen en verwijs toch."),
                required=True,
                error_messages={"required": _("Bevestig dat u toch verwijst, of kies een ander aanbod.")},
            )
            self.fields["accept_double"].widget.attrs["class"] = _WIDGET_CLASSES[forms.CheckboxInput]

    def forget_confirmation_error(self) -> None:
        """The first time the warning shows, the unticked box is a question, not an error."""
        if self.errors.pop("accept_double", None) is not None:
            attrs = self.fields["accept_double"].widget.attrs
            attrs.pop("aria-describedby", None)
            attrs["class"] = _WIDGET_CLASSES[forms.CheckboxInput]

    def target_parts(self) -> tuple[str, str]:
        """(kind, code) of the chosen target ("service:abc" -> ("service", "abc"))."""
        kind, _sep, slug = self.cleaned_data["target"].partition(":")
        return kind, slug


class VerwijzingStatusForm(UtrechtForm):
    status = forms.ChoiceField(label=_("Nieuwe status"))
    on = _date_field(_("Op (niet verplicht)"), required=False, help_text=_("Leeg is vandaag."))
    reason = _text(_("Reden (nodig bij afgewezen)"), MEDIUM_TEXT, rows=2)

    def __init__(self, *args: Any, current: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choice_field(self, "status").choices = [
            (value, label) for value, label in Verwijzing.Status.choices if value != current
        ]


# ---- handover, feedback, close ----


class HandoverForm(UtrechtForm):
    leaving = forms.ChoiceField(label=_("Wie vertrekt uit het team?"))
    successor = forms.ChoiceField(label=_("Opvolger uit het team"), required=False)
    successor_username = forms.CharField(
        label=_("Of: gebruikersnaam van een nieuwe opvolger"),
        max_length=150,
        required=False,
        help_text=_("Deze professional wordt dan eerst aan het team toegevoegd."),
    )
    note = _text(_("Overdrachtsnotitie"), LONG_TEXT, required=True, rows=6)
    family_informed = forms.BooleanField(
        label=_("Het gezin is geïnformeerd over de overdracht"), required=False
    )

    def __init__(self, *args: Any, members: Any = (), items: Any = None, leaving: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choice_field(self, "leaving").choices = member_choices(members)
        _choice_field(self, "successor").choices = member_choices(
            members, empty=str(_("Iemand anders (vul hieronder in)"))
        )
        # One choice per item the leaver holds (selectors.handover_items): who takes it over; empty = the successor.
        stay = [m for m in members if leaving is None or m.pk != leaving.pk]
        choices = member_choices(stay, empty=str(_("De opvolger")))
        self.item_fields: list[str] = []
        for agreement in getattr(items, "agreements", ()):
            self._item_field(f"agreement_{agreement.pk}", _("Afspraak „%(what)s” gaat naar") % {"what": agreement.what[:80]}, choices)
        for meeting in getattr(items, "meetings", ()):
            when = timezone.localtime(meeting.starts_at).strftime("%d-%m-%Y %H:%M")
            self._item_field(f"meeting_{meeting.pk}", _("Plaats in het MDO van %(when)s gaat naar") % {"when": when}, choices)
        self.order_fields(["leaving", "successor", "successor_username", *self.item_fields])

    def _item_field(self, name: str, label: Any, choices: list[tuple[str, str]]) -> None:
        self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False)
        self.fields[name].widget.attrs["class"] = _WIDGET_CLASSES[forms.Select]
        self.item_fields.append(name)

    def item_choices(self, prefix: str) -> dict[str, str]:
        """{item id: membership id} for the items given to someone other than the successor."""
        data = self.cleaned_data
        return {
            name.removeprefix(prefix + "_"): data[name]
            for name in self.item_fields
            if name.startswith(prefix + "_") and data.get(name)
        }

    def clean(self):
        data = super().clean()
        successor, username = data.get("successor"), data.get("successor_username")
        if not successor and not username:
            self.add_error("successor", _("Kies een opvolger uit het team of vul een gebruikersnaam in."))
        elif successor and username:
            self.add_error(
                "successor_username", _("Kies óf een teamlid óf een gebruikersnaam, niet allebei.")
            )
        elif successor and successor == data.get("leaving"):
            self.add_error("successor", _("De opvolger is iemand anders dan wie vertrekt."))
        return data


class FeedbackForm(UtrechtForm):
    recipient_role = forms.ChoiceField(
        label=_("Aan wie?"), choices=Feedback.Recipient.choices, widget=forms.RadioSelect
    )
    recipient_email = forms.EmailField(label=_("E-mailadres van de ontvanger"), max_length=254)
    message = _text(
        _("Bericht"),
        5000,
        required=True,
        rows=6,
        help_text=_(
            "Schrijf alleen wat de ontvanger moet weten; het label en de contactgegevens gaan niet mee."
        ),
    )


class CloseForm(UtrechtForm):
    confirm = forms.BooleanField(
        label=_("Ja, sluit dit gezinsplan. Daarna kan niemand het meer wijzigen."), required=True
    )
