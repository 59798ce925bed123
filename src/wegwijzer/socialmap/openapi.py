"""OpenAPI 3 description of the social map's HSDS endpoints (merged by wegwijzer.core.openapi)."""

from __future__ import annotations

from typing import Any

TAG = "sociale kaart"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


def _path_param(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": {"type": "string"}}


PAGE_PARAMS = [
    _query("page", "Paginanummer (vanaf 1).", {"type": "integer", "minimum": 1, "default": 1}),
    _query("per_page", "Aantal per pagina (hoogstens 100).",
           {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
]
FILTERS = {
    "wijk": _query("wijk", "Wijkcode, bv. overvecht. Aanbod voor heel Utrecht telt mee."),
    "law": _query("law", "Wetcode: zvw, jeugdwet, wmo, wpg, wlz."),
    "phase": _query("phase", "Fasecode: kinderwens, zwangerschap, kraamperiode, jonge-kind."),
    "domain": _query("domain", "Domeincode, bv. medisch-eerstelijns, sociaal."),
    "access": _query("access", "Toegangscode, bv. vrij-toegankelijk, via-buurtteam."),
    "kind": _query("kind", "Soort organisatie.", {"type": "string", "enum": ["organisatie", "team", "netwerk"]}),
    "taxonomy": _query("taxonomy", "Taxonomie.", {"type": "string", "enum": ["wet", "domein", "fase", "toegang", "signaal"]}),
}
ERRORS = {
    "400": {"description": "Ongeldige parameter (onbekende parameter of code, ongeldig paginanummer)",
            "content": {"application/json": {"schema": _ref("Error")}}},
}
NOT_FOUND = {"404": {"description": "Bestaat niet", "content": {"application/json": {"schema": _ref("Error")}}}}


def _list(op: str, summary: str, item: str, filters: list[str]) -> dict[str, Any]:
    return {
        "get": {
            "tags": [TAG], "operationId": op, "summary": summary,
            "parameters": [FILTERS[f] for f in filters] + PAGE_PARAMS,
            "responses": {
                "200": {"description": "Een pagina (HSDS 3-paginering)", "content": {"application/json": {"schema": {
                    "allOf": [_ref("Page"), {"type": "object", "properties": {"contents": {"type": "array", "items": _ref(item)}}}]
                }}}},
                **ERRORS,
            },
        }
    }


def _detail(op: str, summary: str, item: str, param: str, description: str) -> dict[str, Any]:
    return {
        "get": {
            "tags": [TAG], "operationId": op, "summary": summary,
            "parameters": [_path_param(param, description)],
            "responses": {"200": {"description": summary, "content": {"application/json": {"schema": _ref(item)}}},
                          **ERRORS, **NOT_FOUND},
        }
    }


PATHS: dict[str, Any] = {
    "/services": _list("listServices", "Aanbod (HSDS services)", "Service",
                       ["wijk", "law", "phase", "domain", "access"]),
    "/services/{id}": _detail("getService", "Eén aanbod", "Service", "id", "HSDS-id (uuid) of vaste code (slug)"),
    "/organizations": _list("listOrganizations", "Organisaties, teams en netwerken (HSDS organizations)",
                            "Organization", ["wijk", "law", "phase", "domain", "access", "kind"]),
    "/organizations/{id}": _detail("getOrganization", "Eén organisatie", "Organization", "id",
                                   "HSDS-id (uuid) of vaste code (slug)"),
    "/roles": _list("listRoles", "Rollen (Wegwijzer-uitbreiding)", "Role", ["law", "phase", "domain", "access"]),
    "/roles/{slug}": _detail("getRole", "Eén rol", "Role", "slug", "Rolcode of uuid"),
    "/wijken": _list("listWijken", "Wijken (servicegebieden)", "Wijk", []),
    "/wijken/{slug}": _detail("getWijk", "Eén wijk met wie er werkt", "Wijk", "slug", "Wijkcode of uuid"),
    "/taxonomy_terms": _list("listTaxonomyTerms", "Taxonomietermen (wetten, domeinen, fasen, toegang, signalen)",
                             "TaxonomyTerm", ["taxonomy"]),
}

_STR = {"type": "string"}
_STRS = {"type": "array", "items": _STR}
_NSTR = {"type": ["string", "null"]}
_BRIEF = {"type": "object", "properties": {"id": _STR, "slug": _STR, "name": _STR, "url": _STR}}
_BRIEFS = {"type": "array", "items": _BRIEF}
_RECORD_EXT = {
    "slug": {"type": "string", "description": "Vaste code (uit de vocabulaire waar die er een heeft)"},
    "summary": _STR, "conditions": _STR, "availability": _STR,
    "office_hours_only": {"type": ["boolean", "null"], "description": "Alleen tijdens kantoortijden (null: onbekend)"},
    "links": {"type": "array", "items": {"type": "object", "properties": {"url": _STR, "label": _STR}}},
    "sources": {**_STRS, "description": "Bronsecties waarop de feiten rusten"},
    "laws": _STRS, "phases": _STRS, "concerns": _STRS, "domain": _STR, "access": _STRS,
    "web_url": {"type": "string", "description": "Detailpagina op de website"},
}

SCHEMAS: dict[str, Any] = {
    "Page": {
        "type": "object",
        "required": ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"],
        "properties": {
            "total_items": {"type": "integer"}, "total_pages": {"type": "integer"},
            "page_number": {"type": "integer"}, "size": {"type": "integer"},
            "first_page": {"type": "boolean"}, "last_page": {"type": "boolean"}, "empty": {"type": "boolean"},
            "contents": {"type": "array", "items": {}},
        },
    },
    "TaxonomyTerm": {
        "type": "object",
        "properties": {"id": _STR, "code": _STR, "name": _STR, "description": _STR, "taxonomy": _STR,
                       "taxonomy_id": _STR, "parent_id": _NSTR, "language": _STR},
    },
    "Attribute": {
        "type": "object",
        "properties": {"id": _STR, "link_id": _STR, "link_entity": _STR, "link_type": _STR,
                       "taxonomy_term_id": _STR, "value": _NSTR, "label": _STR,
                       "taxonomy_term": _ref("TaxonomyTerm")},
    },
    "Phone": {"type": "object", "properties": {"id": _STR, "number": _STR, "type": _STR, "description": _STR}},
    "Schedule": {"type": "object", "properties": {"id": _STR, "description": _STR}},
    "Contact": {"type": "object", "properties": {"id": _STR, "name": _STR, "title": _STR, "email": _STR,
                                                 "phones": {"type": "array", "items": _ref("Phone")}}},
    "ServiceArea": {"type": "object", "properties": {"id": _STR, "name": _STR, "slug": _STR, "description": _STR}},
    "Service": {
        "type": "object",
        "required": ["id", "slug", "name", "status"],
        "properties": {
            "id": {"type": "string", "format": "uuid"}, "name": _STR, "alternate_name": _STR, "description": _STR,
            "url": _STR, "email": _STR, "status": {"type": "string", "enum": ["active"]},
            "eligibility_description": _STR, "application_process": _STR,
            "assured_date": {"type": ["string", "null"], "format": "date"},
            "last_modified": _NSTR, "organization_id": _NSTR, "organization": {"anyOf": [_BRIEF, {"type": "null"}]},
            "organizations": _BRIEFS,
            "service_areas": {"type": "array", "items": _ref("ServiceArea")},
            "phones": {"type": "array", "items": _ref("Phone")},
            "schedules": {"type": "array", "items": _ref("Schedule")},
            "contacts": {"type": "array", "items": _ref("Contact")},
            "attributes": {"type": "array", "items": _ref("Attribute")},
            "capacities": {"type": "array", "items": {"type": "object"}},
            "waiting_time": _STR, "roles": _BRIEFS, **_RECORD_EXT,
        },
    },
    "Organization": {
        "type": "object",
        "required": ["id", "slug", "name", "kind"],
        "properties": {
            "id": {"type": "string", "format": "uuid"}, "name": _STR, "alternate_name": _STR, "description": _STR,
            "email": _STR, "website": _STR, "parent_organization_id": _NSTR,
            "parent_organization": {"anyOf": [_BRIEF, {"type": "null"}]},
            "phones": {"type": "array", "items": _ref("Phone")},
            "contacts": {"type": "array", "items": _ref("Contact")},
            "schedules": {"type": "array", "items": _ref("Schedule")},
            "attributes": {"type": "array", "items": _ref("Attribute")},
            "kind": {"type": "string", "enum": ["organisatie", "team", "netwerk"]},
            "wijk": {"anyOf": [{"type": "object"}, {"type": "null"}]},
            "service_areas": {"type": "array", "items": _ref("ServiceArea")},
            "chair_name": {"type": "string", "description": "Voorzitter (netwerken); leeg: onbekend"},
            "target_group": _STR, "application_process": _STR,
            "assured_date": {"type": ["string", "null"], "format": "date"},
            "roles": _BRIEFS, "children": _BRIEFS, "services": _BRIEFS, **_RECORD_EXT,
        },
    },
    "Role": {
        "type": "object",
        "required": ["id", "slug", "name"],
        "properties": {
            "id": {"type": "string", "format": "uuid"}, "name": _STR, "alternate_name": _STR, "description": _STR,
            "email": _STR, "url": _STR, "eligibility_description": _STR, "application_process": _STR,
            "assured_date": {"type": ["string", "null"], "format": "date"},
            "attributes": {"type": "array", "items": _ref("Attribute")},
            "organizations": _BRIEFS, "services": _BRIEFS, **_RECORD_EXT,
        },
    },
    "Wijk": {
        "type": "object",
        "required": ["id", "slug", "name"],
        "properties": {"id": _STR, "slug": _STR, "name": _STR, "description": _STR, "sources": _STRS,
                       "web_url": _STR, "organizations": _BRIEFS, "serving_organizations": _BRIEFS,
                       "services": _BRIEFS},
    },
}
