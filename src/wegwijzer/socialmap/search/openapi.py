"""OpenAPI 3 description of the search endpoint (merged by wegwijzer.core.openapi)."""

from __future__ import annotations

from .service import MAX_LIMIT

SEARCH_SCHEMAS = {
    "SearchResult": {
        "type": "object",
        "required": ["slug", "kind", "name", "summary", "url"],
        "properties": {
            "slug": {"type": "string", "description": "Vaste code van het record"},
            "kind": {
                "type": "string",
                "description": "Soort record: rol, aanbod, organisatie, team, netwerk of wijk",
            },
            "name": {"type": "string"},
            "summary": {"type": "string"},
            "url": {"type": "string", "description": "Detailpagina"},
        },
    },
}

SEARCH_PATHS = {
    "/search": {
        "get": {
            "tags": ["sociale kaart"],
            "summary": "Zoeken in de sociale kaart",
            "description": (
                "Zoekt zoals professionals typen: Nederlandse stammen, samenstellingen, synoniemen en "
                "tikfouten. Resultaten op relevantie. Een lege zoekterm geeft een lege lijst."
            ),
            "operationId": "search",
            "parameters": [
                {"name": "q", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 200},
                 "description": "Zoekterm; langer dan 200 tekens wordt afgekapt"},
                {"name": "limit", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 20}},
            ],
            "responses": {
                "200": {
                    "description": "Resultaten op relevantie",
                    "content": {"application/json": {"schema": {
                        "type": "object",
                        "required": ["results"],
                        "properties": {
                            "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchResult"}},
                        },
                    }}},
                },
                "400": {
                    "description": "Ongeldige parameter (limit)",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                },
            },
        }
    }
}

# Names read by wegwijzer.core.openapi.
PATHS = SEARCH_PATHS
SCHEMAS = SEARCH_SCHEMAS
