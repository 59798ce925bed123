"""OpenAPI fragments of the route guide (merged by wegwijzer.core.openapi): POST /advice."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .engine import load_vocabulary
from .engine.situation import WEEKS_BY_PHASE


def _codes(kind: str) -> list[str]:
    try:
        vocab = load_vocabulary(settings.CONTENT_DIR / "vocabulary.yaml")
    except Exception:  # the document must still build without content
        return []
    return list(vocab.codes(kind))


def _enum(kind: str, description: str, nullable: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": ["string", "null"] if nullable else "string", "description": description}
    codes = _codes(kind)
    if codes:
        schema["enum"] = [*codes, None] if nullable else codes
    return schema


def _list(kind: str, description: str) -> dict[str, Any]:
    return {"type": "array", "description": description, "items": _enum(kind, kind)}


WEEKS_TEXT = "; ".join(
    f"{phase}: {'leeg (null)' if rng is None else f'{rng[0]}–{rng[1]}'}" for phase, rng in WEEKS_BY_PHASE.items()
)

SCHEMAS: dict[str, Any] = {
    "Situation": {
        "type": "object",
        "description": "Wat de professional weet; alleen codes, geen persoonsgegevens.",
        "required": ["phase", "reporter", "concerns"],
        "additionalProperties": False,
        "properties": {
            "phase": _enum("phases", "Fase in de eerste 1000 dagen."),
            "weeks_since_birth": {
                "type": ["integer", "null"],
                "minimum": 0,
                "description": f"Weken sinds de geboorte, passend bij de fase ({WEEKS_TEXT}).",
            },
            "reporter": _enum("reporters", "De rol van wie vraagt."),
            "wijk": _enum("wijken", "De wijk, voor de lokale contacten.", nullable=True),
            "concerns": _list("concerns", "Signalen en vragen; mag leeg zijn."),
            "buurtteam_involved": {"type": ["boolean", "null"], "default": None,
                                   "description": "Kent het buurtteam het gezin al? null = onbekend."},
            "urgent": {"type": "boolean", "default": False, "description": "De professional ervaart spoed."},
            "child_protection_order": {"type": "boolean", "default": False,
                                       "description": "De rechter heeft een jeugdbeschermingsmaatregel opgelegd."},
            "ambulant_sufficient": {"type": "boolean", "default": True,
                                    "description": "false als hulp thuis niet (meer) past."},
            "related_to_baby_care": {"type": "boolean", "default": True,
                                     "description": "false als de vragen bij de ouder zelf liggen, los van de baby."},
        },
        "example": {
            "phase": "zwangerschap",
            "weeks_since_birth": None,
            "reporter": "verloskundige",
            "wijk": "overvecht",
            "concerns": ["jong-ouderschap", "geen-netwerk"],
            "buurtteam_involved": False,
        },
    },
    "AdviceStep": {
        "type": "object",
        "required": ["actor", "text", "because"],
        "properties": {
            "actor": {"type": "string", "description": "Rolcode van wie handelt."},
            "text": {"type": "string", "description": "Wat er moet gebeuren (Nederlands)."},
            "because": {"type": "array", "items": {"type": "string"}, "description": "Regel-id's."},
        },
    },
    "AdviceReason": {
        "type": "object",
        "required": ["rule", "source", "text", "explains"],
        "properties": {
            "rule": {"type": "string"},
            "source": {"type": "string", "description": "De paragraaf van de wegwijzer waarop de regel rust."},
            "text": {"type": "string", "description": "Waarom de regel hier geldt (Nederlands)."},
            "explains": {"type": "array", "items": {"type": "string"},
                         "description": "De codes uit involve/interventions/laws/warnings die deze regel verklaart."},
            "excludes": {"type": "array", "items": {"type": "string"},
                         "description": "Codes die deze regel uitsluit (optioneel)."},
        },
    },
    "AdviceContact": {
        "type": "object",
        "required": ["role", "name"],
        "properties": {
            "role": {"type": "string"},
            "name": {"type": "string"},
            "phone": {"type": "string"},
            "email": {"type": "string"},
            "url": {"type": "string"},
        },
        "additionalProperties": True,
    },
    "Advice": {
        "type": "object",
        "required": ["involve", "interventions", "laws", "warnings", "steps", "contacts", "reasons", "content_version"],
        "properties": {
            "involve": {**_list("roles", "Wie je betrekt, in volgorde van contact: de eerste eerst."), "uniqueItems": True},
            "interventions": {**_list("interventions", "Passend aanbod, het meest passende eerst."), "uniqueItems": True},
            "laws": {**_list("laws", "Wettelijk kader waaronder de hulp waarschijnlijk valt."), "uniqueItems": True},
            "warnings": {**_list("warnings", "Vangrails om op te letten."), "uniqueItems": True},
            "steps": {"type": "array", "items": {"$ref": "#/components/schemas/AdviceStep"}},
            "contacts": {"type": "array", "items": {"$ref": "#/components/schemas/AdviceContact"}},
            "reasons": {"type": "array", "items": {"$ref": "#/components/schemas/AdviceReason"}},
            "content_version": {"type": "string", "description": "Versie van regels en inhoud."},
            "situation": {"$ref": "#/components/schemas/Situation"},
        },
    },
}

PATHS: dict[str, Any] = {
    "/advice": {
        "post": {
            "tags": ["routewijzer"],
            "summary": "Routeadvies voor een situatie",
            "description": (
                "Geeft de route: wie je betrekt (in volgorde), passend aanbod, wettelijk kader, vangrails, "
                "stappen, lokale contacten en per regel de reden met de bron. Alleen codes; geen persoonsgegevens."
            ),
            "operationId": "adviseRoute",
            "security": [],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Situation"}}},
            },
            "responses": {
                "200": {"description": "Het advies",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Advice"}}}},
                "400": {"description": "Geen geldige JSON",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                "405": {"description": "Alleen POST",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                "422": {"description": "Ongeldige situatie: per veld wat er mis is",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
        }
    }
}
