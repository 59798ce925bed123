"""Waiting times and contracted providers (issue 10, items 1–3): reads, writes and the monthly CSV import.

- A waiting time is a dated figure (`WaitTime`: weeks, peildatum, who reported it, source); every new figure
  is a new row, so the rows are the record's history. The newest peildatum is the current figure, stale when
  older than `WAIT_TIME_STALE_DAYS`.
- A contract is an HSDS `funding` row (law, from, to) on a service or on its organisation. Where a contracted
  service waits longer than the city's norm (`WAIT_TIME_NORM_WEEKS`, no default), the page and the advice name
  the other contracted services for the same need and the provider's duty of care (zorgplicht) to refer on.

Writes take the acting user and an AccessContext (never the request), are atomic and write their audit rows.
The provider role is read off the user model, not imported from accounts: accounts imports the social map.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wegwijzer.audit.context import AccessContext
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.audit.service import access_log_write, access_log_write_many

from .models import Funding, Organization, Service, Taxonomy, TaxonomyTerm, WaitTime

MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
             "oktober", "november", "december")
MAX_WEEKS = 520  # ten years: a larger figure is a typo, not a waiting time
CSV_HEADER = ["service", "weeks", "measured_on", "source"]
SOURCE_MAX = WaitTime._meta.get_field("source").max_length or 200

# Drawn from the Proeftuin basiszorg jeugd-ggz (§4.5.3): agree what family, school and basiszorg do while the
# child waits, and consult the provider the child waits for. Shown where a service has no text of its own.
WHILE_WAITING_DEFAULT = (
    "Spreek met het gezin, de school en de basiszorg (huisarts, JGZ, buurtteam) af wie wat doet zolang het "
    "kind wacht, zodat de problemen niet verder oplopen, en wie de vinger aan de pols houdt. Overleg zo nodig "
    "met de aanbieder waarop het kind wacht over wat in deze situatie belangrijk is en wat nu al kan. "
    "Worden de klachten erger, neem dan opnieuw contact op met de verwijzer of de aanbieder."
)


class WaitTimeRefused(Exception):
    """Bad input for a waiting time: Dutch messages per field (or per CSV line); nothing is stored."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class NotYourService(Exception):
    """The user may not report waiting times for this service (another organisation's, or not a provider)."""


# ---------------------------------------------------------------- shaping


def date_nl(value: dt.date) -> str:
    """1 november 2026: the HSDS text is Dutch whatever the page language (the API's language is nl)."""
    return f"{value.day} {MONTHS_NL[value.month - 1]} {value.year}"


def describe(weeks: int, measured_on: dt.date) -> str:
    """HSDS wait_time text, e.g. "ongeveer 6 weken (peildatum 1 november 2026)"."""
    if weeks == 0:
        amount = "geen wachttijd"
    elif weeks == 1:
        amount = "ongeveer 1 week"
    else:
        amount = f"ongeveer {weeks} weken"
    return f"{amount} (peildatum {date_nl(measured_on)})"


def is_stale(measured_on: dt.date, *, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return measured_on < today - dt.timedelta(days=settings.WAIT_TIME_STALE_DAYS)


@dataclass(frozen=True)
class WaitTimeInfo:
    """One waiting time as pages, the API and other apps show it."""

    weeks: int
    measured_on: dt.date
    stale: bool
    text: str
    source: str
    wijk: str
    location: str
    created_at: dt.datetime | None

    @classmethod
    def of(cls, row: WaitTime, *, today: dt.date | None = None) -> WaitTimeInfo:
        return cls(
            weeks=row.weeks, measured_on=row.measured_on, stale=is_stale(row.measured_on, today=today),
            text=describe(row.weeks, row.measured_on), source=row.source,
            wijk=row.wijk.name if row.wijk_id and row.wijk else "",
            location=row.location.name if row.location_id and row.location else "",
            created_at=row.created_at,
        )

    @property
    def over_norm(self) -> bool:
        norm = settings.WAIT_TIME_NORM_WEEKS
        return norm is not None and self.weeks > norm


# ---------------------------------------------------------------- reads


def _current(rows: Iterable[WaitTime]) -> WaitTime | None:
    """The newest figure for the whole service, else the newest for any location or wijk (rows newest first)."""
    rows = list(rows)
    general = [r for r in rows if r.wijk_id is None and r.location_id is None]
    chosen = general or rows
    return chosen[0] if chosen else None


def current_wait_time_of(rows: Iterable[WaitTime], *, today: dt.date | None = None) -> WaitTimeInfo | None:
    """The current figure among a service's rows (newest first, e.g. prefetched), or None."""
    current = _current(rows)
    return WaitTimeInfo.of(current, today=today) if current is not None else None


def current_wait_times(service_ids: Iterable[Any]) -> dict[Any, WaitTimeInfo]:
    """Service id → its current waiting time, for the services that have one (one query)."""
    ids = list(dict.fromkeys(service_ids))
    if not ids:
        return {}
    per_service: dict[Any, list[WaitTime]] = {}
    for row in WaitTime.objects.filter(service_id__in=ids).select_related("wijk", "location"):
        per_service.setdefault(row.service_id, []).append(row)  # Meta.ordering: newest first
    today = timezone.localdate()
    out: dict[Any, WaitTimeInfo] = {}
    for service_id, rows in per_service.items():
        current = _current(rows)
        if current is not None:
            out[service_id] = WaitTimeInfo.of(current, today=today)
    return out


def service_current_wait_time(service_id: Any) -> WaitTimeInfo | None:
    """The current waiting time of one service (uuid), or None when none is known."""
    return current_wait_times([service_id]).get(_as_uuid(service_id))


def current_wait_times_by_slug(slugs: Iterable[str]) -> dict[str, WaitTimeInfo]:
    """Service slug → current waiting time (the route advice names services by their code)."""
    pairs = dict(Service.objects.filter(slug__in=list(slugs)).values_list("id", "slug"))
    return {pairs[k]: v for k, v in current_wait_times(pairs).items()}


def wait_times_of_organizations(slugs: Iterable[str]) -> dict[str, list[tuple[str, WaitTimeInfo]]]:
    """Organisation slug → [(service name, current waiting time)] of its services that have one (the
    advice's contacts are organisations; their waiting times are those of the services they provide)."""
    through = Service.organizations.through.objects.filter(organization__slug__in=list(slugs))
    links = list(through.values_list("organization__slug", "service_id", "service__name"))
    current = current_wait_times(s for _o, s, _n in links)
    out: dict[str, list[tuple[str, WaitTimeInfo]]] = {}
    for org, service_id, name in sorted(links, key=lambda r: r[2].casefold()):
        if service_id in current:
            out.setdefault(org, []).append((name, current[service_id]))
    return out


def service_wait_time_history(service: Service) -> list[WaitTimeInfo]:
    """Every figure of a service, newest first."""
    today = timezone.localdate()
    return [WaitTimeInfo.of(r, today=today)
            for r in WaitTime.objects.filter(service=service).select_related("wijk", "location")]


def _as_uuid(value: Any) -> Any:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return value


def _active(today: dt.date) -> Q:
    return (Q(start_date__isnull=True) | Q(start_date__lte=today)) & (Q(end_date__isnull=True) | Q(end_date__gte=today))


def service_fundings(service: Service) -> list[Funding]:
    """The contracts of a service and of its organisations (all, past and future included), oldest first."""
    return list(
        Funding.objects.filter(Q(service=service) | Q(organization__services=service))
        .select_related("law", "organization").distinct().order_by("start_date", "law__name")
    )


def contracted_service_ids(*, today: dt.date | None = None) -> set[Any]:
    """Services with a contract in force today, on the service itself or on one of its organisations."""
    today = today or timezone.localdate()
    active = Funding.objects.filter(_active(today))
    own = set(active.filter(service__isnull=False).values_list("service_id", flat=True))
    orgs = active.filter(organization__isnull=False).values_list("organization_id", flat=True)
    via_org = set(Service.objects.filter(organizations__in=orgs).values_list("id", flat=True))
    return own | via_org


@dataclass(frozen=True)
class Zorgplicht:
    """A contracted service over the norm: the norm, and the other contracted services for the same need."""

    norm_weeks: int
    alternatives: list[dict[str, Any]]


def zorgplicht_for(service: Service, current: WaitTimeInfo | None) -> Zorgplicht | None:
    """When `service` is contracted and its current waiting time exceeds the norm: the other contracted
    services that address one of the same needs (concern terms), shortest known waiting time first."""
    norm = settings.WAIT_TIME_NORM_WEEKS
    if norm is None or current is None or current.weeks <= norm:
        return None
    contracted = contracted_service_ids()
    if service.pk not in contracted:
        return None
    concerns = [t.pk for t in service.terms.all() if t.taxonomy == Taxonomy.CONCERN]
    others = list(
        Service.objects.filter(pk__in=contracted, terms__in=concerns).exclude(pk=service.pk).distinct().order_by("name")
    )
    waits = current_wait_times(o.pk for o in others)
    rows: list[dict[str, Any]] = [{"slug": o.slug, "name": o.name, "wait_time": waits.get(o.pk)} for o in others]
    rows.sort(key=lambda r: (r["wait_time"] is None, r["wait_time"].weeks if r["wait_time"] else 0, r["name"]))
    return Zorgplicht(norm_weeks=norm, alternatives=rows)


def while_waiting_text(service: Service) -> str:
    return service.while_waiting.strip() or WHILE_WAITING_DEFAULT


# ---------------------------------------------------------------- who may report


def _provider_role() -> str:
    return str(getattr(get_user_model(), "ROLE_PROVIDER", "aanbieder"))


def is_provider(user: Any) -> bool:
    return (user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)
            and getattr(user, "role", "") == _provider_role() and bool(getattr(user, "organization_slug", "")))


def provider_services(*, user: Any) -> list[Service]:
    """The services of the provider's own organisation and of its teams (what it may report on)."""
    if not is_provider(user):
        raise NotYourService()
    org = Organization.objects.filter(slug=user.organization_slug).first()
    if org is None:
        return []
    return list(Service.objects.filter(Q(organizations=org) | Q(organizations__parent=org)).distinct().order_by("name"))


def _may_report(user: Any, service: Service) -> bool:
    return is_provider(user) and any(s.pk == service.pk for s in provider_services(user=user))


# ---------------------------------------------------------------- writes


def _check_weeks(raw: Any) -> tuple[int | None, str]:
    text = str(raw if raw is not None else "").strip()
    if isinstance(raw, bool) or not text:
        return None, _("Vul het aantal weken in (een heel getal, 0 of meer).")
    try:
        weeks = int(text)
    except ValueError:
        return None, _("'%(value)s' is geen heel aantal weken (0 of meer).") % {"value": text[:20]}
    if weeks < 0:
        return None, _("Het aantal weken kan niet negatief zijn.")
    if weeks > MAX_WEEKS:
        return None, _("Meer dan %(max)s weken is geen geldige wachttijd.") % {"max": MAX_WEEKS}
    return weeks, ""


def _check_date(raw: Any, today: dt.date) -> tuple[dt.date | None, str]:
    if isinstance(raw, dt.date):
        value = raw
    else:
        text = str(raw or "").strip()
        if not text:
            return None, _("Vul de peildatum in (JJJJ-MM-DD).")
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            return None, _("'%(value)s' is geen bestaande datum (JJJJ-MM-DD).") % {"value": text[:20]}
        if len(text) != 10:  # fromisoformat also reads 20261101; the file says ISO dates
            return None, _("'%(value)s' is geen datum als JJJJ-MM-DD.") % {"value": text[:20]}
    if value > today:
        return None, _("De peildatum %(date)s ligt in de toekomst.") % {"date": value.isoformat()}
    if value.year < 2000:
        return None, _("De peildatum %(date)s is te lang geleden om een wachttijd te zijn.") % {"date": value.isoformat()}
    return value, ""


@transaction.atomic
def wait_time_report(
    *, service: Service, weeks: Any, measured_on: Any, user: Any, context: AccessContext | None = None,
    source: str = "",
) -> WaitTime:
    """A provider reports its own service's waiting time; it publishes directly (no four eyes for figures).

    Refuses NotYourService (another organisation's service, or not a provider) and WaitTimeRefused."""
    if not _may_report(user, service):
        raise NotYourService()
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    weeks_value, problem = _check_weeks(weeks)
    if problem:
        errors["weeks"] = [problem]
    date_value, problem = _check_date(measured_on, today)
    if problem:
        errors["measured_on"] = [problem]
    if errors or weeks_value is None or date_value is None:
        raise WaitTimeRefused(errors)
    row = WaitTime.objects.create(
        service=service, weeks=weeks_value, measured_on=date_value, reported_by=user,
        source=(source or _("Gemeld door de aanbieder"))[:SOURCE_MAX],
    )
    access_log_write(
        context=context, user=user, action=AccessLogEntry.Action.CREATE, object_type="wait_time",
        object_id=str(row.pk), detail=f"service={service.slug}"[:200],
    )
    return row


def _service_lookup() -> dict[str, Service]:
    lookup: dict[str, Service] = {}
    for service in Service.objects.all():
        lookup[service.slug] = service
        lookup[str(service.pk)] = service
    return lookup


def _csv_rows(text: str, header: list[str]) -> tuple[list[tuple[int, list[str]]] | None, list[str]]:
    """The framing both imports share: BOM, exact header, blank lines skipped, field count, CSV syntax.

    Returns ([(line, stripped cells)], problems), or (None, [the one problem]) when the file has no usable
    header (then no row is read)."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        got = next(reader)
    except StopIteration:
        return None, [_("Het bestand is leeg; verwacht de kopregel %(h)s.") % {"h": ",".join(header)}]
    except csv.Error as exc:
        return None, [_("Regel 1: geen geldige CSV (%(e)s).") % {"e": exc}]
    if [h.strip().lower() for h in got] != header:
        return None, [_("Regel 1: de kopregel moet precies %(h)s zijn, niet %(got)s.")
                      % {"h": ",".join(header), "got": ",".join(got)[:200]}]
    rows: list[tuple[int, list[str]]] = []
    problems: list[str] = []
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # a blank line (often the last one) is not a row
            if len(record) != len(header):
                problems.append(_("Regel %(n)s: verwacht %(c)s velden (%(h)s), gevonden %(k)s.")
                                % {"n": line, "c": len(header), "h": ",".join(header), "k": len(record)})
                continue
            rows.append((line, [cell.strip() for cell in record]))
    except csv.Error as exc:
        problems.append(_("Regel %(n)s: geen geldige CSV (%(e)s).") % {"n": reader.line_num, "e": exc})
    return rows, problems


def parse_wait_time_csv(text: str, *, today: dt.date | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Every row of a `service,weeks,measured_on,source` file checked; ([rows], []) or ([], [problems]).

    A problem names its line (the header is line 1) and the field. Duplicate: the same service and peildatum
    twice in the file, or a figure already stored for that service and peildatum."""
    today = today or timezone.localdate()
    records, problems = _csv_rows(text, CSV_HEADER)
    if records is None:
        return [], problems
    services = _service_lookup()
    stored = set(WaitTime.objects.filter(wijk__isnull=True, location__isnull=True)
                 .values_list("service_id", "measured_on"))
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[Any, dt.date], int] = {}
    for line, (key, weeks_raw, date_raw, source) in records:
        row_problems = []
        service = services.get(key)
        if service is None:
            row_problems.append(_("Regel %(n)s, veld service: onbekend aanbod '%(v)s' (gebruik de code of het HSDS-id).")
                                % {"n": line, "v": key[:100]})
        weeks, problem = _check_weeks(weeks_raw)
        if problem:
            row_problems.append(_("Regel %(n)s, veld weeks: %(p)s") % {"n": line, "p": problem})
        measured_on, problem = _check_date(date_raw, today)
        if problem:
            row_problems.append(_("Regel %(n)s, veld measured_on: %(p)s") % {"n": line, "p": problem})
        if len(source) > SOURCE_MAX:
            row_problems.append(_("Regel %(n)s, veld source: hoogstens %(max)s tekens.") % {"n": line, "max": SOURCE_MAX})
        if not row_problems and service is not None and measured_on is not None:
            pair = (service.pk, measured_on)
            if pair in seen:
                row_problems.append(
                    _("Regel %(n)s: dubbele regel, aanbod '%(s)s' met peildatum %(d)s staat al op regel %(m)s.")
                    % {"n": line, "s": service.slug, "d": measured_on.isoformat(), "m": seen[pair]})
            elif pair in stored:
                row_problems.append(
                    _("Regel %(n)s: dubbele regel, voor aanbod '%(s)s' is een wachttijd met peildatum %(d)s al vastgelegd.")
                    % {"n": line, "s": service.slug, "d": measured_on.isoformat()})
            else:
                seen[pair] = line
        if row_problems:
            problems.extend(row_problems)
        else:
            rows.append({"service": service, "weeks": weeks, "measured_on": measured_on, "source": source})
    if not rows and not problems:
        problems.append(_("Het bestand bevat geen wachttijden, alleen de kopregel."))
    return ([] if problems else rows), problems


@transaction.atomic
def wait_times_import(
    *, text: str, file_name: str = "", user: Any = None, context: AccessContext | None = None,
) -> int:
    """Store every waiting time of a CSV file, or none (WaitTimeRefused lists each bad line). Returns the count."""
    rows, problems = parse_wait_time_csv(text)
    if problems:
        raise WaitTimeRefused({"file": problems})
    default_source = (_("Import %(file)s") % {"file": file_name}) if file_name else _("Import wachttijden")
    created = WaitTime.objects.bulk_create([
        WaitTime(id=uuid.uuid4(), service=r["service"], weeks=r["weeks"], measured_on=r["measured_on"],
                 source=(r["source"] or default_source)[:SOURCE_MAX],
                 reported_by=user if getattr(user, "is_authenticated", False) else None)
        for r in rows
    ])
    access_log_write_many([
        {"context": context, "user": user, "action": AccessLogEntry.Action.CREATE, "object_type": "wait_time",
         "object_id": str(w.pk), "detail": f"service={w.service.slug};import"[:200]}
        for w in created
    ])
    return len(created)


# ---------------------------------------------------------------- contracts from a CSV (only what a source says)

FUNDING_HEADER = ["record", "law", "start_date", "end_date", "source"]


def _check_optional_date(raw: str) -> tuple[dt.date | None, str]:
    text = raw.strip()
    if not text:
        return None, ""
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text), ""
    except ValueError:
        return None, _("'%(value)s' is geen bestaande datum (JJJJ-MM-DD).") % {"value": text[:20]}


def parse_funding_csv(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Every row of a `record,law,start_date,end_date,source` file checked (record = slug or HSDS id of a
    service or organisation; law = a law code); ([rows], []) or ([], [problems with line and field])."""
    lines, problems = _csv_rows(text, FUNDING_HEADER)
    if lines is None:
        return [], problems
    records: dict[str, Any] = {}
    for model in (Organization, Service):
        for found in model.objects.all():
            records[found.slug] = records[str(found.pk)] = found
    laws = {t.code: t for t in TaxonomyTerm.objects.filter(taxonomy=Taxonomy.LAW)}
    rows: list[dict[str, Any]] = []
    for line, (key, law_code, start_raw, end_raw, source) in lines:
        row_problems = []
        obj = records.get(key)
        if obj is None:
            row_problems.append(_("Regel %(n)s, veld record: onbekend aanbod of onbekende organisatie '%(v)s'.")
                                % {"n": line, "v": key[:100]})
        law = laws.get(law_code)
        if law is None:
            row_problems.append(_("Regel %(n)s, veld law: onbekende wet '%(v)s' (kies uit %(codes)s).")
                                % {"n": line, "v": law_code[:50], "codes": ", ".join(sorted(laws))})
        start, problem = _check_optional_date(start_raw)
        if problem:
            row_problems.append(_("Regel %(n)s, veld start_date: %(p)s") % {"n": line, "p": problem})
        end, problem = _check_optional_date(end_raw)
        if problem:
            row_problems.append(_("Regel %(n)s, veld end_date: %(p)s") % {"n": line, "p": problem})
        if start and end and end < start:
            row_problems.append(_("Regel %(n)s, veld end_date: de einddatum ligt vóór de begindatum.") % {"n": line})
        if not source:
            row_problems.append(_("Regel %(n)s, veld source: noem de bron van het contract.") % {"n": line})
        if row_problems:
            problems.extend(row_problems)
        else:
            rows.append({"record": obj, "law": law, "start_date": start, "end_date": end, "source": source[:300]})
    if not rows and not problems:
        problems.append(_("Het bestand bevat geen contracten, alleen de kopregel."))
    return ([] if problems else rows), problems


@transaction.atomic
def fundings_import(*, text: str, user: Any = None, context: AccessContext | None = None) -> int:
    """Store every contract of a CSV file, or none (WaitTimeRefused lists each bad line). Returns the count."""
    rows, problems = parse_funding_csv(text)
    if problems:
        raise WaitTimeRefused({"file": problems})
    created = []
    for r in rows:
        target = {"service": r["record"]} if isinstance(r["record"], Service) else {"organization": r["record"]}
        created.append(Funding.objects.create(law=r["law"], start_date=r["start_date"], end_date=r["end_date"],
                                              source=r["source"], **target))
    access_log_write_many([
        {"context": context, "user": user, "action": AccessLogEntry.Action.CREATE, "object_type": "funding",
         "object_id": str(f.pk), "detail": "import"} for f in created
    ])
    return len(created)
