"""Open Referral HSDS 3.0 export and all-or-nothing import of the whole social map.

Export (`wegwijzer export hsds FILE`, see docs/hsds.md): an HSDS paged service list holding every service
as a full, dereferenced HSDS service object (`contents`, as in the official `service_list.json`), plus the
records no service reaches, as extension arrays beside it: `organizations` (HSDS organization objects),
`taxonomies` and `taxonomy_terms` (HSDS), `roles` and `wijken` (Wegwijzer's). Every object is shaped by the
API's schemas (schemas.py), keys sorted, lists in a fixed order: two exports of one map are identical.

Import (`wegwijzer import hsds FILE`) reads that document, any HSDS service/organization/service_at_location
object or paged list of them (the official examples), or the older flat-tables document (`format`
"wegwijzer-hsds"). HSDS input is first checked against the official schemas (bundled in hsds_schema/), then
flattened into Wegwijzer's tables and checked as before: every problem in one run, all or nothing, cycles,
NUL and nesting refused. What the map has no place for (other taxonomies, fees, languages, ...) is listed
as a note, not an error.
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
from django.utils.text import slugify

from . import changes, schemas, selectors
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
from .schemas import LINK_TYPES, stable_id, taxonomy_id

HSDS_VERSION = schemas.HSDS_VERSION
FORMAT = "wegwijzer-hsds"  # the flat tables (internal form, and exports made before HSDS 3.0 conformance)
FORMAT_VERSION = 1
TAXONOMY_DESCRIPTIONS = schemas.TAXONOMY_DESCRIPTIONS


def _taxonomy_obj(taxonomy: str) -> dict[str, Any]:
    return {"id": taxonomy_id(taxonomy), "name": taxonomy, "description": TAXONOMY_DESCRIPTIONS.get(taxonomy, ""),
            "uri": "", "version": "1"}


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


# ---------------------------------------------------------------- export (HSDS 3.0 JSON)


def _dump(schema: type[schemas.Out], obj: Any, context: dict[str, Any]) -> dict[str, Any]:
    return schema.model_validate(obj, context=context).model_dump(mode="json", exclude_none=True)


def export_document(*, base_url: str | None = None) -> dict[str, Any]:
    """The whole map as an HSDS 3.0 service list (plus extension arrays), deterministic."""
    context: dict[str, Any] = {"base_url": base_url, "hsds": {"full": True, "service_full": True}}
    services = [_dump(schemas.ServiceOut, s, context) for s in selectors.hsds_services_qs()]
    context_orgs = {**context, "hsds": {"full": True, "service_minimal": True}}
    organizations = [_dump(schemas.OrganizationOut, o, context_orgs) for o in selectors.hsds_organizations_qs()]
    terms = [_dump(schemas.TaxonomyTermOut, t, context) for t in TaxonomyTerm.objects.order_by("taxonomy", "code")]
    taxonomies = sorted({t["taxonomy"] for t in terms})
    n = len(services)
    return {
        "total_items": n, "total_pages": 1, "page_number": 1, "size": n,
        "first_page": True, "last_page": True, "empty": n == 0,
        "contents": services,
        "organizations": organizations,
        "taxonomies": [_dump(schemas.TaxonomyOut, schemas.taxonomy_obj(t), context) for t in taxonomies],
        "taxonomy_terms": terms,
        "roles": [_dump(schemas.RoleOut, r, context) for r in selectors.roles_qs().prefetch_related("organizations", "services")],
        "wijken": [_dump(schemas.WijkOut, w, context) for w in selectors.wijken_qs()],
        "hsds_version": HSDS_VERSION,
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def export_to(path: Path | str, *, base_url: str | None = None) -> dict[str, int]:
    document = export_document(base_url=base_url)
    Path(path).write_text(dumps(document), encoding="utf-8")
    return {("services" if k == "contents" else k): len(v) for k, v in document.items() if isinstance(v, list)}


# ---------------------------------------------------------------- the flat tables (internal form)

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


def export_tables() -> dict[str, Any]:
    """The whole map as Wegwijzer's flat tables (the import's internal form; also still importable)."""
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
    changes.changes_record_all()  # the whole map is new: indexes rebuild (in this transaction)
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


# ---------------------------------------------------------------- HSDS 3.0 JSON → the flat tables

SCHEMA_DIR = Path(__file__).resolve().parent / "hsds_schema"  # the official compiled schemas (LICENSE there)
ENTITY_SCHEMAS = {"service": "service.json", "organization": "organization.json",
                  "service_at_location": "service_at_location.json"}
_KNOWN_SERVICE = {"id", "name", "alternate_name", "description", "url", "email", "status", "wait_time",
                  "eligibility_description", "application_process", "assured_date", "last_modified",
                  "organization_id", "organization", "phones", "schedules", "service_areas", "service_at_locations",
                  "contacts", "attributes", "organizations", "roles", "slug", "summary", "conditions", "availability",
                  "office_hours_only", "links", "sources", "laws", "phases", "concerns", "domain", "access", "web_url"}
_KNOWN_ORG = {"id", "name", "alternate_name", "description", "email", "website", "parent_organization_id",
              "phones", "contacts", "locations", "attributes", "services", "kind", "parent_organization", "wijk",
              "service_areas", "schedules", "chair_name", "target_group", "application_process", "assured_date",
              "roles", "children", "slug", "summary", "conditions", "availability", "office_hours_only", "links",
              "sources", "laws", "phases", "concerns", "domain", "access", "web_url"}


def _kind(obj: dict[str, Any]) -> str:
    """Which HSDS object this is: a service has a status; a service_at_location its service or location."""
    if "status" in obj:
        return "service"
    if any(k in obj for k in ("service", "location", "service_id", "location_id")) and "name" not in obj:
        return "service_at_location"
    return "organization"


def _schema_problems(obj: Any, kind: str, where: str) -> list[str]:
    import jsonschema

    schema = json.loads((SCHEMA_DIR / ENTITY_SCHEMAS[kind]).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return [
        f"{where}{''.join(f'[{p}]' if isinstance(p, int) else f'.{p}' for p in e.absolute_path)}: {e.message}"
        for e in sorted(validator.iter_errors(obj), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    ]


class _Tables:
    """Collects HSDS objects into the flat tables, each record once (first occurrence wins)."""

    def __init__(self) -> None:
        self.doc: dict[str, Any] = {"format": FORMAT, "format_version": FORMAT_VERSION, "hsds_version": HSDS_VERSION,
                                    **{t: [] for t in TABLES}}
        self.seen: dict[str, set[str]] = {t: set() for t in TABLES}
        self.slugs: set[str] = set()
        self.notes: set[str] = set()
        self.modified: dict[str, str] = {}
        self.owned: set[Any] = set()  # phone/contact/schedule ids already given an owner

    def add(self, table: str, row: dict[str, Any]) -> bool:
        rid = row.get("id")
        if isinstance(rid, str) and rid in self.seen[table]:
            return False
        if isinstance(rid, str):
            self.seen[table].add(rid)
        self.doc[table].append(row)
        return True

    def slug(self, obj: dict[str, Any]) -> str:
        given = obj.get("slug")
        if isinstance(given, str) and given:
            self.slugs.add(given)
            return given
        base = slugify(str(obj.get("name") or ""))[:90].strip("-") or "record"
        slug, n = base, 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        return slug

    def record(self, obj: dict[str, Any], *, ours: bool) -> dict[str, Any]:
        description = _text(obj.get("description"))
        if ours and description in (obj.get("summary"), obj.get("name")):
            description = ""  # our export fills HSDS's required description with the summary or name
        return {
            "id": obj.get("id"), "slug": self.slug(obj), "name": obj.get("name"),
            "alternate_name": _text(obj.get("alternate_name")), "description": description,
            "summary": _text(obj.get("summary")), "conditions": _text(obj.get("conditions")),
            "availability": _text(obj.get("availability")), "office_hours_only": obj.get("office_hours_only"),
            "email": _text(obj.get("email")), "links": obj.get("links") or [], "sources": obj.get("sources") or [],
            "assured_date": obj.get("assured_date") or None,
            "target_group": _text(obj.get("eligibility_description") or obj.get("target_group")),
            "application_process": _text(obj.get("application_process")),
        }

    def terms(self, obj: dict[str, Any], entity: str, where: str) -> None:
        for attr in _list(obj.get("attributes")):
            term = attr.get("taxonomy_term") if isinstance(attr, dict) else None
            if not isinstance(term, dict):
                continue
            taxonomy = term.get("taxonomy")
            if taxonomy not in {t.value for t in Taxonomy}:
                self.notes.add(f"{where}.attributes: taxonomie '{str(taxonomy)[:100]}' staat niet in onze "
                               "vocabulaire; kenmerk overgeslagen")
                continue
            description = _text(term.get("description"))
            self.add("taxonomy_terms", {
                "id": term.get("id"), "code": term.get("code"), "name": term.get("name"), "taxonomy": taxonomy,
                "description": "" if description == term.get("name") else description,
            })
            self.add("attributes", {
                "id": attr.get("id"), "link_id": obj.get("id"), "link_entity": entity,
                "link_type": _text(attr.get("link_type")), "taxonomy_term_id": term.get("id"),
            })

    def children(self, obj: dict[str, Any], owner: str, where: str) -> None:
        for phone in _list(obj.get("phones")):
            if isinstance(phone, dict) and phone.get("id") not in self.owned:
                self.owned.add(phone.get("id"))
                self.add("phones", {"id": phone.get("id"), owner: obj.get("id"), "number": phone.get("number"),
                                    "description": _text(phone.get("description"))[:200]})
        for schedule in _list(obj.get("schedules")):
            if isinstance(schedule, dict) and schedule.get("id") not in self.owned:
                self.owned.add(schedule.get("id"))
                text = _text(schedule.get("description")) or " ".join(
                    _text(schedule.get(k)) for k in ("byday", "opens_at", "closes_at") if schedule.get(k))
                if text:
                    self.add("schedules", {"id": schedule.get("id"), owner: obj.get("id"), "description": text[:300]})
        for contact in _list(obj.get("contacts")):
            if isinstance(contact, dict) and contact.get("id") not in self.owned:
                self.owned.add(contact.get("id"))
                self.add("contacts", {"id": contact.get("id"), owner: obj.get("id"), "name": _text(contact.get("name")),
                                      "title": _text(contact.get("title")), "email": _text(contact.get("email"))})
                for phone in _list(contact.get("phones")):
                    if isinstance(phone, dict) and phone.get("id") not in self.owned:
                        self.owned.add(phone.get("id"))
                        self.add("phones", {"id": phone.get("id"), "contact_id": contact.get("id"),
                                            "number": phone.get("number"),
                                            "description": _text(phone.get("description"))[:200]})
        for area in _list(obj.get("service_areas")):
            if not isinstance(area, dict):
                continue
            if not area.get("slug") or not area.get("wijk_id"):
                self.notes.add(f"{where}.service_areas: werkgebied '{_text(area.get('name'))[:60]}' is geen wijk "
                               "van de kaart; overgeslagen")
                continue
            self.add("wijken", {"id": area["wijk_id"], "slug": area["slug"], "name": area.get("name")})
            self.add("service_areas", {"id": area.get("id"), owner: obj.get("id"), "wijk_id": area["wijk_id"],
                                       "name": _text(area.get("name"))})

    def location(self, loc: Any, organization_id: Any) -> bool:
        if not isinstance(loc, dict):
            return False
        address = _text(loc.get("address")) or ", ".join(
            _text(a.get(k)) for a in _list(loc.get("addresses"))[:1] if isinstance(a, dict)
            for k in ("address_1", "postal_code", "city") if a.get(k))
        wijk: dict[str, Any] = loc["wijk"] if isinstance(loc.get("wijk"), dict) else {}
        org = loc.get("organization_id") or organization_id
        if not org:
            self.notes.add(f"locatie '{_text(loc.get('name'))[:60]}' hoort bij geen organisatie; overgeslagen")
            return False
        self.add("locations", {"id": loc.get("id"), "organization_id": org, "name": loc.get("name") or address or "-",
                               "address": address[:300], "wijk_id": wijk.get("id")})
        return True

    def organization(self, obj: Any, where: str, *, ours: bool) -> None:
        if not isinstance(obj, dict) or obj.get("id") in self.seen["organizations"]:
            return
        row = {**self.record(obj, ours=ours), "website": _text(obj.get("website")),
               "kind": obj.get("kind") or Organization.Kind.ORGANIZATION,
               "parent_organization_id": obj.get("parent_organization_id"),
               "wijk_id": (obj.get("wijk") or {}).get("id") if isinstance(obj.get("wijk"), dict) else None,
               "chair_name": _text(obj.get("chair_name")), "target_group": _text(obj.get("target_group")),
               "application_process": _text(obj.get("application_process")),
               "role_ids": [r.get("id") for r in _list(obj.get("roles")) if isinstance(r, dict)]}
        if isinstance(obj.get("wijk"), dict):
            w = obj["wijk"]
            self.add("wijken", {"id": w.get("id"), "slug": w.get("slug"), "name": w.get("name")})
        self.add("organizations", row)
        self.terms(obj, "organization", where)
        self.children(obj, "organization_id", where)
        for loc in _list(obj.get("locations")):
            self.location(loc, obj.get("id"))
        for i, service in enumerate(_list(obj.get("services"))):
            if isinstance(service, dict) and ("description" in service or "phones" in service):
                self.service({**service, "organization_id": service.get("organization_id") or obj.get("id")},
                             f"{where}.services[{i}]", ours=ours)
        self._ignored(obj, _KNOWN_ORG, "organisatie")

    def service(self, obj: Any, where: str, *, ours: bool) -> None:
        if not isinstance(obj, dict) or obj.get("id") in self.seen["services"]:
            return
        self.organization(obj.get("organization"), f"{where}.organization", ours=ours)
        org_ids = [o.get("id") for o in _list(obj.get("organizations")) if isinstance(o, dict)]
        if not org_ids and obj.get("organization_id"):
            org_ids = [obj["organization_id"]]
        if not org_ids and isinstance(obj.get("organization"), dict) and obj["organization"].get("id"):
            org_ids = [obj["organization"]["id"]]
        links = obj.get("links") or []
        url = _text(obj.get("url"))
        link_urls = {link.get("url") for link in links if isinstance(link, dict)}
        row = {**self.record(obj, ours=ours), "url": "" if url in link_urls else url, "status": "active",
               "waiting_time": _text(obj.get("wait_time"))[:200],
               "organization_ids": org_ids,
               "role_ids": [r.get("id") for r in _list(obj.get("roles")) if isinstance(r, dict)]}
        if obj.get("status") not in (None, "active"):
            self.notes.add(f"{where}: status '{obj.get('status')}' wordt 'active' (de kaart kent alleen lopend aanbod)")
        if isinstance(obj.get("last_modified"), str) and ours:
            self.modified[str(obj.get("id"))] = obj["last_modified"]
        self.add("services", row)
        self.terms(obj, "service", where)
        self.children(obj, "service_id", where)
        for sal in _list(obj.get("service_at_locations")):
            if isinstance(sal, dict) and self.location(sal.get("location"), org_ids[0] if org_ids else None):
                self.add("service_at_locations", {"id": sal.get("id"), "service_id": obj.get("id"),
                                                  "location_id": sal["location"].get("id")})
        self._ignored(obj, _KNOWN_SERVICE, "aanbod")

    def service_at_location(self, obj: Any, where: str, *, ours: bool) -> None:
        if not isinstance(obj, dict):
            return
        service = obj.get("service") if isinstance(obj.get("service"), dict) else None
        if service is None:
            self.notes.add(f"{where}: aanbod op locatie zonder aanbod; overgeslagen")
            return
        self.service(service, f"{where}.service", ours=ours)
        orgs = [o.get("id") for o in _list(service.get("organizations")) if isinstance(o, dict)]
        org = service.get("organization_id") or (service.get("organization") or {}).get("id") or (orgs or [None])[0]
        if self.location(obj.get("location"), org):
            self.add("service_at_locations", {"id": obj.get("id"), "service_id": service.get("id"),
                                              "location_id": obj["location"].get("id")})

    def _ignored(self, obj: dict[str, Any], known: set[str], what: str) -> None:
        extra = sorted(k for k, v in obj.items() if k not in known and v not in (None, "", [], {}))
        if extra:
            self.notes.add(f"{what}: niet overgenomen (geen plaats in de kaart): {', '.join(extra)}")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def hsds_to_tables(document: Any) -> tuple[dict[str, Any] | None, list[str], list[str]]:
    """(tables, problems, notes) for an HSDS document; tables None when its shape is not HSDS at all."""
    if isinstance(document, dict) and document.get("format") == FORMAT:
        return document, [], []
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        objects = [(f"contents[{i}]", o) for i, o in enumerate(document["contents"])]
    elif isinstance(document, list):
        objects = [(f"[{i}]", o) for i, o in enumerate(document)]
    elif isinstance(document, dict) and "id" in document:
        objects = [("(document)", document)]
    else:
        return None, ["(document): geen HSDS 3.0-document (een aanbod, organisatie of aanbod op locatie, of een "
                      "gepagineerde lijst daarvan met 'contents')"], []
    ours = isinstance(document, dict) and isinstance(document.get("organizations"), list)
    extras = [(f"organizations[{i}]", o) for i, o in enumerate(document["organizations"])] if ours else []
    problems: list[str] = []
    for where, obj in objects + extras:
        if not isinstance(obj, dict):
            problems.append(f"{where}: geen JSON-object")
            continue
        kind = "organization" if where.startswith("organizations[") else _kind(obj)
        problems.extend(_schema_problems(obj, kind, where))
    tables = _Tables()
    if ours:
        for wijk in _list(document.get("wijken")):
            if isinstance(wijk, dict):
                tables.add("wijken", {"id": wijk.get("id"), "slug": wijk.get("slug"), "name": wijk.get("name"),
                                      "description": _text(wijk.get("description")), "sources": wijk.get("sources") or []})
        for term in _list(document.get("taxonomy_terms")):
            if isinstance(term, dict):
                description = _text(term.get("description"))
                tables.add("taxonomy_terms", {"id": term.get("id"), "code": term.get("code"), "name": term.get("name"),
                                              "taxonomy": term.get("taxonomy"),
                                              "description": "" if description == term.get("name") else description})
        for i, role in enumerate(_list(document.get("roles"))):
            if isinstance(role, dict):
                tables.add("roles", {**tables.record(role, ours=True), "website": _text(role.get("url"))})
                tables.terms(role, "role", f"roles[{i}]")
        # parents first: an organisation's services come from the contents, not its brief services[]
        for where, obj in extras:
            tables.organization({**obj, "services": []} if isinstance(obj, dict) else obj, where, ours=True)
    for where, obj in objects:
        if not isinstance(obj, dict):
            continue
        kind = _kind(obj)
        getattr(tables, kind)(obj, where, ours=ours)
    if not ours:  # another publisher's parent outside the file: the map cannot hold it
        for row in tables.doc["organizations"]:
            parent = row.get("parent_organization_id")
            if parent and parent not in tables.seen["organizations"] and parent != row.get("id"):
                tables.notes.add(f"organisatie '{str(row.get('name'))[:60]}': bovenliggende organisatie {str(parent)[:40]} "
                                 "staat niet in het bestand; verband overgeslagen")
                row["parent_organization_id"] = None
    for row in tables.doc["roles"]:
        if row["links"] and row["website"] in {link.get("url") for link in row["links"] if isinstance(link, dict)}:
            row["website"] = ""
    for row in tables.doc["organizations"]:
        if row["links"] and row["website"] in {link.get("url") for link in row["links"] if isinstance(link, dict)}:
            row["website"] = ""
    tables.doc["_last_modified"] = tables.modified
    return tables.doc, problems, sorted(tables.notes)


def import_from(path: Path | str) -> tuple[dict[str, int] | None, list[str], list[str]]:
    """Validate fully, then import all-or-nothing. Returns (counts, problems, notes); counts None on failure."""
    document, problems = read_document(path)
    notes: list[str] = []
    tables = None
    if not problems:
        problems.extend(_unstorable_strings(document))
        if not problems:
            tables, problems, notes = hsds_to_tables(document)
    if tables is not None:
        modified = tables.pop("_last_modified", {})
        # the tables' checks run after schema problems too: one run lists every problem
        problems = problems + [p for p in validate_document(tables) if p not in problems]
        if not any(tables.get(t) for t in ("services", "organizations", "roles")):
            problems.append("(document): geen aanbod, organisaties of rollen; een lege kaart wordt niet geïmporteerd")
        if not problems:
            with transaction.atomic():
                counts = import_document(tables)
                _restore_modified(modified)
            return counts, [], notes
    return None, problems, notes


def _restore_modified(modified: dict[str, str]) -> None:
    """Keep each service's last_modified from the file (auto_now would stamp the import time)."""
    from datetime import datetime

    for sid, stamp in modified.items():
        try:
            value = datetime.fromisoformat(stamp)
        except ValueError:
            continue
        Service.objects.filter(id=sid).update(updated_at=value)
