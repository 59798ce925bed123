"""The social map's versioned content files: read, check, load into the database.

Files (under settings.CONTENT_DIR, see content/README.md):
    vocabulary.yaml                 the product owner's codes
    socialmap/taxonomy.yaml         domains and access paths (code -> Dutch label)
    socialmap/wijken.yaml           the ten wijken
    socialmap/roles.yaml            one record per vocabulary role code
    socialmap/interventions.yaml    one record per vocabulary intervention code (plus other offers)
    socialmap/organisations.yaml    organisations, teams and networks

`check()` returns one readable line per problem ("<file>: <slug>: <problem>"); `load()` refuses content
with problems and loads everything in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction

from . import changes

VOCABULARY = "vocabulary.yaml"
TAXONOMY = "socialmap/taxonomy.yaml"
WIJKEN = "socialmap/wijken.yaml"
ROLES = "socialmap/roles.yaml"
INTERVENTIONS = "socialmap/interventions.yaml"
ORGANIZATIONS = "socialmap/organisations.yaml"

TEXT_FIELDS = (
    "name", "alternate_name", "summary", "description", "target_group", "conditions",
    "application_process", "availability", "email", "phone",
)
LIST_FIELDS = ("phases", "concerns", "laws", "access", "sources")
COMMON_FIELDS = {
    "slug", *TEXT_FIELDS, *LIST_FIELDS, "office_hours_only", "domain", "links", "assured_date", "website",
}
ROLE_FIELDS = COMMON_FIELDS
INTERVENTION_FIELDS = COMMON_FIELDS | {"providers", "roles", "service_areas", "waiting_time"}
ORGANIZATION_FIELDS = COMMON_FIELDS | {"kind", "parent", "wijk", "roles", "service_areas", "chair_name"}
ORG_KINDS = ("organisatie", "team", "netwerk")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TAXONOMY_KEYS = {"domains": "domain", "domain": "domain", "access": "access", "access_paths": "access"}

# Limits from the model fields, so a load never fails half-way on a too-long value.
# libyaml's C parser when available: the pure-Python one takes seconds on the real map.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_LENGTHS = {"slug": 100, "name": 200, "alternate_name": 300, "summary": 300, "chair_name": 200,
               "waiting_time": 200, "phone": 50, "email": 254, "website": 200}


class ContentError(CommandError):
    """Content that cannot be loaded; the message lists every problem."""


@dataclass
class ContentBundle:
    content_dir: Path
    vocabulary: dict[str, Any] = field(default_factory=dict)
    # taxonomy kind ("domain" | "access") -> code -> {"name", "description"}
    taxonomy: dict[str, dict[str, dict[str, str]]] = field(default_factory=lambda: {"domain": {}, "access": {}})
    wijken: list[dict[str, Any]] = field(default_factory=list)
    roles: list[dict[str, Any]] = field(default_factory=list)
    interventions: list[dict[str, Any]] = field(default_factory=list)
    organizations: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # problems found while reading (missing files, bad YAML)

    def codes(self, group: str) -> set[str]:
        value = self.vocabulary.get(group) or {}
        if isinstance(value, dict):
            return {str(k) for k in value}
        if isinstance(value, list):
            return {str(v) for v in value}
        return set()

    def label(self, group: str, code: str) -> str:
        value = self.vocabulary.get(group) or {}
        return str(value.get(code, code)) if isinstance(value, dict) else code


def _content_dir(content_dir: Path | str | None) -> Path:
    return Path(content_dir) if content_dir is not None else Path(settings.CONTENT_DIR)


def _read_yaml(base: Path, rel: str, problems: list[str], required: bool = True) -> Any:
    path = base / rel
    if not path.is_file():
        if required:
            problems.append(f"{rel}: bestand ontbreekt")
        return None
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        problems.append(f"{rel}: geen geldige YAML: {' '.join(str(exc).split())}")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{rel}: niet te lezen: {exc}")
    return None


def _record_list(data: Any, rel: str, problems: list[str]) -> list[dict[str, Any]]:
    if data is None:
        return []
    if not isinstance(data, list):
        problems.append(f"{rel}: verwacht een lijst van records, kreeg {type(data).__name__}")
        return []
    out = []
    for i, item in enumerate(data, start=1):
        if isinstance(item, dict):
            out.append(item)
        else:
            problems.append(f"{rel}: record {i} is geen mapping (slug, name, ...)")
    return out


def _terms_from(value: Any, rel: str, key: str, problems: list[str]) -> dict[str, dict[str, str]]:
    """Accept `code: label`, `code: {name, description}` or a list of `{code, name, description}`."""
    out: dict[str, dict[str, str]] = {}
    if isinstance(value, dict):
        items = [(k, v) for k, v in value.items()]
    elif isinstance(value, list):
        items = []
        for i, item in enumerate(value, start=1):
            if isinstance(item, dict) and (item.get("code") or item.get("slug")):
                items.append((item.get("code") or item.get("slug"), item))
            else:
                problems.append(f"{rel}: {key} item {i} heeft geen code")
    else:
        problems.append(f"{rel}: {key} moet een mapping of lijst zijn")
        return out
    for code, spec in items:
        code = str(code)
        if isinstance(spec, str):
            out[code] = {"name": spec, "description": ""}
        elif isinstance(spec, dict):
            name = spec.get("name") or spec.get("label") or ""
            if not isinstance(name, str) or not name:
                problems.append(f"{rel}: {key} {code}: naam (name) ontbreekt")
            out[code] = {"name": str(name or code), "description": str(spec.get("description") or "")}
        else:
            problems.append(f"{rel}: {key} {code}: verwacht een label of {{name, description}}")
    return out


def read_content(content_dir: Path | str | None = None) -> ContentBundle:
    """Parse the social map's content files; reading problems are collected, never raised."""
    base = _content_dir(content_dir)
    bundle = ContentBundle(content_dir=base)
    problems = bundle.problems

    vocabulary = _read_yaml(base, VOCABULARY, problems)
    if vocabulary is not None and not isinstance(vocabulary, dict):
        problems.append(f"{VOCABULARY}: verwacht een mapping")
    elif vocabulary:
        bundle.vocabulary = vocabulary

    taxonomy = _read_yaml(base, TAXONOMY, problems)
    if taxonomy is not None:
        if not isinstance(taxonomy, dict):
            problems.append(f"{TAXONOMY}: verwacht een mapping met domains en access")
        else:
            for key, value in taxonomy.items():
                target = TAXONOMY_KEYS.get(str(key))
                if target is None:
                    problems.append(f"{TAXONOMY}: onbekend onderdeel '{key}' (verwacht: domains, access)")
                    continue
                bundle.taxonomy[target].update(_terms_from(value, TAXONOMY, str(key), problems))

    wijken = _read_yaml(base, WIJKEN, problems)
    if isinstance(wijken, dict):  # code: name, or code: {name, description, sources}
        wijken = [
            {"slug": k, **(v if isinstance(v, dict) else {"name": v})} for k, v in wijken.items()
        ]
    bundle.wijken = _record_list(wijken, WIJKEN, problems)
    bundle.roles = _record_list(_read_yaml(base, ROLES, problems), ROLES, problems)
    bundle.interventions = _record_list(_read_yaml(base, INTERVENTIONS, problems), INTERVENTIONS, problems)
    bundle.organizations = _record_list(_read_yaml(base, ORGANIZATIONS, problems), ORGANIZATIONS, problems)
    return bundle


# ---------------------------------------------------------------- checking


def url_problem(url: Any) -> str | None:
    if not isinstance(url, str) or not url:
        return "lege of ongeldige URL"
    if any(c.isspace() for c in url):
        return f"URL bevat spaties: {url!r}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"URL moet met http:// of https:// beginnen: {url!r}"
    host = parts.hostname or ""
    if "." not in host or host.startswith(".") or host.endswith("."):
        return f"URL heeft geen geldige domeinnaam: {url!r}"
    return None


def _check_record(
    rec: dict[str, Any], rel: str, allowed: set[str], bundle: ContentBundle, where: str, out: list[str]
) -> None:
    def p(msg: str) -> None:
        out.append(f"{rel}: {where}: {msg}")

    for key in sorted(set(rec) - allowed, key=str):
        p(f"onbekend veld '{key}'")
    name = rec.get("name")
    if not isinstance(name, str) or not name.strip():
        p("naam (name) ontbreekt")
    for key in TEXT_FIELDS:
        if key == "name":
            continue
        value = rec.get(key)
        if key == "alternate_name" and isinstance(value, list):
            if not all(isinstance(v, str) for v in value):
                p("alternate_name moet tekst of een lijst van teksten zijn")
            continue
        if value is not None and not isinstance(value, str):
            p(f"{key} moet tekst zijn, kreeg {type(value).__name__}")
    for key in ("waiting_time", "chair_name", "kind", "parent", "wijk", "website"):
        value = rec.get(key)
        if key in rec and value is not None and not isinstance(value, str):
            p(f"{key} moet tekst zijn, kreeg {type(value).__name__}")
    for key, limit in MAX_LENGTHS.items():
        value = rec.get(key)
        if isinstance(value, str) and len(value) > limit:
            p(f"{key} is te lang ({len(value)} > {limit} tekens)")
    email = rec.get("email")
    if isinstance(email, str) and email and not EMAIL_RE.match(email):
        p(f"ongeldig e-mailadres: {email!r}")
    if isinstance(rec.get("website"), str) and rec["website"] and (err := url_problem(rec["website"])):
        p(f"website: {err}")
    if "office_hours_only" in rec and rec["office_hours_only"] is not None and not isinstance(rec["office_hours_only"], bool):
        p("office_hours_only moet true of false zijn")
    assured = rec.get("assured_date")
    if assured is not None and not isinstance(assured, dt.date):
        try:
            dt.date.fromisoformat(str(assured))
        except ValueError:
            p(f"assured_date is geen datum (JJJJ-MM-DD): {assured!r}")

    lists: dict[str, list[str]] = {}
    for key in (*LIST_FIELDS, "providers", "roles", "service_areas"):
        if key not in rec or rec[key] is None:
            lists[key] = []
            continue
        value = rec[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            p(f"{key} moet een lijst van teksten zijn")
            lists[key] = []
            continue
        lists[key] = value
        dupes = sorted({v for v in value if value.count(v) > 1})
        if dupes:
            p(f"{key} bevat dubbele waarden: {', '.join(dupes)}")

    if not [s for s in lists["sources"] if s.strip()]:
        p("bronnen (sources) ontbreken: elk feit moet op een sectie uit de bronnen rusten")
    for key, group, label in (
        ("laws", "laws", "wet"), ("phases", "phases", "fase"), ("concerns", "concerns", "signaal"),
    ):
        known = bundle.codes(group)
        for code in lists[key]:
            if code not in known:
                p(f"onbekende {label}-code '{code}' in {key} (niet in {VOCABULARY})")
    for code in lists["access"]:
        if code not in bundle.taxonomy["access"]:
            p(f"onbekende toegang-code '{code}' in access (niet in {TAXONOMY})")
    domain = rec.get("domain")
    if domain is not None and domain != "":
        if not isinstance(domain, str):
            p("domain moet één code zijn")
        elif domain not in bundle.taxonomy["domain"]:
            p(f"onbekende domein-code '{domain}' in domain (niet in {TAXONOMY})")

    links = rec.get("links")
    if links is not None:
        if not isinstance(links, list):
            p("links moet een lijst van {url, label} zijn")
        else:
            for i, link in enumerate(links, start=1):
                if isinstance(link, str):
                    link = {"url": link}
                if not isinstance(link, dict):
                    p(f"link {i} moet {{url, label}} zijn")
                    continue
                extra = set(link) - {"url", "label"}
                if extra:
                    p(f"link {i} heeft onbekende velden: {', '.join(sorted(map(str, extra)))}")
                if err := url_problem(link.get("url")):
                    p(f"link {i}: {err}")
                if link.get("label") is not None and not isinstance(link.get("label"), str):
                    p(f"link {i}: label moet tekst zijn")


def check(content_dir: Path | str | None = None) -> list[str]:
    """Every problem in the social map's content, one readable line each (empty list: all fine)."""
    bundle = read_content(content_dir)
    return check_bundle(bundle)


def check_bundle(bundle: ContentBundle) -> list[str]:
    out = list(bundle.problems)
    for group in ("roles", "interventions", "laws", "phases", "concerns", "wijken"):
        if not bundle.codes(group) and not any(x.startswith(VOCABULARY) for x in out):
            out.append(f"{VOCABULARY}: onderdeel '{group}' ontbreekt of is leeg")
    for kind, terms in bundle.taxonomy.items():
        for code in terms:
            if not SLUG_RE.match(code):
                out.append(f"{TAXONOMY}: {kind} '{code}' is geen geldige code (kleine letters, cijfers, streepjes)")

    # Slugs: well-formed and unique across every kind (they share one namespace and one URL space).
    seen: dict[str, str] = {}
    for rel, records in ((WIJKEN, bundle.wijken), (ROLES, bundle.roles),
                         (INTERVENTIONS, bundle.interventions), (ORGANIZATIONS, bundle.organizations)):
        for i, rec in enumerate(records, start=1):
            slug = rec.get("slug")
            if not isinstance(slug, str) or not slug:
                out.append(f"{rel}: record {i} ({rec.get('name', '?')}): slug ontbreekt")
                continue
            if not SLUG_RE.match(slug):
                out.append(f"{rel}: {slug}: slug is geen geldige code (kleine letters, cijfers, streepjes)")
            if slug in seen:
                out.append(f"{rel}: {slug}: dubbele slug (ook in {seen[slug]})")
            else:
                seen[slug] = rel

    def slug_of(rec: dict[str, Any], i: int) -> str:
        slug = rec.get("slug")
        return slug if isinstance(slug, str) and slug else f"record {i}"

    # Wijken: exactly the vocabulary's districts.
    vocab_wijken = bundle.codes("wijken")
    wijk_slugs = {w.get("slug") for w in bundle.wijken}
    for i, w in enumerate(bundle.wijken, start=1):
        where = slug_of(w, i)
        for key in sorted(set(w) - {"slug", "name", "description", "sources"}, key=str):
            out.append(f"{WIJKEN}: {where}: onbekend veld '{key}'")
        if not isinstance(w.get("name"), str) or not w.get("name"):
            out.append(f"{WIJKEN}: {where}: naam (name) ontbreekt")
        if w.get("slug") and vocab_wijken and w.get("slug") not in vocab_wijken:
            out.append(f"{WIJKEN}: {where}: wijk staat niet in {VOCABULARY}")
        if "description" in w and w["description"] is not None and not isinstance(w["description"], str):
            out.append(f"{WIJKEN}: {where}: description moet tekst zijn")
        if "sources" in w and (not isinstance(w["sources"], list) or not all(isinstance(s, str) for s in w["sources"])):
            out.append(f"{WIJKEN}: {where}: sources moet een lijst van teksten zijn")
    for code in sorted(vocab_wijken - wijk_slugs):
        out.append(f"{WIJKEN}: wijk '{code}' uit {VOCABULARY} ontbreekt")

    role_slugs = {r.get("slug") for r in bundle.roles}
    org_slugs = {o.get("slug") for o in bundle.organizations}
    for code in sorted(bundle.codes("roles") - role_slugs):
        out.append(f"{ROLES}: rol '{code}' uit {VOCABULARY} ontbreekt")
    for code in sorted(bundle.codes("interventions") - {r.get("slug") for r in bundle.interventions}):
        out.append(f"{INTERVENTIONS}: interventie '{code}' uit {VOCABULARY} ontbreekt")

    for i, rec in enumerate(bundle.roles, start=1):
        where = slug_of(rec, i)
        _check_record(rec, ROLES, ROLE_FIELDS, bundle, where, out)
        if isinstance(rec.get("slug"), str) and bundle.codes("roles") and rec["slug"] not in bundle.codes("roles"):
            out.append(f"{ROLES}: {where}: rol staat niet in {VOCABULARY} (rollen zijn vocabulairecodes)")
        if _text(rec, "phone"):
            out.append(f"{ROLES}: {where}: een rol heeft geen telefoonnummer; zet het bij de organisatie of het team")

    def refs(rec: dict[str, Any], key: str) -> list[str]:
        value = rec.get(key)
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    for i, rec in enumerate(bundle.interventions, start=1):
        where = slug_of(rec, i)
        _check_record(rec, INTERVENTIONS, INTERVENTION_FIELDS, bundle, where, out)
        for slug in refs(rec, "providers"):
            if slug not in org_slugs:
                out.append(f"{INTERVENTIONS}: {where}: aanbieder '{slug}' (providers) bestaat niet in {ORGANIZATIONS}")
        for slug in refs(rec, "roles"):
            if slug not in role_slugs:
                out.append(f"{INTERVENTIONS}: {where}: rol '{slug}' (roles) bestaat niet in {ROLES}")
        for slug in refs(rec, "service_areas"):
            if slug not in wijk_slugs:
                out.append(f"{INTERVENTIONS}: {where}: wijk '{slug}' (service_areas) bestaat niet in {WIJKEN}")

    parents: dict[str, str] = {}
    for i, rec in enumerate(bundle.organizations, start=1):
        where = slug_of(rec, i)
        _check_record(rec, ORGANIZATIONS, ORGANIZATION_FIELDS, bundle, where, out)
        kind = rec.get("kind", "organisatie")
        if kind not in ORG_KINDS:
            out.append(f"{ORGANIZATIONS}: {where}: onbekende soort (kind) '{kind}' (verwacht: {', '.join(ORG_KINDS)})")
        for slug in refs(rec, "roles"):
            if slug not in role_slugs:
                out.append(f"{ORGANIZATIONS}: {where}: rol '{slug}' (roles) bestaat niet in {ROLES}")
        for slug in refs(rec, "service_areas"):
            if slug not in wijk_slugs:
                out.append(f"{ORGANIZATIONS}: {where}: wijk '{slug}' (service_areas) bestaat niet in {WIJKEN}")
        wijk = rec.get("wijk")
        if isinstance(wijk, str) and wijk and wijk not in wijk_slugs:
            out.append(f"{ORGANIZATIONS}: {where}: wijk '{wijk}' bestaat niet in {WIJKEN}")
        parent = rec.get("parent")
        if isinstance(parent, str) and parent:
            if parent not in org_slugs:
                out.append(f"{ORGANIZATIONS}: {where}: bovenliggende organisatie '{parent}' (parent) bestaat niet")
            elif parent == rec.get("slug"):
                out.append(f"{ORGANIZATIONS}: {where}: een organisatie kan niet onderdeel van zichzelf zijn")
            elif isinstance(rec.get("slug"), str):
                parents[rec["slug"]] = parent
    for start in sorted(parents):  # parent cycles
        node, path = start, [start]
        while node in parents:
            node = parents[node]
            if node == start:
                out.append(f"{ORGANIZATIONS}: {start}: kring van bovenliggende organisaties: {' → '.join([*path, start])}")
                break
            if node in path:
                break
            path.append(node)
    return out


# ---------------------------------------------------------------- loading


def _text(rec: dict[str, Any], key: str) -> str:
    value = rec.get(key)
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value).strip()


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _links(value: Any) -> list[dict[str, str]]:
    out = []
    for link in value or []:
        if isinstance(link, str):
            link = {"url": link}
        out.append({"url": str(link.get("url", "")), "label": str(link.get("label") or "")})
    return out


def map_is_empty() -> bool:
    from .models import Organization, Role, Service, TaxonomyTerm, Wijk

    return not any(m.objects.exists() for m in (Role, Service, Organization, Wijk, TaxonomyTerm))


def clear_map() -> None:
    """Delete the whole social map (used by load --replace and by HSDS import)."""
    from .models import (
        Contact,
        Location,
        Organization,
        Phone,
        Role,
        Schedule,
        Service,
        ServiceAtLocation,
        TaxonomyTerm,
        Wijk,
    )

    models: list[Any] = [ServiceAtLocation, Phone, Schedule, Contact, Location, Service]
    for model in models:
        model.objects.all().delete()
    Organization.objects.update(parent=None)
    rest: list[Any] = [Organization, Role, Wijk, TaxonomyTerm]
    for model in rest:
        model.objects.all().delete()


def load(*, if_empty: bool = False, replace: bool = False, content_dir: Path | str | None = None) -> str:
    """Load the content files into the database (one transaction). Returns a Dutch one-line report.

    if_empty: do nothing when the map already has records. replace: delete the map first.
    Without either, loading into a non-empty map is refused (admin edits would be lost).
    """
    if if_empty and not map_is_empty():
        return "Sociale kaart niet geladen: de database bevat al gegevens."
    bundle = read_content(content_dir)
    problems = check_bundle(bundle)
    if problems:
        raise ContentError(
            f"De inhoud heeft {len(problems)} probleem/problemen; niets geladen:\n" + "\n".join(problems),
            returncode=1,
        )
    with transaction.atomic():
        if not map_is_empty():
            if not replace:
                raise ContentError(
                    "De sociale kaart bevat al gegevens. Gebruik --replace om te vervangen of --if-empty.",
                    returncode=1,
                )
            clear_map()
        counts = _load_bundle(bundle)
        changes.changes_record_all()  # the whole map is new: indexes rebuild (in this transaction)
    return (
        f"Sociale kaart geladen: {counts['wijken']} wijken, {counts['roles']} rollen, "
        f"{counts['services']} aanbod, {counts['organizations']} organisaties, {counts['terms']} taxonomietermen."
    )


def _load_bundle(bundle: ContentBundle) -> dict[str, int]:
    from simple_history.utils import bulk_create_with_history

    from .models import (
        UNCONFIRMED_CONCEPT,
        Contact,
        Organization,
        Phone,
        Role,
        Schedule,
        Service,
        Taxonomy,
        TaxonomyTerm,
        Wijk,
    )

    terms: dict[tuple[str, str], TaxonomyTerm] = {}
    for group, taxonomy in (("laws", Taxonomy.LAW), ("phases", Taxonomy.PHASE), ("concerns", Taxonomy.CONCERN)):
        for code in sorted(bundle.codes(group)):
            terms[(taxonomy, code)] = TaxonomyTerm(taxonomy=taxonomy, code=code, name=bundle.label(group, code)[:200])
    for kind, taxonomy in (("domain", Taxonomy.DOMAIN), ("access", Taxonomy.ACCESS)):
        for code, spec in sorted(bundle.taxonomy[kind].items()):
            terms[(taxonomy, code)] = TaxonomyTerm(
                taxonomy=taxonomy, code=code, name=spec["name"][:200], description=spec["description"]
            )
    bulk_create_with_history(list(terms.values()), TaxonomyTerm)

    wijken = {
        w["slug"]: Wijk(
            slug=w["slug"], name=_text(w, "name"), description=_text(w, "description"), sources=list(w.get("sources") or [])
        )
        for w in bundle.wijken
    }
    bulk_create_with_history(list(wijken.values()), Wijk)

    def fields(rec: dict[str, Any]) -> dict[str, Any]:
        return {
            "slug": rec["slug"],
            "name": _text(rec, "name"),
            "alternate_name": _text(rec, "alternate_name")[:300],
            "summary": _text(rec, "summary"),
            "description": _text(rec, "description"),
            "target_group": _text(rec, "target_group"),
            "conditions": _text(rec, "conditions"),
            "application_process": _text(rec, "application_process"),
            "availability": _text(rec, "availability"),
            "office_hours_only": rec.get("office_hours_only"),
            "email": _text(rec, "email"),
            "website": _text(rec, "website"),
            "links": _links(rec.get("links")),
            "sources": [str(s) for s in rec.get("sources") or []],
            # The files were written from the 2025 concept wegwijzer (and the Proeftuin report): a date in
            # them says when they were written, not that a person checked the record. Until an editor or
            # provider confirms it, a loaded record has no assured date and names its source instead.
            "assured_date": None,
            "unconfirmed_source": UNCONFIRMED_CONCEPT,
        }

    def term_objs(rec: dict[str, Any]) -> list[TaxonomyTerm]:
        out = [terms[(Taxonomy.LAW, c)] for c in rec.get("laws") or []]
        out += [terms[(Taxonomy.PHASE, c)] for c in rec.get("phases") or []]
        out += [terms[(Taxonomy.CONCERN, c)] for c in rec.get("concerns") or []]
        out += [terms[(Taxonomy.ACCESS, c)] for c in rec.get("access") or []]
        if rec.get("domain"):
            out.append(terms[(Taxonomy.DOMAIN, rec["domain"])])
        return out

    roles = {r["slug"]: Role(**fields(r)) for r in bundle.roles}
    bulk_create_with_history(list(roles.values()), Role)
    orgs = {
        o["slug"]: Organization(
            **fields(o),
            kind=o.get("kind") or "organisatie",
            wijk=wijken.get(o.get("wijk") or ""),
            chair_name=_text(o, "chair_name"),
        )
        for o in bundle.organizations
    }
    bulk_create_with_history(list(orgs.values()), Organization)
    to_update = []
    for o in bundle.organizations:
        if o.get("parent"):
            orgs[o["slug"]].parent = orgs[o["parent"]]
            to_update.append(orgs[o["slug"]])
    Organization.objects.bulk_update(to_update, ["parent"])
    services = {
        s["slug"]: Service(**fields(s), waiting_time=_text(s, "waiting_time")) for s in bundle.interventions
    }
    bulk_create_with_history(list(services.values()), Service)

    # Many-to-many links straight into the through tables (one insert per table).
    def link(model: Any, attr: str, rows: list[tuple[Any, Any]]) -> None:
        through = getattr(model, attr).through
        src = model._meta.model_name + "_id"
        target_model = getattr(model, attr).field.remote_field.model
        dst = (target_model._meta.model_name if target_model is not model else "to_" + model._meta.model_name) + "_id"
        through.objects.bulk_create([through(**{src: a.pk, dst: b.pk}) for a, b in rows])

    for model, records, objs in ((Role, bundle.roles, roles), (Organization, bundle.organizations, orgs),
                                 (Service, bundle.interventions, services)):
        link(model, "terms", [(objs[r["slug"]], t) for r in records for t in term_objs(r)])
    link(Organization, "roles", [(orgs[o["slug"]], roles[c]) for o in bundle.organizations for c in o.get("roles") or []])
    link(Organization, "service_areas",
         [(orgs[o["slug"]], wijken[c]) for o in bundle.organizations for c in o.get("service_areas") or []])
    link(Service, "organizations",
         [(services[s["slug"]], orgs[c]) for s in bundle.interventions for c in s.get("providers") or []])
    link(Service, "roles", [(services[s["slug"]], roles[c]) for s in bundle.interventions for c in s.get("roles") or []])
    link(Service, "service_areas",
         [(services[s["slug"]], wijken[c]) for s in bundle.interventions for c in s.get("service_areas") or []])

    phones, schedules, contacts = [], [], []
    for owner_key, records, objs in (("organization", bundle.organizations, orgs), ("service", bundle.interventions, services)):
        for rec in records:
            obj = objs[rec["slug"]]
            if _text(rec, "phone"):
                phones.append(Phone(**{owner_key: obj}, number=_text(rec, "phone")))
            if rec.get("office_hours_only") is True:
                schedules.append(Schedule(**{owner_key: obj}, description="Alleen tijdens kantoortijden"))
    for o in bundle.organizations:
        if _text(o, "chair_name"):
            contacts.append(Contact(organization=orgs[o["slug"]], name=_text(o, "chair_name"), title="Voorzitter"))
    bulk_create_with_history(phones, Phone)
    bulk_create_with_history(schedules, Schedule)
    bulk_create_with_history(contacts, Contact)
    return {
        "wijken": len(wijken), "roles": len(roles), "services": len(services),
        "organizations": len(orgs), "terms": len(terms),
    }
