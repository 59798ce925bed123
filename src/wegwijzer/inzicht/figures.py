"""The published figures of the insight section: every one a table of counts from one aggregate query (GROUP BY
code fields and dates, never rows into Python), suppressed by `suppression.suppress` before anything sees it.

A figure carries only codes turned into labels (phase, wijk, status, theme, network name) and counts; no model
field holding case content, a name of a person or free text is ever grouped on or selected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from datetime import datetime as datetime_
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from wegwijzer.core.vocabulary import vocabulary
from wegwijzer.gezinsplan import models as plan_models
from wegwijzer.leren import models as leren_models
from wegwijzer.leren.vision import vision
from wegwijzer.routeguide.models import AdviceTally
from wegwijzer.socialmap import models as map_models
from wegwijzer.socialmap import selectors as map_selectors

from . import durations as dur
from .selectors import Period, min_cell
from .suppression import SuppressedTable, suppress

ALL = "__all__"  # the scope of the policy role: every network


@dataclass(frozen=True)
class Scope:
    """What one viewer may see: the policy role everything; a network chair only their networks' learning."""

    networks: frozenset[str] | str = ALL  # network ids, or ALL

    @property
    def everything(self) -> bool:
        return self.networks == ALL


@dataclass(frozen=True)
class Filters:
    period: Period
    wijk: str = ""  # a wijk code of the vocabulary, or "" for the whole city


@dataclass(frozen=True)
class Figure:
    """One published table: `table` holds counts or None (suppressed); labels are display labels."""

    slug: str
    section: str
    title: str
    description: str
    row_heading: str
    table: SuppressedTable
    kind: str = "bar"  # "bar" (stacked bars per row) or "line" (a row per month)
    notes: tuple[str, ...] = field(default=())
    # "count": how many situations, cases, meetings… (suppressed, with totals); "weeks": a service's reported
    # waiting time, a published fact about an offer and not about any person (no suppression, no totals).
    measure: str = "count"

    @property
    def counts(self) -> bool:
        return self.measure == "count"

    @property
    def rows(self) -> list[tuple[str, tuple[int | None, ...]]]:
        """Body rows with their total (last), for templates and CSV."""
        return list(zip(self.table.row_labels, self.table.cells[:-1], strict=True))

    @property
    def totals(self) -> tuple[int | None, ...]:
        return self.table.cells[-1]


def section_labels() -> dict[str, str]:
    return {
        "route": _("Gebruik van de routewijzer"),
        "wachttijden": _("Wachttijden"),
        "zoeken": _("Zoeken in de sociale kaart"),
        "leren": _("Leercyclus"),
        "gezinsplan": _("Proces van het gezinsplan"),
        "kaart": _("Gezondheid van de sociale kaart"),
    }


# --- helpers ---------------------------------------------------------------------------------------------


class DateMonth(Func):
    """'YYYY-MM' of a DateField, computed natively: SQLite's TruncMonth calls back into Python for every row
    (over half of a month figure's time at 100,000 tally rows, docs/performance.md); a date has no time zone,
    so the text is exact (datetimes keep TruncMonth, which buckets in the current time zone)."""

    output_field = CharField()
    template = "TO_CHAR(%(expressions)s, 'YYYY-MM')"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="SUBSTR(%(expressions)s, 1, 7)", **extra)


def _month_key(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):  # DateMonth's answer
        return value[:7]
    return (value.date() if hasattr(value, "date") else value).strftime("%Y-%m")


def _grouped(qs: QuerySet[Any], row: Any, col: Any, *, month_rows: bool = False) -> dict[tuple[str, str], int]:
    """Counts per (row, column) from one GROUP BY; `row`/`col` are expressions on the queryset."""
    grouped = qs.annotate(_r=row, _c=col).values("_r", "_c").annotate(_n=Count("pk")).order_by()
    out: dict[tuple[str, str], int] = {}
    for item in grouped:  # one row per group, not per counted row
        r = _month_key(item["_r"]) if month_rows else str(item["_r"] or "")
        key = (r, str(item["_c"] or ""))
        out[key] = out.get(key, 0) + int(item["_n"])
    return out


def _table(
    counts: Mapping[tuple[str, str], int],
    rows: Sequence[str],
    cols: Sequence[str],
    *,
    row_label: Callable[[str], str] = str,
    col_label: Callable[[str], str] = str,
) -> SuppressedTable:
    """The suppressed table over the given row and column codes (codes outside them are not published)."""
    if not rows or not cols:  # nothing counted: one all-zero (so all-hidden) cell, so every table has a shape
        rows, cols = rows or [""], cols or [""]
        row_label, col_label = _or_placeholder(row_label, _("geen")), _or_placeholder(col_label, _("aantal"))
    body = [[counts.get((r, c), 0) for c in cols] for r in rows]
    return suppress(
        body, min_cell(), row_labels=[row_label(r) for r in rows], col_labels=[col_label(c) for c in cols]
    )


def _or_placeholder(label: Callable[[str], str], placeholder: str) -> Callable[[str], str]:
    return lambda code: label(code) if code else placeholder


def _codes(counts: Mapping[tuple[str, str], int], index: int, known: Iterable[str] = ()) -> list[str]:
    """Known codes first (in their order) that occur, then other codes seen, sorted."""
    seen = {key[index] for key in counts}
    ordered = [c for c in known if c in seen]
    return ordered + sorted(seen - set(ordered))


def _label(kind: str) -> Callable[[str], str]:
    def label(code: str) -> str:
        if not code:
            return _("onbekend")
        try:
            return vocabulary().label(kind, code)
        except (KeyError, ValueError, OSError):
            return code

    return label


def _in_period(qs: QuerySet[Any], field_name: str, period: Period, *, datetime: bool = False) -> QuerySet[Any]:
    start, end = period.start.replace(day=1), period.end_exclusive()
    if datetime:
        tz = timezone.get_current_timezone()
        return qs.filter(**{
            f"{field_name}__gte": datetime_(start.year, start.month, 1, tzinfo=tz),
            f"{field_name}__lt": datetime_(end.year, end.month, 1, tzinfo=tz),
        })
    return qs.filter(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


def _months(period: Period) -> list[str]:
    return [m.strftime("%Y-%m") for m in period.months()]


# --- route use -------------------------------------------------------------------------------------------


def _tally(filters: Filters) -> QuerySet[Any]:
    qs = _in_period(AdviceTally.objects.all(), "date", filters.period)
    return qs.filter(wijk=filters.wijk) if filters.wijk else qs


def route_figures(filters: Filters) -> list[Figure]:
    tally = _tally(filters)
    months = _months(filters.period)
    voc = vocabulary()
    figures: list[Figure] = []

    per_phase = _grouped(tally, DateMonth("date"), F("phase"), month_rows=True)
    figures.append(Figure(
        "route-maand-fase", "route", _("Geadviseerde situaties per maand en fase"),
        _("Hoe vaak de routewijzer een advies gaf, per maand, verdeeld over de fase van het kind."),
        _("Maand"), _table(per_phase, months, _codes(per_phase, 1, voc.phases), col_label=_label("phases")),
        kind="line",
    ))

    per_wijk = _grouped(tally, F("wijk"), F("phase"))
    figures.append(Figure(
        "route-wijk-fase", "route", _("Geadviseerde situaties per wijk en fase"),
        _("Hoe vaak een advies gegeven werd per wijk van het gezin, verdeeld over de fase."),
        _("Wijk"), _table(per_wijk, _codes(per_wijk, 0, voc.wijken), _codes(per_wijk, 1, voc.phases),
                          row_label=_label("wijken"), col_label=_label("phases")),
    ))

    # A situation can have several concerns: one conditional count per concern code, in one query. The codes
    # are stored as a sorted JSON list: PostgreSQL tests jsonb containment (an UPPER(...) LIKE per code cost
    # 30x as much there); SQLite, which has no JSON containment lookup, matches the quoted code in the text.
    concern_codes = list(voc.concerns)
    per_concern: dict[tuple[str, str], int] = {}
    if concern_codes:
        postgres = connection.vendor == "postgresql"
        aggregates = {
            f"c{i}": Count("pk", filter=Q(concerns__contains=[code]) if postgres else Q(concerns__icontains=f'"{code}"'))
            for i, code in enumerate(concern_codes)
        }
        for item in tally.annotate(_m=DateMonth("date")).values("_m").annotate(**aggregates).order_by():
            for i, code in enumerate(concern_codes):
                if item[f"c{i}"]:
                    per_concern[(_month_key(item["_m"]), code)] = int(item[f"c{i}"])
    figures.append(Figure(
        "route-maand-zorg", "route", _("Zorgen in de geadviseerde situaties per maand"),
        _("Hoe vaak elke zorg voorkwam in een situatie waarvoor advies gegeven werd; een situatie kan meer "
          "zorgen hebben, dus de totalen tellen vermeldingen."),
        _("Maand"), _table(per_concern, months, _codes(per_concern, 1, concern_codes), col_label=_label("concerns")),
    ))

    per_reporter = _grouped(tally, F("phase"), F("reporter"))
    figures.append(Figure(
        "route-fase-melder", "route", _("Geadviseerde situaties per fase en vrager"),
        _("Wie de routewijzer gebruikte (de rol van de professional die het advies vroeg), per fase."),
        _("Fase"), _table(per_reporter, _codes(per_reporter, 0, voc.phases), _codes(per_reporter, 1, voc.reporters),
                          row_label=_label("phases"), col_label=_label("reporters")),
    ))

    per_version = _grouped(tally, DateMonth("date"), F("content_version"), month_rows=True)
    figures.append(Figure(
        "route-maand-versie", "route", _("Geadviseerde situaties per maand en inhoudsversie"),
        _("Welke versie van de routeregels de adviezen gaf, zodat het effect van een regelwijziging zichtbaar is."),
        _("Maand"), _table(per_version, months, _codes(per_version, 1), col_label=lambda v: v[:12] or _("onbekend")),
    ))
    return figures


# --- waiting times ---------------------------------------------------------------------------------------

WAIT_BANDS = (("0-4", 0, 4), ("5-8", 5, 8), ("9-12", 9, 12), ("13+", 13, 10_000))


def wait_figures(filters: Filters) -> list[Figure]:
    reports = _in_period(map_models.WaitTime.objects.all(), "measured_on", filters.period)
    if filters.wijk:
        reports = reports.filter(Q(wijk__slug=filters.wijk) | Q(wijk__isnull=True))
    band = Case(
        *[When(weeks__gte=lo, weeks__lte=hi, then=Value(code)) for code, lo, hi in WAIT_BANDS],
        output_field=CharField(),
    )
    per_band = _grouped(reports, DateMonth("measured_on"), band, month_rows=True)
    band_codes = [code for code, _lo, _hi in WAIT_BANDS]
    figures = [Figure(
        "wachttijd-maand-duur", "wachttijden", _("Gemelde wachttijden per maand en duur"),
        _("Hoeveel wachttijden aanbieders meldden per peilmaand, ingedeeld naar het aantal weken wachten."),
        _("Maand"), _table(per_band, _months(filters.period), band_codes,
                           col_label=lambda c: _("%(band)s weken") % {"band": c}),
    )]

    # The current figure of a service is its newest peildatum: one query with the newest row as a subquery.
    newest = map_models.WaitTime.objects.filter(service=OuterRef("pk")).order_by("-measured_on", "-created_at")
    services = map_models.Service.objects.annotate(
        _on=Subquery(newest.values("measured_on")[:1]), _weeks=Subquery(newest.values("weeks")[:1])
    ).filter(_on__isnull=False)
    stale_before = timezone.localdate() - timedelta(days=int(settings.WAIT_TIME_STALE_DAYS))
    norm = settings.WAIT_TIME_NORM_WEEKS
    state = Case(
        When(_on__lt=stale_before, then=Value("verouderd")),
        *([When(_weeks__gt=norm, then=Value("boven-norm"))] if norm is not None else []),
        default=Value("actueel"), output_field=CharField(),
    )
    per_state = _grouped(services, Value("aanbod", output_field=CharField()), state)
    state_labels = {
        "actueel": _("actueel, binnen de norm") if norm is not None else _("actueel"),
        "boven-norm": _("actueel, boven de norm"), "verouderd": _("verouderd"),
    }
    figures.append(Figure(
        "wachttijd-stand", "wachttijden", _("Aanbod naar stand van de wachttijd"),
        _("Van hoeveel aanbod de nieuwste wachttijd actueel is, boven de norm van de gemeente ligt, of verouderd "
          "is (ouder dan %(days)s dagen).") % {"days": settings.WAIT_TIME_STALE_DAYS},
        _("Aanbod"), _table(per_state, ["aanbod"], [c for c in state_labels if norm is not None or c != "boven-norm"],
                            row_label=lambda _r: _("Aanbod met een wachttijd"), col_label=state_labels.__getitem__),
        notes=(() if norm is not None else (_("De gemeente heeft (nog) geen norm voor de wachttijd ingesteld."),)),
    ))
    figures.append(_contracted_wait_figure(filters, reports))
    return figures


CONTRACTED_TOP = 12  # columns of the per-service figure: beyond a dozen lines a chart is no longer readable


def _contracted_wait_figure(filters: Filters, reports: QuerySet[Any]) -> Figure:
    """Per contracted service (a Funding row for the service or one of its providers, overlapping the period)
    and month: the longest waiting time reported that month (whole service, or the filtered wijk). One GROUP BY.
    Waiting times are facts about an offer, published on the social map already: not suppressed."""
    start, end = filters.period.start.replace(day=1), filters.period.end_exclusive()
    in_force = (Q(start_date__isnull=True) | Q(start_date__lt=end)) & (Q(end_date__isnull=True) | Q(end_date__gte=start))
    contracted = map_models.Funding.objects.filter(in_force).filter(
        Q(service=OuterRef("service")) | Q(organization__services=OuterRef("service"))
    )
    grouped = (reports.filter(Exists(contracted)).annotate(_m=DateMonth("measured_on"))
               .values("service__name", "_m").annotate(_w=Max("weeks")).order_by())
    weeks: dict[tuple[str, str], int] = {}
    for item in grouped:  # one row per (service, month)
        weeks[(_month_key(item["_m"]), item["service__name"])] = int(item["_w"])
    longest: dict[str, int] = {}
    for (_m, name), w in weeks.items():
        longest[name] = max(w, longest.get(name, 0))
    names = sorted(longest, key=lambda n: (-longest[n], n))
    shown, hidden = names[:CONTRACTED_TOP], names[CONTRACTED_TOP:]
    months = _months(filters.period)
    cells = tuple(tuple(weeks.get((m, name)) for name in shown or [""]) + (None,) for m in months)
    table = SuppressedTable(
        row_labels=tuple(months), col_labels=tuple(shown or [_("geen")]),
        cells=(*cells, tuple(None for _c in range(len(shown or [""]) + 1))),
    )
    notes = [_("In weken: de langste wachttijd die in die maand voor het aanbod werd gemeld; leeg: geen melding.")]
    if hidden:
        notes.append(_("Alleen de %(n)s aanbiedingen met de langste wachttijd; %(rest)s andere staan in de sociale "
                       "kaart.") % {"n": CONTRACTED_TOP, "rest": len(hidden)})
    return Figure(
        "wachttijd-gecontracteerd", "wachttijden", _("Wachttijd per gecontracteerd aanbod"),
        _("Hoe de gemelde wachttijd van aanbod dat de gemeente heeft gecontracteerd zich per maand ontwikkelt."),
        _("Maand"), table, kind="line", notes=tuple(notes), measure="weeks",
    )


# --- search ----------------------------------------------------------------------------------------------

SEARCH_TOP = 20


def search_figures(filters: Filters) -> list[Figure]:
    """Kept queries only (seen from enough different visitors, socialmap/search_stats.py), city-wide, and
    no further back than they are kept."""
    start = max(filters.period.start.replace(day=1),
                timezone.localdate() - timedelta(days=int(settings.SEARCH_STATS_KEEP_DAYS) - 1))
    end = filters.period.end_exclusive()
    notes = [
        _("Een zoekopdracht telt pas mee als ten minste %(n)s verschillende bezoekers haar zochten, en wordt na "
          "%(days)s dagen verwijderd; de cijfers gaan dus hooguit %(days)s dagen terug.")
        % {"n": settings.SEARCH_STATS_MIN_VISITORS, "days": settings.SEARCH_STATS_KEEP_DAYS},
    ]
    if filters.wijk:
        notes.append(_("Zoeken is niet per wijk bekend: dit geldt voor de hele stad."))

    zero = map_selectors.search_zero_results(start=start, end_exclusive=end, limit=SEARCH_TOP)
    counts = {}
    for text, searches, nothing in zero:
        counts[(text, "niets")] = nothing
        counts[(text, "iets")] = searches - nothing
    labels = {"niets": _("niets gevonden"), "iets": _("wel iets gevonden")}
    figures = [Figure(
        "zoeken-zonder-resultaat", "zoeken", _("Zoekopdrachten die niets vonden"),
        _("De zoekopdrachten die het vaakst niets vonden in de sociale kaart (zonder filter), met hoe vaak ze "
          "wel iets vonden; wat mensen zoeken en niet vinden, ontbreekt misschien op de kaart."),
        _("Zoekopdracht"), _table(counts, [text for text, _n, _z in zero], list(labels), col_label=labels.__getitem__),
        notes=tuple(notes),
    )]

    top = map_selectors.search_words(start=start, end_exclusive=end, limit=SEARCH_TOP)
    word_counts = {(word, "n"): n for word, n in top}
    figures.append(Figure(
        "zoeken-woorden", "zoeken", _("Meest gezochte woorden"),
        _("Hoe vaak een woord voorkwam in de zoekopdrachten; een zoekopdracht met meer woorden telt bij elk "
          "woord mee."),
        _("Woord"), _table(word_counts, [word for word, _n in top], ["n"], col_label=lambda _c: _("zoekopdrachten")),
        notes=tuple(notes),
    ))
    return figures


# --- learning cycle --------------------------------------------------------------------------------------


def learning_figures(filters: Filters, scope: Scope) -> list[Figure]:
    networks = leren_models.Network.objects.all()
    if not scope.everything:
        networks = networks.filter(pk__in=list(scope.networks))
    if filters.wijk:
        networks = networks.filter(wijk=filters.wijk)
    names = dict(networks.values_list("pk", "name"))
    ids = [str(pk) for pk in names]
    name_of = {str(pk): name for pk, name in names.items()}

    meetings = _in_period(leren_models.Meeting.objects.filter(network__in=networks), "starts_at",
                          filters.period, datetime=True)
    per_meeting = _grouped(meetings, TruncMonth("starts_at"), F("network_id"), month_rows=True)
    figures = [Figure(
        "leren-bijeenkomsten", "leren", _("Bijeenkomsten per maand en netwerk"),
        _("Hoeveel casusbesprekingsbijeenkomsten elk leernetwerk hield."),
        _("Maand"), _table(per_meeting, _months(filters.period), _codes(per_meeting, 1, ids), col_label=lambda c: name_of.get(c, c)),
    )]

    themes = {t.code: t.label for t in vision().themes}
    better = leren_models.Judgement.objects.filter(
        judgement=leren_models.Judgement.Value.BETTER, discussion__meeting__network__in=networks
    )
    better = _in_period(better, "discussion__meeting__starts_at", filters.period, datetime=True)
    per_theme = _grouped(better, F("theme"), F("discussion__meeting__network_id"))
    figures.append(Figure(
        "leren-kon-beter", "leren", _("Thema's die 'kon beter' kregen, per netwerk"),
        _("Hoe vaak een thema van de visie bij een casusbespreking als 'kon beter' beoordeeld werd."),
        _("Thema"), _table(per_theme, _codes(per_theme, 0, themes), _codes(per_theme, 1, ids),
                           row_label=lambda c: themes.get(c, c), col_label=lambda c: name_of.get(c, c)),
    ))

    today = timezone.localdate()
    open_statuses = list(leren_models.Improvement.OPEN_STATUSES)
    state = Case(
        When(status__in=open_statuses, due_date__lt=today, then=Value("te-laat")),
        When(status__in=open_statuses, then=Value("open")),
        When(status=leren_models.Improvement.Status.DONE, then=Value("gedaan")),
        default=Value("vervallen"), output_field=CharField(),
    )
    improvements = _in_period(leren_models.Improvement.objects.filter(network__in=networks), "created_at",
                              filters.period, datetime=True)
    per_state = _grouped(improvements, F("network_id"), state)
    state_labels = {"open": _("open"), "te-laat": _("open, over de datum"), "gedaan": _("gedaan"),
                    "vervallen": _("vervallen")}
    figures.append(Figure(
        "leren-afspraken", "leren", _("Verbeterafspraken per netwerk en stand"),
        _("Verbeterafspraken die in de periode gemaakt zijn: open, open maar over de afgesproken datum, gedaan "
          "of vervallen."),
        _("Netwerk"), _table(per_state, _codes(per_state, 0, ids), list(state_labels),
                             row_label=lambda c: name_of.get(c, c), col_label=state_labels.__getitem__),
    ))

    # How long agreements take: created -> done, per month of the agreement.
    done = leren_models.Improvement.Status.DONE
    taken = improvements.annotate(_d=dur.duration("done_at", "created_at")).annotate(_band=dur.band_case(
        "_d", dur.IMPROVEMENT_BANDS, without_end=[
            (Q(status__in=open_statuses), "nog-niet"),
            (~Q(status=done), "vervallen"),
        ],
    ))
    per_band = _grouped(taken, TruncMonth("created_at"), F("_band"), month_rows=True)
    figures.append(_duration_figure(
        "leren-afspraak-duur", "leren", _("Hoe lang verbeterafspraken duren, per maand"),
        _("Van de verbeterafspraken die in een maand gemaakt zijn: hoe lang het duurde tot ze gedaan waren, of "
          "dat ze nog open of vervallen zijn."),
        per_band, _months(filters.period), dur.improvement_labels(),
    ))
    return figures


def _duration_figure(slug: str, section: str, title: str, description: str,
                     counts: Mapping[tuple[str, str], int], months: list[str], labels: dict[str, str]) -> Figure:
    """A figure of month (of the start event) x duration band, every band a column even when empty."""
    cols = [*labels, *(c for c in _codes(counts, 1) if c not in labels)]
    return Figure(slug, section, title, description, _("Maand"),
                  _table(counts, months, cols, col_label=dur.label_of(labels)))


# --- gezinsplan process ----------------------------------------------------------------------------------


def plan_figures(filters: Filters) -> list[Figure]:
    plans = plan_models.Gezinsplan.objects.all()
    if filters.wijk:
        plans = plans.filter(wijk=filters.wijk)
    months = _months(filters.period)
    voc = vocabulary()
    figures: list[Figure] = []

    opened = _grouped(_in_period(plans, "created_at", filters.period, datetime=True), TruncMonth("created_at"),
                      F("wijk"), month_rows=True)
    figures.append(Figure(
        "gezinsplan-geopend", "gezinsplan", _("Geopende gezinsplannen per maand en wijk"),
        _("Hoeveel gezinsplannen er per maand begonnen, per wijk van het gezin."),
        _("Maand"), _table(opened, months, _codes(opened, 1, voc.wijken), col_label=_label("wijken")),
    ))
    closed = _grouped(_in_period(plans.filter(closed_at__isnull=False), "closed_at", filters.period, datetime=True),
                      TruncMonth("closed_at"), F("wijk"), month_rows=True)
    figures.append(Figure(
        "gezinsplan-gesloten", "gezinsplan", _("Gesloten gezinsplannen per maand en wijk"),
        _("Hoeveel gezinsplannen er per maand afgesloten werden, per wijk van het gezin."),
        _("Maand"), _table(closed, months, _codes(closed, 1, voc.wijken), col_label=_label("wijken")),
    ))

    consent = Exists(plan_models.Consent.objects.filter(gezinsplan=OuterRef("pk"), withdrawn_on__isnull=True))
    consent_state = Case(When(_consent=True, then=Value("ja")), default=Value("nee"), output_field=CharField())
    with_consent = _grouped(
        _in_period(plans, "created_at", filters.period, datetime=True).annotate(_consent=consent),
        F("wijk"), consent_state,
    )
    figures.append(Figure(
        "gezinsplan-toestemming", "gezinsplan", _("Gezinsplannen met vastgelegde toestemming, per wijk"),
        _("Van de gezinsplannen die in de periode begonnen: bij hoeveel de toestemming van het gezin is "
          "vastgelegd (en niet ingetrokken)."),
        _("Wijk"), _table(with_consent, _codes(with_consent, 0, voc.wijken), ["ja", "nee"], row_label=_label("wijken"),
                          col_label={"ja": _("met toestemming"), "nee": _("zonder toestemming")}.__getitem__),
    ))

    # MDOs, handovers and feedback to GP/JGZ per month: three GROUP BYs joined on the month.
    events: dict[tuple[str, str], int] = {}
    for code, model, when in (
        ("mdo", plan_models.Meeting, "starts_at"),
        ("overdracht", plan_models.Handover, "at"),
        ("terugkoppeling", plan_models.Feedback, "sent_at"),
    ):
        qs = _in_period(model.objects.filter(gezinsplan__in=plans), when, filters.period, datetime=True)
        events.update(_grouped(qs, TruncMonth(when), Value(code, output_field=CharField()), month_rows=True))
    event_labels = {"mdo": _("MDO's"), "overdracht": _("overdrachten"), "terugkoppeling": _("terugkoppelingen")}
    figures.append(Figure(
        "gezinsplan-momenten", "gezinsplan", _("MDO's, overdrachten en terugkoppelingen per maand"),
        _("Hoeveel multidisciplinaire overleggen er waren, hoe vaak een teamlid het overdroeg, en hoe vaak er "
          "teruggekoppeld werd aan huisarts of JGZ."),
        _("Maand"), _table(events, months, list(event_labels), col_label=event_labels.__getitem__),
    ))

    referrals = _in_period(plan_models.Verwijzing.objects.filter(gezinsplan__in=plans), "created_at",
                           filters.period, datetime=True)
    per_status = _grouped(referrals, TruncMonth("created_at"), F("status"), month_rows=True)
    status_labels = dict(plan_models.Verwijzing.Status.choices)
    figures.append(Figure(
        "gezinsplan-verwijzingen", "gezinsplan", _("Verwijzingen per maand en huidige status"),
        _("Verwijzingen naar aanbod of organisaties uit de gezinsplannen, per maand van de aanvraag."),
        _("Maand"), _table(per_status, months, list(status_labels), col_label=lambda c: str(status_labels[c])),
    ))

    # Time to agreed regie: the case's opening -> the first saved regie, per month of opening.
    opened_plans = _in_period(plans, "created_at", filters.period, datetime=True)
    to_regie = opened_plans.annotate(_d=dur.duration("regie__agreed_at", "created_at")).annotate(
        _band=dur.band_case("_d", dur.REGIE_BANDS, without_end=[(Q(_d__isnull=True), "nog-niet")])
    )
    figures.append(_duration_figure(
        "gezinsplan-regie-duur", "gezinsplan", _("Tijd tot afgesproken regie, per maand"),
        _("Van de gezinsplannen die in een maand begonnen: hoe lang het duurde tot het team vastlegde wie de "
          "regie heeft."),
        _grouped(to_regie, TruncMonth("created_at"), F("_band"), month_rows=True), months, dur.regie_labels(),
    ))

    # Referral to start: the day it was asked -> the first day it was "gestart", per month of the referral.
    started_on = plan_models.VerwijzingStatus.objects.filter(
        verwijzing=OuterRef("pk"), status=plan_models.Verwijzing.Status.GESTART
    ).values("verwijzing").annotate(_on=Min("on")).values("_on")[:1]
    to_start = referrals.annotate(
        _asked=TruncDate("created_at"), _started=Subquery(started_on, output_field=DateField())
    ).annotate(_d=dur.duration("_started", "_asked")).annotate(_band=dur.band_case(
        "_d", dur.REFERRAL_BANDS, without_end=[
            (Q(_d__isnull=True, status__in=plan_models.Verwijzing.CLOSED_STATUSES), "zonder-start"),
            (Q(_d__isnull=True), "nog-niet"),
        ],
    ))
    figures.append(_duration_figure(
        "gezinsplan-verwijzing-start", "gezinsplan", _("Tijd van verwijzing tot start, per maand"),
        _("Van de verwijzingen die in een maand aangevraagd werden: na hoeveel weken de hulp startte (in dezelfde "
          "indeling als de gemelde wachttijden), of dat ze nog niet of nooit startte."),
        _grouped(to_start, TruncMonth("created_at"), F("_band"), month_rows=True), months, dur.referral_labels(),
    ))
    return figures


# --- social map health -----------------------------------------------------------------------------------


def map_figures(filters: Filters) -> list[Figure]:
    review_before = timezone.localdate() - timedelta(days=int(settings.REVIEW_CYCLE_DAYS))
    counts: dict[tuple[str, str], int] = {}
    kinds = (("organisatie", map_models.Organization), ("aanbod", map_models.Service), ("rol", map_models.Role))
    for code, model in kinds:
        no_contact: Any = Q(email="", website="")
        if model is not map_models.Role:  # roles have no phone numbers of their own
            no_contact &= ~Exists(map_models.Phone.objects.filter(**{str(model._meta.model_name): OuterRef("pk")}))
        row = model.objects.aggregate(
            alle=Count("pk"),
            controle=Count("pk", filter=Q(assured_date__isnull=True) | Q(assured_date__lt=review_before)),
            contact=Count("pk", filter=no_contact),
        )
        for col, n in row.items():
            counts[(code, col)] = int(n or 0)
    kind_labels = {"organisatie": _("organisaties"), "aanbod": _("aanbod"), "rol": _("rollen")}
    col_labels = {"alle": _("alle records"), "controle": _("controle te laat"), "contact": _("zonder contactgegevens")}
    figures = [Figure(
        "kaart-records", "kaart", _("Records van de sociale kaart die aandacht nodig hebben"),
        _("Records waarvan de laatste controle langer dan %(days)s dagen geleden is (of nooit), en records zonder "
          "e-mail, website of telefoonnummer. Dit geldt voor de hele stad.") % {"days": settings.REVIEW_CYCLE_DAYS},
        _("Soort record"), _table(counts, list(kind_labels), list(col_labels), row_label=kind_labels.__getitem__,
                                  col_label=col_labels.__getitem__),
    )]

    open_statuses = [map_models.Correction.Status.NEW, map_models.Correction.Status.IN_PROGRESS]
    corrections = map_models.Correction.objects.filter(status__in=open_statuses)
    per_topic = _grouped(corrections, F("topic"), F("status"))
    topics = dict(map_models.Correction.Topic.choices)
    statuses = dict(map_models.Correction.Status.choices)
    figures.append(Figure(
        "kaart-correcties", "kaart", _("Open meldingen 'Klopt er iets niet?' per onderwerp"),
        _("Meldingen van gebruikers die de redactie nog niet verwerkt heeft, per onderwerp en stand."),
        _("Onderwerp"), _table(per_topic, list(topics), [str(s) for s in open_statuses],
                               row_label=lambda c: str(topics[c]), col_label=lambda c: str(statuses[c])),
    ))
    return figures


# --- all -------------------------------------------------------------------------------------------------


def insight_figures(*, filters: Filters, scope: Scope) -> list[Figure]:
    """Every figure the scope may see (a network chair: only the learning cycle of their own networks)."""
    if not scope.everything:
        return learning_figures(filters, scope)
    # advice.py builds on this module's helpers: imported here, not at the top, so neither imports the other first
    from .advice import advice_route_figures, advice_wait_figures

    return [
        *route_figures(filters), *advice_route_figures(filters), *wait_figures(filters),
        *advice_wait_figures(filters), *search_figures(filters), *learning_figures(filters, scope),
        *plan_figures(filters), *map_figures(filters),
    ]


def last_months(n: int, today: date | None = None) -> Period:
    """The last `n` whole months up to and including the current one."""
    end = today or timezone.localdate()
    year, month = end.year, end.month - (n - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return Period(date(year, month, 1), end)

