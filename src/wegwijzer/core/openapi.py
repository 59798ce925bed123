"""The OpenAPI 3 document, joined from each app's `openapi.py` (PATHS and SCHEMAS dicts)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from wegwijzer import __version__

CONTRIBUTORS = ["wegwijzer.socialmap", "wegwijzer.socialmap.search", "wegwijzer.routes", "wegwijzer.plans", "wegwijzer.accounts"]

ERROR_SCHEMA = {
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "Nederlandstalige foutmelding"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Per veld de fouten",
        },
    },
}


_READINESS = {"application/json": {"schema": {"$ref": "#/components/schemas/Readiness"}}}
CHECK_SCHEMA = {
    "type": "object",
    "required": ["ok", "detail"],
    "properties": {"ok": {"type": "boolean"}, "detail": {"type": "string", "description": "Nederlandse toelichting"}},
}
READINESS_SCHEMA = {
    "type": "object",
    "required": ["status", "detail", "checks"],
    "properties": {
        "status": {"enum": ["ready", "not_ready"]},
        "detail": {"type": "string", "description": "Nederlandse samenvatting"},
        "checks": {
            "type": "object",
            "description": "database, social_map (de sociale kaart heeft records), route_rules (de routeregels "
            "laden), search_index (de zoekindex is gevuld)",
            "additionalProperties": {"$ref": "#/components/schemas/ReadinessCheck"},
        },
        "missing": {"type": "array", "items": {"type": "string"}, "description": "Namen van de checks die falen"},
    },
}
# Answers every endpoint can give, whatever its own description says.
COMMON_RESPONSES = (
    "Elk endpoint antwoordt op een niet-gedeclareerde methode met 405 en een Allow-header (vóór CSRF en "
    "authenticatie); op een body die geen JSON-Content-Type heeft (application/json of application/*+json, "
    "UTF-8) met 415; op een body groter dan 256 kB met 413; en als de database onbereikbaar is met 503 en "
    "Retry-After. Alle foutantwoorden hebben de vorm Error."
)
CORE_PATHS: dict[str, Any] = {
    "/health": {
        "get": {
            "summary": "Liveness: het proces antwoordt",
            "description": "Altijd 200 zolang het proces draait; controleert de database niet. Gebruik "
            "/health/ready voor gereedheid.",
            "responses": {"200": {"description": "Het proces antwoordt"}},
        }
    },
    "/health/ready": {
        "get": {
            "summary": "Readiness: database, inhoud en zoekindex klaar",
            "description": "200 als de database bereikbaar is, de sociale kaart records heeft, de routeregels "
            "laden en de zoekindex gevuld is; anders 503 met per check wat ontbreekt en Retry-After.",
            "responses": {
                "200": {"description": "Klaar", "content": _READINESS},
                "503": {"description": "Niet klaar (Retry-After)", "content": _READINESS},
            },
        }
    },
}


def build_document() -> dict[str, Any]:
    paths: dict[str, Any] = dict(CORE_PATHS)
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA, "Readiness": READINESS_SCHEMA, "ReadinessCheck": CHECK_SCHEMA}
    for name in CONTRIBUTORS:
        try:
            module = import_module(f"{name}.openapi")
        except ModuleNotFoundError:
            continue
        paths.update(getattr(module, "PATHS", {}))
        schemas.update(getattr(module, "SCHEMAS", {}))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Wegwijzer API",
            "version": __version__,
            "description": "Sociale kaart (HSDS 3), routewijzer en gezinsplan voor de eerste 1000 dagen in Utrecht. "
            + COMMON_RESPONSES,
        },
        "servers": [{"url": "/api/v1"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
