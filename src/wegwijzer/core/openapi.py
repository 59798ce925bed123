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


def build_document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
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
            "description": "Sociale kaart (HSDS 3), routewijzer en gezinsplan voor de eerste 1000 dagen in Utrecht.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
