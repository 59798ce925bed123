"""Plain Dutch (and English under /en/) for the access log and the timeline: what a reader sees instead of
the stored codes ("agreement", "plansection", "membership (user=…)"). Presentation only; nothing is stored.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import vocab

# What each logged object type is, as a reader would name it.
OBJECT_NAMES = {
    "gezinsplan": gettext_lazy("het gezinsplan"),
    "agreement": gettext_lazy("een afspraak"),
    "plansection": gettext_lazy("een stap van het plan"),
    "plan": gettext_lazy("de stappen van het plan"),
    "regie": gettext_lazy("de regie"),
    "consent": gettext_lazy("een toestemming"),
    "meeting": gettext_lazy("een MDO"),
    "membership": gettext_lazy("het team"),
    "team": gettext_lazy("het team"),
    "handover": gettext_lazy("een warme overdracht"),
    "feedback": gettext_lazy("een terugkoppeling"),
    "fhir": gettext_lazy("de export (FHIR)"),
    "print": gettext_lazy("de afdrukversie"),
    "timeline": gettext_lazy("de tijdlijn"),
    "auditlog": gettext_lazy("het logboek"),
    "verwijzing": gettext_lazy("een verwijzing"),
    "uitnodiging": gettext_lazy("een uitnodiging voor een collega"),
    "ouderinzage": gettext_lazy("de inzage voor ouders"),
    "ouderinzage-code": gettext_lazy("een inlogcode voor ouders"),
}

# Timeline kinds (selectors.gezinsplan_timeline) as a reader names them.
KIND_NAMES = {
    "gezinsplan": gettext_lazy("Gezinsplan"),
    "team": gettext_lazy("Team"),
    "plan": gettext_lazy("Plan"),
    "afspraak": gettext_lazy("Afspraak"),
    "toestemming": gettext_lazy("Toestemming"),
    "mdo": gettext_lazy("MDO"),
    "overdracht": gettext_lazy("Overdracht"),
    "terugkoppeling": gettext_lazy("Terugkoppeling"),
    "verwijzing": gettext_lazy("Verwijzing"),
}

_DETAIL_WORDS = {
    "afdruk": gettext_lazy("afgedrukt"),
    "fhir": gettext_lazy("als FHIR-bestand"),
    "ics": gettext_lazy("als agenda-uitnodiging"),
    "gesloten": gettext_lazy("gesloten"),
    "sluiten": gettext_lazy("sluiten"),
    "ingetrokken": gettext_lazy("ingetrokken"),
    "gebruikt": gettext_lazy("gebruikt"),
    "persoonsgegevens verwijderd": gettext_lazy("persoonsgegevens verwijderd"),
    "ouders=ja": gettext_lazy("gedeeld met de ouders"),
    "ouders=nee": gettext_lazy("niet meer gedeeld met de ouders"),
}

_REGIE_ROLES = {
    "lead_member": gettext_lazy("regiehouder"),
    "support_member": gettext_lazy("ondersteunt de ouders bij de regie"),
    "records_member": gettext_lazy("legt afspraken vast"),
    "monitors_member": gettext_lazy("ziet toe op nakomen van afspraken"),
    "informs_member": gettext_lazy("informeert de anderen"),
}


def object_name(object_type: str) -> str:
    return str(OBJECT_NAMES.get(object_type, object_type or _("onbekend")))


def kind_name(kind: str) -> str:
    return str(KIND_NAMES.get(kind, kind))


def detail_text(detail: str) -> str:
    """The structural detail of a log row ("user=bob", "van=a aan=b", "version=3", "velden=label,wijk") in words."""
    if not detail:
        return ""
    if detail in _DETAIL_WORDS:
        return str(_DETAIL_WORDS[detail])
    words: list[str] = []
    for part in detail.split():
        key, _sep, value = part.partition("=")
        if not _sep:
            words.append(str(_REGIE_ROLES.get(key) or {"eigenaar": _("eigenaar"), "deelnemer": _("deelnemer")}.get(key, key)))
        elif key == "user":
            words.append(_("teamlid %(name)s") % {"name": value})
        elif key == "van":
            words.append(_("van %(name)s") % {"name": value})
        elif key == "aan":
            words.append(_("aan %(name)s") % {"name": value})
        elif key == "version":
            words.append(_("versie %(n)s") % {"n": value})
        elif key == "velden":
            words.append(_("velden: %(fields)s") % {"fields": value.replace(",", ", ")})
        elif key == "step":
            words.append(_("stap %(n)s") % {"n": value})
        else:
            words.append(part)
    return " ".join(words)


def audit_sentence(entry: Any) -> str:
    """One access-log row as a reader says it: "een afspraak (eigenaar van ann aan bob)"."""
    detail = detail_text(entry.detail)
    name = object_name(entry.object_type)
    return f"{name} ({detail})" if detail else name


def role_name(code: str) -> str:
    return str(vocab.label("roles", code)) if code else _("onbekend")
