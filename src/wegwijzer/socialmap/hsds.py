"""Open Referral HSDS 3 shapes of the social map: API objects, whole-map export and all-or-nothing import.

HSDS field names are used where HSDS has the field; Wegwijzer's own fields are extensions beside them
(HSDS allows additional properties): `slug` (the stable code), `summary`, `conditions`, `availability`,
`office_hours_only`, `links`, `sources`, `kind`, `chair_name`, ... plus two extension tables: `roles`
(Bijlage 1's roles) and `wijken` (Utrecht's districts, the service areas).

Export document (`wegwijzer export hsds FILE`): one JSON object of flat HSDS tables, every table sorted by
id and every object's keys sorted, so two exports of the same map are byte-identical.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from .models import (
    Contact,
    Location,
    Organization,
    Phone,
    Role,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    Wijk,
)
from .selectors import detail_url, term_codes

HSDS_VERSION = "3.0"
FORMAT = "wegwijzer-hsds"
FORMAT_VERSION = 1
NAMESPACE = uuid.UUID("6f1d3c2a-9b1e-4d4e-8a57-5b1f0c2e7a10")  # Wegwijzer's uuid5 namespace

TAXONOMY_DESCRIPTIONS: dict[str, str] = {
    Taxonomy.LAW: "Wetten en financiering (Zvw, Jeugdwet, Wmo, Wpg, Wlz)",
    Taxonomy.DOMAIN: "Domein: medisch eerstelijns, medisch tweedelijns, sociaal, informeel",
    Taxonomy.PHASE: "Fasen van de eerste 1000 dagen",
    Taxonomy.ACCESS: "Toegang: hoe het aanbod bereikt wordt",
    Taxonomy.CONCERN: "Signalen en vragen waarbij het aanbod helpt",
}
# attribute.link_type per taxonomy (HSDS: what the term describes)
LINK_TYPES: dict[str, str] = {
    Taxonomy.LAW: "funding",
    Taxonomy.DOMAIN: "domain",
    Taxonomy.PHASE: "eligibility",
    Taxonomy.ACCESS: "access",
    Taxonomy.CONCERN: "need",
}


def stable_id(*parts: Any) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def taxonomy_id(taxonomy: str) -> str:
    return stable_id("taxonomy", taxonomy)


def _taxonomy_obj(taxonomy: str) -> dict[str, Any]:
    return {
        "id": taxonomy_id(taxonomy),
        "name": taxonomy,
        "description": TAXONOMY_DESCRIPTIONS.get(taxonomy, ""),
        "uri": "",
        "version": "1",
    }


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


# ---------------------------------------------------------------- nested API objects


def term_as_hsds(term: TaxonomyTerm) -> dict[str, Any]:
    return {
        "id": str(term.id),
        "code": term.code,
        "name": term.name,
        "description": term.description,
        "taxonomy": term.taxonomy,
        "taxonomy_id": taxonomy_id(term.taxonomy),
        "parent_id": None,
        "language": "nl",
    }


def _attributes(obj: Any, entity: str) -> list[dict[str, Any]]:
    return [
        {
            "id": stable_id("attribute", obj.id, term.id),
            "link_id": str(obj.id),
            "link_entity": entity,
            "link_type": LINK_TYPES.get(term.taxonomy, ""),
            "taxonomy_term_id": str(term.id),
            "value": None,
            "label": "",
            "taxonomy_term": term_as_hsds(term),
        }
        for term in obj.terms.all()
    ]


def _phones(obj: Any) -> list[dict[str, Any]]:
    return [
        {"id": str(p.id), "number": p.number, "type": "voice", "description": p.description, "languages": []}
        for p in obj.phones.all()
    ]


def _schedules(obj: Any) -> list[dict[str, Any]]:
    return [
        {"id": str(s.id), "description": s.description}
        for s in sorted(obj.schedules.all(), key=lambda s: (s.description, str(s.id)))
    ]


def _contacts(obj: Any) -> list[dict[str, Any]]:
    return [
        {"id": str(c.id), "name": c.name, "title": c.title, "email": c.email,
         "phones": [{"id": str(p.id), "number": p.number} for p in c.phones.all()]}
        for c in sorted(obj.contacts.all(), key=lambda c: (c.name, c.title, str(c.id)))
    ]


def _service_areas(obj: Any) -> list[dict[str, Any]]:
    return [
        {"id": stable_id("service_area", obj.id, w.id), "name": w.name, "slug": w.slug,
         "description": "", "extent": None, "extent_type": None, "uri": ""}
        for w in obj.service_areas.all()
    ]


def _brief(obj: Any) -> dict[str, Any]:
    return {"id": str(obj.id), "slug": obj.slug, "name": obj.name, "url": detail_url(obj.slug)}


def _first_url(obj: Any) -> str:
    if obj.website:
        return obj.website
    for link in obj.links or []:
        if isinstance(link, dict) and link.get("url"):
            return str(link["url"])
    return ""


def _record_fields(obj: Any) -> dict[str, Any]:
    """Wegwijzer's extension fields shared by services, organisations and roles."""
    return {
        "slug": obj.slug,
        "summary": obj.summary,
        "conditions": obj.conditions,
        "availability": obj.availability,
        "office_hours_only": obj.office_hours_only,
        "links": list(obj.links or []),
        "sources": list(obj.sources or []),
        **term_codes(obj),
        "web_url": detail_url(obj.slug),
    }


def service_as_hsds(service: Service) -> dict[str, Any]:
    orgs = list(service.organizations.all())
    return {
        "id": str(service.id),
        "name": service.name,
        "alternate_name": service.alternate_name,
        "description": service.description,
        "url": _first_url(service),
        "email": service.email,
        "status": "active",
        "eligibility_description": service.target_group,
        "application_process": service.application_process,
        "assured_date": _date(service.assured_date),
        "last_modified": service.updated_at.isoformat() if service.updated_at else None,
        "organization_id": str(orgs[0].id) if orgs else None,
        "organization": _brief(orgs[0]) if orgs else None,
        "organizations": [_brief(o) for o in orgs],
        "service_areas": _service_areas(service),
        "phones": _phones(service),
        "schedules": _schedules(service),
        "contacts": _contacts(service),
        "attributes": _attributes(service, "service"),
        "capacities": (
            [{"id": stable_id("capacity", service.id), "description": service.waiting_time}]
            if service.waiting_time else []
        ),
        **_record_fields(service),
        "waiting_time": service.waiting_time,
        "roles": [_brief(r) for r in service.roles.all()],
    }


def organization_as_hsds(org: Organization) -> dict[str, Any]:
    return {
        "id": str(org.id),
        "name": org.name,
        "alternate_name": org.alternate_name,
        "description": org.description,
        "email": org.email,
        "website": _first_url(org),
        "parent_organization_id": str(org.parent_id) if org.parent_id else None,
        "parent_organization": _brief(org.parent) if org.parent else None,
        "phones": _phones(org),
        "contacts": _contacts(org),
        "schedules": _schedules(org),
        "attributes": _attributes(org, "organization"),
        "kind": org.kind,
        "wijk": {"id": str(org.wijk.id), "slug": org.wijk.slug, "name": org.wijk.name} if org.wijk else None,
        "service_areas": _service_areas(org),
        "chair_name": org.chair_name,
        "target_group": org.target_group,
        "application_process": org.application_process,
        "assured_date": _date(org.assured_date),
        **_record_fields(org),
        "roles": [_brief(r) for r in org.roles.all()],
        "children": [_brief(c) for c in org.children.all()],
        "services": [_brief(s) for s in org.services.order_by("slug")],
    }


def role_as_hsds(role: Role) -> dict[str, Any]:
    return {
        "id": str(role.id),
        "name": role.name,
        "alternate_name": role.alternate_name,
        "description": role.description,
        "email": role.email,
        "url": _first_url(role),
        "eligibility_description": role.target_group,
        "application_process": role.application_process,
        "assured_date": _date(role.assured_date),
        "attributes": _attributes(role, "role"),
        **_record_fields(role),
        "organizations": [_brief(o) for o in role.organizations.order_by("slug")],
        "services": [_brief(s) for s in role.services.order_by("slug")],
    }


def wijk_as_hsds(wijk: Wijk, *, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(wijk.id),
        "slug": wijk.slug,
        "name": wijk.name,
        "description": wijk.description,
        "sources": list(wijk.sources or []),
        "web_url": detail_url(wijk.slug),
    }
    if detail:
        data["organizations"] = [
            {**_brief(o), "kind": o.kind}
            for o in Organization.objects.filter(wijk=wijk).order_by("slug")
        ]
        data["serving_organizations"] = [_brief(o) for o in wijk.serving_organizations.order_by("slug")]
        data["services"] = [_brief(s) for s in wijk.services.order_by("slug")]
    return data


# ---------------------------------------------------------------- export (flat tables)

RECORD_EXTENSION_FIELDS = (
    "slug", "name", "alternate_name", "description", "summary", "target_group", "conditions",
    "application_process", "availability", "office_hours_only", "email", "links", "sources", "assured_date",
)


def _record_row(obj: Any) -> dict[str, Any]:
    row = {f: getattr(obj, f) for f in RECORD_EXTENSION_FIELDS}
    row["assured_date"] = _date(obj.assured_date)
    row["links"] = list(obj.links or [])
    row["sources"] = list(obj.sources or [])
    return row


def _sorted(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: r["id"])


def export_document() -> dict[str, Any]:
    """The whole map as one HSDS-shaped document with deterministic order."""
    terms = list(TaxonomyTerm.objects.all())
    wijken = list(Wijk.objects.all())
    roles = list(Role.objects.prefetch_related("terms"))
    orgs = list(Organization.objects.prefetch_related("terms", "roles", "service_areas"))
    services = list(Service.objects.prefetch_related("terms", "roles", "service_areas", "organizations"))

    attributes: list[dict[str, Any]] = []
    for entity, objs in (("role", roles), ("organization", orgs), ("service", services)):
        for obj in objs:
            for term in obj.terms.all():
                attributes.append({
                    "id": stable_id("attribute", obj.id, term.id),
                    "link_id": str(obj.id),
                    "link_entity": entity,
                    "link_type": LINK_TYPES.get(term.taxonomy, ""),
                    "taxonomy_term_id": str(term.id),
                })
    service_areas: list[dict[str, Any]] = []
    for entity, objs in (("organization", orgs), ("service", services)):
        for obj in objs:
            for w in obj.service_areas.all():
                service_areas.append({
                    "id": stable_id("service_area", obj.id, w.id),
                    "service_id": str(obj.id) if entity == "service" else None,
                    "organization_id": str(obj.id) if entity == "organization" else None,
                    "wijk_id": str(w.id),
                    "name": w.name,
                })
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "hsds_version": HSDS_VERSION,
        "taxonomies": _sorted(_taxonomy_obj(t) for t in sorted({t.taxonomy for t in terms})),
        "taxonomy_terms": _sorted(
            {"id": str(t.id), "code": t.code, "name": t.name, "description": t.description,
             "taxonomy": t.taxonomy, "taxonomy_id": taxonomy_id(t.taxonomy)}
            for t in terms
        ),
        "wijken": _sorted(
            {"id": str(w.id), "slug": w.slug, "name": w.name, "description": w.description,
             "sources": list(w.sources or [])}
            for w in wijken
        ),
        "roles": _sorted({"id": str(r.id), **_record_row(r), "website": r.website} for r in roles),
        "organizations": _sorted(
            {
                "id": str(o.id), **_record_row(o), "website": o.website,
                "parent_organization_id": str(o.parent_id) if o.parent_id else None,
                "kind": o.kind, "wijk_id": str(o.wijk_id) if o.wijk_id else None,
                "chair_name": o.chair_name,
                "role_ids": sorted(str(r.id) for r in o.roles.all()),
            }
            for o in orgs
        ),
        "services": _sorted(
            {
                "id": str(s.id), **_record_row(s), "url": s.website, "status": "active",
                "eligibility_description": s.target_group,
                "organization_id": min((str(o.id) for o in s.organizations.all()), default=None),
                "organization_ids": sorted(str(o.id) for o in s.organizations.all()),
                "role_ids": sorted(str(r.id) for r in s.roles.all()),
                "waiting_time": s.waiting_time,
            }
            for s in services
        ),
        "locations": _sorted(
            {"id": str(loc.id), "organization_id": str(loc.organization_id), "location_type": "physical",
             "name": loc.name, "address": loc.address, "wijk_id": str(loc.wijk_id) if loc.wijk_id else None}
            for loc in Location.objects.all()
        ),
        "service_at_locations": _sorted(
            {"id": str(sal.id), "service_id": str(sal.service_id), "location_id": str(sal.location_id)}
            for sal in ServiceAtLocation.objects.all()
        ),
        "contacts": _sorted(
            {"id": str(c.id), "organization_id": str(c.organization_id) if c.organization_id else None,
             "service_id": str(c.service_id) if c.service_id else None,
             "name": c.name, "title": c.title, "email": c.email}
            for c in Contact.objects.all()
        ),
        "phones": _sorted(
            {"id": str(p.id), "organization_id": str(p.organization_id) if p.organization_id else None,
             "service_id": str(p.service_id) if p.service_id else None,
             "contact_id": str(p.contact_id) if p.contact_id else None,
             "number": p.number, "description": p.description}
            for p in Phone.objects.all()
        ),
        "schedules": _sorted(
            {"id": str(s.id), "organization_id": str(s.organization_id) if s.organization_id else None,
             "service_id": str(s.service_id) if s.service_id else None, "description": s.description}
            for s in Schedule.objects.all()
        ),
        "service_areas": _sorted(service_areas),
        "attributes": _sorted(attributes),
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def export_to(path: Path | str) -> dict[str, int]:
    document = export_document()
    Path(path).write_text(dumps(document), encoding="utf-8")
    return {k: len(v) for k, v in document.items() if isinstance(v, list)}


# ---------------------------------------------------------------- import: schema, validation, load

_UUID = {"type": "string", "format": "uuid", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"}
_UUID_OR_NULL = {"anyOf": [_UUID, {"type": "null"}]}
_SLUG = {"type": "string", "pattern": r"^[a-z0-9]+(?:-[a-z0-9]+)*$", "maxLength": 100}
_STR = {"type": "string"}
_STRS = {"type": "array", "items": {"type": "string"}}
_UUIDS = {"type": "array", "items": _UUID}
_DATE_OR_NULL = {"anyOf": [{"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}, {"type": "null"}]}
_LINKS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["url"],
        "additionalProperties": False,
        "properties": {"url": {"type": "string", "pattern": r"^https?://[^\s/]+\.[^\s]+$"}, "label": _STR},
    },
}
_RECORD_PROPS = {
    "id": _UUID, "slug": _SLUG, "name": {"type": "string", "minLength": 1, "maxLength": 200},
    "alternate_name": {"type": "string", "maxLength": 300}, "description": _STR,
    "summary": {"type": "string", "maxLength": 300}, "target_group": _STR, "conditions": _STR,
    "application_process": _STR, "availability": _STR,
    "office_hours_only": {"type": ["boolean", "null"]},
    "email": {"type": "string", "maxLength": 254, "pattern": r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$"},
    "website": {"type": "string", "maxLength": 200}, "links": _LINKS, "sources": _STRS,
    "assured_date": _DATE_OR_NULL,
}


def _table(props: dict[str, Any], required: Iterable[str]) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {"type": "object", "required": sorted(required), "additionalProperties": False, "properties": props},
    }


IMPORT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["format", "taxonomy_terms", "wijken", "roles", "organizations", "services"],
    "additionalProperties": False,
    "properties": {
        "format": {"const": FORMAT},
        "format_version": {"const": FORMAT_VERSION},
        "hsds_version": _STR,
        "taxonomies": _table(
            {"id": _UUID, "name": {"enum": [t.value for t in Taxonomy]}, "description": _STR, "uri": _STR, "version": _STR},
            ["id", "name"],
        ),
        "taxonomy_terms": _table(
            {"id": _UUID, "code": _SLUG, "name": {"type": "string", "minLength": 1, "maxLength": 200},
             "description": _STR, "taxonomy": {"enum": [t.value for t in Taxonomy]}, "taxonomy_id": _UUID},
            ["id", "code", "name", "taxonomy"],
        ),
        "wijken": _table(
            {"id": _UUID, "slug": _SLUG, "name": {"type": "string", "minLength": 1, "maxLength": 200},
             "description": _STR, "sources": _STRS},
            ["id", "slug", "name"],
        ),
        "roles": _table(_RECORD_PROPS, ["id", "slug", "name"]),
        "organizations": _table(
            {**_RECORD_PROPS, "parent_organization_id": _UUID_OR_NULL,
             "kind": {"enum": [k.value for k in Organization.Kind]}, "wijk_id": _UUID_OR_NULL,
             "chair_name": {"type": "string", "maxLength": 200}, "role_ids": _UUIDS},
            ["id", "slug", "name", "kind"],
        ),
        "services": _table(
            {**_RECORD_PROPS, "url": {"type": "string", "maxLength": 200}, "status": {"enum": ["active"]},
             "eligibility_description": _STR, "organization_id": _UUID_OR_NULL, "organization_ids": _UUIDS,
             "role_ids": _UUIDS, "waiting_time": {"type": "string", "maxLength": 200}},
            ["id", "slug", "name"],
        ),
        "locations": _table(
            {"id": _UUID, "organization_id": _UUID, "location_type": {"enum": ["physical", "postal", "virtual"]},
             "name": {"type": "string", "minLength": 1, "maxLength": 200}, "address": {"type": "string", "maxLength": 300},
             "wijk_id": _UUID_OR_NULL},
            ["id", "organization_id", "name"],
        ),
        "service_at_locations": _table(
            {"id": _UUID, "service_id": _UUID, "location_id": _UUID}, ["id", "service_id", "location_id"]
        ),
        "contacts": _table(
            {"id": _UUID, "organization_id": _UUID_OR_NULL, "service_id": _UUID_OR_NULL,
             "name": {"type": "string", "maxLength": 200}, "title": {"type": "string", "maxLength": 200},
             "email": {"type": "string", "maxLength": 254}},
            ["id"],
        ),
        "phones": _table(
            {"id": _UUID, "organization_id": _UUID_OR_NULL, "service_id": _UUID_OR_NULL,
             "contact_id": _UUID_OR_NULL, "number": {"type": "string", "minLength": 1, "maxLength": 50},
             "description": {"type": "string", "maxLength": 200}},
            ["id", "number"],
        ),
        "schedules": _table(
            {"id": _UUID, "organization_id": _UUID_OR_NULL, "service_id": _UUID_OR_NULL,
             "description": {"type": "string", "minLength": 1, "maxLength": 300}},
            ["id", "description"],
        ),
        "service_areas": _table(
            {"id": _UUID, "service_id": _UUID_OR_NULL, "organization_id": _UUID_OR_NULL, "wijk_id": _UUID,
             "name": _STR, "description": _STR},
            ["id", "wijk_id"],
        ),
        "attributes": _table(
            {"id": _UUID, "link_id": _UUID, "link_entity": {"enum": ["service", "organization", "role"]},
             "link_type": _STR, "taxonomy_term_id": _UUID, "value": {"type": ["string", "null"]},
             "label": _STR},
            ["id", "link_id", "link_entity", "taxonomy_term_id"],
        ),
    },
}


def _path(error: Any) -> str:
    parts: list[str] = []
    for p in error.absolute_path:
        parts.append(f"[{p}]" if isinstance(p, int) else (f".{p}" if parts else str(p)))
    return "".join(parts) or "(document)"


def _vocabulary_codes() -> dict[str, set[str]]:
    """Codes the import must respect: laws, phases, concerns and wijken from the content vocabulary."""
    from .content import read_content

    bundle = read_content()
    return {
        Taxonomy.LAW: bundle.codes("laws"),
        Taxonomy.PHASE: bundle.codes("phases"),
        Taxonomy.CONCERN: bundle.codes("concerns"),
        "wijken": bundle.codes("wijken"),
    }


def _unstorable_strings(document: Any) -> list[str]:
    """Strings (keys too) with NUL, which PostgreSQL refuses, or a lone surrogate, which no database takes."""
    problems: list[str] = []
    pending: list[tuple[str, Any]] = [("", document)]
    while pending:  # iterative: nesting depth is bounded by the JSON parser, but keep the stack flat anyway
        where, value = pending.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
                bad = "\x00" in value
            except UnicodeEncodeError:
                bad = True
            if bad:
                problems.append(f"{where or '(document)'}: ongeldig teken (NUL of een losse UTF-16-surrogaat)")
        elif isinstance(value, dict):
            for key, item in value.items():
                pending.append((where, key))
                pending.append((f"{where}.{key}" if where else str(key), item))
        elif isinstance(value, list):
            pending.extend((f"{where}[{i}]", item) for i, item in enumerate(value))
    return sorted(problems)


TABLES = ("taxonomy_terms", "wijken", "roles", "organizations", "services", "locations",
          "service_at_locations", "contacts", "phones", "schedules", "service_areas", "attributes")


def _rows(document: dict[str, Any], table: str) -> list[tuple[int, dict[str, Any]]]:
    """(index, row) for the object rows of a table; malformed tables/rows are the schema's to report."""
    rows = document.get(table)
    if not isinstance(rows, list):
        return []
    return [(i, row) for i, row in enumerate(rows) if isinstance(row, dict)]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _name(table: str, i: int, row: dict[str, Any]) -> str:
    """How a message names a record: its place in the file and, when it has one, its slug or name."""
    label = _str(row.get("slug")) or _str(row.get("name"))
    return f"{table}[{i}] ({label[:100]})" if label else f"{table}[{i}]"


def _parent_cycles(document: dict[str, Any]) -> list[str]:
    """Every cycle in organizations' parent_organization_id (A→B→A, longer ones too), each reported once."""
    rows = {}
    for i, row in _rows(document, "organizations"):
        oid = _str(row.get("id"))
        if oid is not None and oid not in rows:
            rows[oid] = (i, row)
    parent = {oid: _str(row.get("parent_organization_id")) for oid, (_i, row) in rows.items()}
    problems: list[str] = []
    done: set[str] = set()
    for start in rows:
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node in rows and node not in done and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = parent.get(node)
        if node is not None and node in on_path:
            cycle = path[path.index(node):]
            if len(cycle) > 1:  # an organisation that is its own parent has its own message
                i, row = rows[cycle[0]]
                chain = " → ".join(_str(rows[c][1].get("slug")) or c for c in [*cycle, cycle[0]])
                problems.append(
                    f"{_name('organizations', i, row)}.parent_organization_id: kring van bovenliggende "
                    f"organisaties ({chain}); een organisatie kan niet (indirect) onderdeel van zichzelf zijn"
                )
        done.update(path)
    return problems


def validate_document(document: Any) -> list[str]:  # noqa: C901 - one flat list of checks reads best
    """Every problem in an import document (schema, duplicates, references, cycles, codes) in one run.

    The reference checks run even when the schema found problems, so one run shows the whole list; they
    skip values of the wrong type (the schema already names those). Empty list: importable.
    """
    import jsonschema

    validator = jsonschema.Draft202012Validator(IMPORT_SCHEMA, format_checker=jsonschema.FormatChecker())
    problems = _unstorable_strings(document) + [
        f"{_path(e)}: {e.message}"
        for e in sorted(validator.iter_errors(document), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    ]
    if not isinstance(document, dict):
        return problems or ["(document): geen JSON-object"]

    all_ids: dict[str, str] = {}
    for table in TABLES:
        for i, row in _rows(document, table):
            rid = _str(row.get("id"))
            if rid is None:
                continue
            if rid in all_ids:
                problems.append(f"{_name(table, i, row)}.id: dubbele id {rid} (ook in {all_ids[rid]})")
            else:
                all_ids[rid] = _name(table, i, row)
    slugs: dict[str, str] = {}
    for table in ("wijken", "roles", "organizations", "services"):
        for i, row in _rows(document, table):
            slug = _str(row.get("slug"))
            if slug is None:
                continue
            if slug in slugs:
                problems.append(f"{_name(table, i, row)}.slug: dubbele slug '{slug}' (ook in {slugs[slug]})")
            else:
                slugs[slug] = f"{table}[{i}]"
    term_keys: dict[tuple[str, str], str] = {}
    for i, row in _rows(document, "taxonomy_terms"):
        taxonomy, code = _str(row.get("taxonomy")), _str(row.get("code"))
        if taxonomy is None or code is None:
            continue
        if (taxonomy, code) in term_keys:
            problems.append(
                f"{_name('taxonomy_terms', i, row)}: dubbele code '{code}' in taxonomie '{taxonomy}' "
                f"(ook in {term_keys[(taxonomy, code)]})"
            )
        else:
            term_keys[(taxonomy, code)] = f"taxonomy_terms[{i}]"

    def ids(table: str) -> set[str]:
        return {rid for _i, row in _rows(document, table) if (rid := _str(row.get("id"))) is not None}

    terms, wijken, roles = ids("taxonomy_terms"), ids("wijken"), ids("roles")
    orgs, services, locations, contacts = ids("organizations"), ids("services"), ids("locations"), ids("contacts")

    def ref(where: str, value: Any, target: set[str], what: str) -> None:
        if isinstance(value, str) and value not in target:  # other types: the schema's message
            problems.append(f"{where}: verwijst naar onbekende {what} {value[:100]}")

    def many(value: Any) -> list[Any]:
        return value if isinstance(value, list) else []

    for i, row in _rows(document, "organizations"):
        w = _name("organizations", i, row)
        ref(f"{w}.parent_organization_id", row.get("parent_organization_id"), orgs, "organisatie")
        if row.get("parent_organization_id") is not None and row.get("parent_organization_id") == row.get("id"):
            problems.append(f"{w}.parent_organization_id: een organisatie kan niet onderdeel van zichzelf zijn")
        ref(f"{w}.wijk_id", row.get("wijk_id"), wijken, "wijk")
        for rid in many(row.get("role_ids")):
            ref(f"{w}.role_ids", rid, roles, "rol")
    problems.extend(_parent_cycles(document))
    for i, row in _rows(document, "services"):
        w = _name("services", i, row)
        ref(f"{w}.organization_id", row.get("organization_id"), orgs, "organisatie")
        for oid in many(row.get("organization_ids")):
            ref(f"{w}.organization_ids", oid, orgs, "organisatie")
        for rid in many(row.get("role_ids")):
            ref(f"{w}.role_ids", rid, roles, "rol")
    for i, row in _rows(document, "locations"):
        w = _name("locations", i, row)
        ref(f"{w}.organization_id", row.get("organization_id"), orgs, "organisatie")
        ref(f"{w}.wijk_id", row.get("wijk_id"), wijken, "wijk")
    for i, row in _rows(document, "service_at_locations"):
        w = _name("service_at_locations", i, row)
        ref(f"{w}.service_id", row.get("service_id"), services, "aanbod")
        ref(f"{w}.location_id", row.get("location_id"), locations, "locatie")
    for table in ("contacts", "phones", "schedules", "service_areas"):
        for i, row in _rows(document, table):
            w = _name(table, i, row)
            ref(f"{w}.organization_id", row.get("organization_id"), orgs, "organisatie")
            ref(f"{w}.service_id", row.get("service_id"), services, "aanbod")
            if table == "phones":
                ref(f"{w}.contact_id", row.get("contact_id"), contacts, "contactpersoon")
            if table == "service_areas":
                ref(f"{w}.wijk_id", row.get("wijk_id"), wijken, "wijk")
            owners = [row.get("organization_id"), row.get("service_id")] + ([row.get("contact_id")] if table == "phones" else [])
            if sum(o is not None for o in owners) != 1:
                problems.append(f"{w}: hoort bij precies één organisatie, aanbod{' of contactpersoon' if table == 'phones' else ''}")
    entity_tables = {"service": services, "organization": orgs, "role": roles}
    for i, row in _rows(document, "attributes"):
        w = _name("attributes", i, row)
        entity = row.get("link_entity")
        if isinstance(entity, str) and entity in entity_tables:
            ref(f"{w}.link_id", row.get("link_id"), entity_tables[entity], entity)
        ref(f"{w}.taxonomy_term_id", row.get("taxonomy_term_id"), terms, "taxonomieterm")

    vocab = _vocabulary_codes()
    for i, row in _rows(document, "taxonomy_terms"):
        taxonomy, code = _str(row.get("taxonomy")), _str(row.get("code"))
        known = vocab.get(taxonomy) if taxonomy is not None else None
        if known and code is not None and code not in known:
            problems.append(f"{_name('taxonomy_terms', i, row)}: code '{code}' staat niet in de vocabulaire ({taxonomy})")
    for i, row in _rows(document, "wijken"):
        slug = _str(row.get("slug"))
        if vocab["wijken"] and slug is not None and slug not in vocab["wijken"]:
            problems.append(f"{_name('wijken', i, row)}: wijk '{slug}' staat niet in de vocabulaire")
    from .content import url_problem

    for table in ("roles", "organizations", "services"):
        for i, row in _rows(document, table):
            for j, link in enumerate(many(row.get("links"))):
                if isinstance(link, dict) and (err := url_problem(link.get("url"))):
                    problems.append(f"{table}[{i}].links[{j}]: {err}")
    return problems


def _fields(row: dict[str, Any]) -> dict[str, Any]:
    out = {f: row.get(f) for f in RECORD_EXTENSION_FIELDS}
    for f in ("alternate_name", "description", "summary", "target_group", "conditions",
              "application_process", "availability", "email"):
        out[f] = out[f] or ""
    out["links"] = row.get("links") or []
    out["sources"] = row.get("sources") or []
    out["assured_date"] = date.fromisoformat(row["assured_date"]) if row.get("assured_date") else None
    out["id"] = uuid.UUID(row["id"])
    return out


@transaction.atomic
def import_document(document: dict[str, Any]) -> dict[str, int]:
    """Replace the whole map with a validated document (call validate_document first)."""
    from simple_history.utils import bulk_create_with_history

    from .content import clear_map

    clear_map()
    U = uuid.UUID

    def opt(value: Any) -> uuid.UUID | None:
        return U(value) if value else None

    bulk_create_with_history(
        [TaxonomyTerm(id=U(t["id"]), taxonomy=t["taxonomy"], code=t["code"], name=t["name"],
                      description=t.get("description", "")) for t in document["taxonomy_terms"]],
        TaxonomyTerm,
    )
    bulk_create_with_history(
        [Wijk(id=U(w["id"]), slug=w["slug"], name=w["name"], description=w.get("description", ""),
              sources=w.get("sources") or []) for w in document["wijken"]],
        Wijk,
    )
    bulk_create_with_history(
        [Role(**_fields(r), website=r.get("website", "")) for r in document["roles"]], Role
    )
    bulk_create_with_history(
        [Organization(**_fields(o), website=o.get("website", ""), kind=o["kind"], wijk_id=opt(o.get("wijk_id")),
                      chair_name=o.get("chair_name", "")) for o in document["organizations"]],
        Organization,
    )
    parents = [
        Organization(id=U(o["id"]), parent_id=U(o["parent_organization_id"]))
        for o in document["organizations"] if o.get("parent_organization_id")
    ]
    Organization.objects.bulk_update(parents, ["parent"])
    bulk_create_with_history(
        [Service(**_fields(s), website=s.get("url", ""), waiting_time=s.get("waiting_time", ""))
         for s in document["services"]],
        Service,
    )

    def link(model: Any, attr: str, rows: Iterable[tuple[str, str]]) -> None:
        through = getattr(model, attr).through
        src = model._meta.model_name + "_id"
        target = getattr(model, attr).field.remote_field.model
        dst = target._meta.model_name + "_id"
        through.objects.bulk_create([through(**{src: U(a), dst: U(b)}) for a, b in sorted(set(rows))])

    link(Organization, "roles", [(o["id"], r) for o in document["organizations"] for r in o.get("role_ids", [])])
    org_ids = {(s["id"], o) for s in document["services"] for o in s.get("organization_ids", [])}
    org_ids |= {(s["id"], s["organization_id"]) for s in document["services"] if s.get("organization_id")}
    link(Service, "organizations", org_ids)
    link(Service, "roles", [(s["id"], r) for s in document["services"] for r in s.get("role_ids", [])])
    areas = document.get("service_areas", [])
    link(Service, "service_areas", [(a["service_id"], a["wijk_id"]) for a in areas if a.get("service_id")])
    link(Organization, "service_areas", [(a["organization_id"], a["wijk_id"]) for a in areas if a.get("organization_id")])
    models_by_entity = {"service": Service, "organization": Organization, "role": Role}
    for entity, model in models_by_entity.items():
        link(model, "terms", [(a["link_id"], a["taxonomy_term_id"]) for a in document.get("attributes", [])
                              if a["link_entity"] == entity])

    bulk_create_with_history(
        [Location(id=U(loc["id"]), organization_id=U(loc["organization_id"]), name=loc["name"],
                  address=loc.get("address", ""), wijk_id=opt(loc.get("wijk_id")))
         for loc in document.get("locations", [])],
        Location,
    )
    ServiceAtLocation.objects.bulk_create(
        [ServiceAtLocation(id=U(s["id"]), service_id=U(s["service_id"]), location_id=U(s["location_id"]))
         for s in document.get("service_at_locations", [])]
    )
    bulk_create_with_history(
        [Contact(id=U(c["id"]), organization_id=opt(c.get("organization_id")), service_id=opt(c.get("service_id")),
                 name=c.get("name", ""), title=c.get("title", ""), email=c.get("email", ""))
         for c in document.get("contacts", [])],
        Contact,
    )
    bulk_create_with_history(
        [Phone(id=U(p["id"]), organization_id=opt(p.get("organization_id")), service_id=opt(p.get("service_id")),
               contact_id=opt(p.get("contact_id")), number=p["number"], description=p.get("description", ""))
         for p in document.get("phones", [])],
        Phone,
    )
    bulk_create_with_history(
        [Schedule(id=U(s["id"]), organization_id=opt(s.get("organization_id")), service_id=opt(s.get("service_id")),
                  description=s["description"]) for s in document.get("schedules", [])],
        Schedule,
    )
    return {k: len(v) for k, v in document.items() if isinstance(v, list)}


_BOM = re.compile("^\ufeff")


def read_document(path: Path | str) -> tuple[Any, list[str]]:
    """Parse an import file; (document, problems)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [f"{path}: bestand niet gevonden"]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{path}: niet te lezen: {exc}"]
    try:
        return json.loads(_BOM.sub("", text)), []
    except json.JSONDecodeError as exc:
        return None, [f"{path}: geen geldige JSON (regel {exc.lineno}, kolom {exc.colno}): {exc.msg}"]
    except ValueError as exc:  # an integer beyond Python's 4300-digit limit
        return None, [f"{path}: geen geldige JSON: {exc}"]
    except RecursionError:
        return None, [f"{path}: geen geldige JSON: te diep genest"]


def import_from(path: Path | str) -> tuple[dict[str, int] | None, list[str]]:
    """Validate fully, then import all-or-nothing. Returns (counts, problems); counts None on failure."""
    document, problems = read_document(path)
    if not problems:
        problems = validate_document(document)
    if problems:
        return None, problems
    return import_document(document), []
