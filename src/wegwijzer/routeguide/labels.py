"""The route guide's labels: vocabulary codes with the Dutch labels the wizard and advice pages show.

Below both forms.py and wizard.py (they import this, never each other in a circle). The codes come from
the one cached vocabulary (wegwijzer.core.vocabulary); only the reporter labels differ from the engine's.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from wegwijzer.core.vocabulary import vocabulary as shared_vocabulary

DEFAULT_ROUTE = "eerste-1000-dagen"  # content.DEFAULT_ROUTE; labels stays below the service's imports
OTHER_REPORTER_LABEL = _("Andere professional")
# Reporters that are not role codes (contract revision 2): each acts as the role vocabulary.reporter_roles names.
REPORTER_LABELS = {
    "gynaecoloog": _("Gynaecoloog (ziekenhuis)"),
    "kinderarts": _("Kinderarts (ziekenhuis)"),
    "klinisch-verloskundige": _("Klinisch verloskundige (ziekenhuis)"),
    "jeugdarts": _("Jeugdarts (JGZ)"),
    "poh-ggz-jeugd": _("POH-GGZ jeugd (huisartspraktijk)"),
}


def vocabulary(route: str | None = None) -> dict[str, dict[str, str]]:
    """Codes with their Dutch labels, in the vocabulary's order (reporters labelled by their role); with a
    route other than the default, that route's vocabulary (the product's plus its own codes).

    Built per call (a few small dict copies): the reporter fallback label follows the active language.
    """
    if route and route != DEFAULT_ROUTE:
        from .service import route_vocabulary  # the service caches each route's rule set and vocabulary

        vocab: Any = route_vocabulary(route)
    else:
        vocab = shared_vocabulary()
    roles = dict(vocab.roles)
    other = str(OTHER_REPORTER_LABEL)
    return {
        "phases": dict(vocab.phases),
        "reporters": {code: roles.get(code) or str(REPORTER_LABELS.get(code, other)) for code in vocab.reporters},
        "wijken": dict(vocab.wijken),
        "concerns": dict(vocab.concerns),
        "roles": roles,
        "interventions": dict(vocab.interventions),
        "laws": dict(vocab.laws),
        "warnings": dict(vocab.warnings),
    }


def label(kind: str, code: str | None, route: str | None = None) -> str:
    if code is None:
        return str(_("onbekend"))
    return vocabulary(route).get(kind, {}).get(code, code)
