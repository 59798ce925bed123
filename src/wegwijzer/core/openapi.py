"""The hand-written OpenAPI paths of the endpoints not yet on the one API (socialmap, search, plans).

wegwijzer.conf.api joins them into the generated document; this module goes when the last app is moved.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

CONTRIBUTORS: list[str] = []

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
        except ModuleNotFoundError:  # moved onto its router: its openapi.py is gone
            continue
        paths.update(getattr(module, "PATHS", {}))
        schemas.update(getattr(module, "SCHEMAS", {}))
    return {
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": schemas, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
