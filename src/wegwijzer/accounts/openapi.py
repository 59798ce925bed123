"""OpenAPI 3 description of the accounts endpoints (merged by wegwijzer.core.openapi)."""

from __future__ import annotations

UNAUTHORIZED = {
    "description": "Niet ingelogd of token ongeldig (ontbreekt, onbekend, verlopen of ingetrokken).",
    "headers": {"WWW-Authenticate": {"schema": {"type": "string", "example": "Bearer"}}},
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}

SCHEMAS = {
    "Me": {
        "type": "object",
        "required": ["username", "role", "organisation", "professional", "auth"],
        "properties": {
            "username": {"type": "string"},
            "role": {"type": "string", "description": "Rolcode uit de vocabulaire, of redacteur/beleid."},
            "role_label": {"type": "string"},
            "organisation": {"type": "string", "description": "Code (slug) van de organisatie op de sociale kaart."},
            "professional": {"type": "boolean", "description": "Mag lid zijn van een gezinsplan-team."},
            "auth": {"type": "string", "enum": ["token", "session"]},
            "token_expires_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
}

PATHS = {
    "/me": {
        "get": {
            "tags": ["accounts"],
            "summary": "Wie ben ik? (controleer een API-token)",
            "description": "Authenticatie: `Authorization: Bearer TOKEN` (uitgegeven door een beheerder of met "
            "`wegwijzer users token`), of een browsersessie met tweestapsverificatie.",
            "operationId": "me",
            "security": [{"bearer": []}],
            "responses": {
                "200": {"description": "De ingelogde gebruiker.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Me"}}}},
                "401": UNAUTHORIZED,
            },
        }
    }
}
