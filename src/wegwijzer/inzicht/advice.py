"""The figures about what the route guide advised (issue 14, route use and waiting times): first contacts, laws,
warnings, Babythuiszorg and with whom, and advice that pointed to a service with a waiting list.

Read from the advice summary (inzicht/summary.py: refreshed periodically, the engine re-run per distinct
situation), each one GROUP BY, suppressed through `suppression.suppress` like every figure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .figures import Figure, Filters, _label, _months, _table
from .models import AdviceSummary
from .summary import summary_counts, summary_refreshed_at

Kind = AdviceSummary.Kind
UNKNOWN_ROW = "__onbekend__"  # the row of advised situations whose content version could not be replayed


def _notes() -> tuple[str, ...]:
    at = summary_refreshed_at()
    if at is None:
        return (_("Deze cijfers zijn nog niet berekend; ze verschijnen na de eerste bijwerking."),)
    return (_("Bijgewerkt op %(at)s.") % {"at": formats.date_format(timezone.localtime(at), "DATETIME_FORMAT")},)


def _ranked(counts: Mapping[tuple[str, str], int], unknown: int) -> tuple[dict[tuple[str, str], int], list[str]]:
    """Counts keyed (code, 'n') with the codes most frequent first, and the unknown-version row last."""
    table = {(code, "n"): n for (_m, code), n in counts.items() if n}
    rows = sorted({code for code, _c in table}, key=lambda c: (-table[(c, "n")], c))
    if unknown:
        table[(UNKNOWN_ROW, "n")] = unknown
        rows.append(UNKNOWN_ROW)
    return table, rows


def _with_unknown(label: Callable[[str], str], empty: str) -> Callable[[str], str]:
    def out(code: str) -> str:
        if code == UNKNOWN_ROW:
            return _("onbekende inhoudsversie")
        return label(code) if code else empty

    return out


def _per_month_yes_no(filters: Filters, kind: str) -> dict[tuple[str, str], int]:
    start, end = filters.period.start.replace(day=1), filters.period.end_exclusive()
    counts = summary_counts(kind=kind, start=start, end_exclusive=end, wijk=filters.wijk, by_month=True)
    unknown = summary_counts(kind=Kind.UNKNOWN, start=start, end_exclusive=end, wijk=filters.wijk, by_month=True)
    counts.update({(m, UNKNOWN_ROW): n for (m, _c), n in unknown.items()})
    return counts


def advice_route_figures(filters: Filters) -> list[Figure]:
    start, end = filters.period.start.replace(day=1), filters.period.end_exclusive()
    notes = _notes()
    unknown = sum(summary_counts(kind=Kind.UNKNOWN, start=start, end_exclusive=end, wijk=filters.wijk).values())
    column = {"n": _("adviezen")}.__getitem__
    figures: list[Figure] = []
    for slug, kind, vocab_kind, title, description, heading, empty in (
        ("route-eerste-contact", Kind.FIRST, "roles", _("Meest geadviseerde eerste contacten"),
         _("Welke rol de routewijzer het vaakst als eerste liet betrekken, in de geadviseerde situaties."),
         _("Eerste contact"), _("geen eerste contact")),
        ("route-wetten", Kind.LAW, "laws", _("Meest genoemde wetten in het advies"),
         _("In hoeveel adviezen elke wet of financiering genoemd werd; een advies kan meer wetten noemen."),
         _("Wet"), _("geen")),
        ("route-waarschuwingen", Kind.WARNING, "warnings", _("Meest gegeven waarschuwingen in het advies"),
         _("In hoeveel adviezen elke waarschuwing stond; een advies kan meer waarschuwingen geven."),
         _("Waarschuwing"), _("geen")),
    ):
        counts = summary_counts(kind=kind, start=start, end_exclusive=end, wijk=filters.wijk)
        table, rows = _ranked(counts, unknown)
        figures.append(Figure(
            slug, "route", title, description, heading,
            _table(table, rows, ["n"] if rows else [], row_label=_with_unknown(_label(vocab_kind), empty),
                   col_label=column),
            notes=notes,
        ))

    months = _months(filters.period)
    btz = _per_month_yes_no(filters, Kind.BABYTHUISZORG)
    btz_labels = {"ja": _("met Babythuiszorg"), "nee": _("zonder Babythuiszorg"),
                  UNKNOWN_ROW: _("onbekende inhoudsversie")}
    figures.append(Figure(
        "route-babythuiszorg", "route", _("Hoe vaak Babythuiszorg geadviseerd werd, per maand"),
        _("Geadviseerde situaties waarin Babythuiszorg bij het aanbod stond, en waarin niet."),
        _("Maand"), _table(btz, months, [c for c in btz_labels if c != UNKNOWN_ROW or unknown],
                           col_label=btz_labels.__getitem__),
        notes=notes,
    ))
    with_whom = summary_counts(kind=Kind.BABYTHUISZORG_WITH, start=start, end_exclusive=end, wijk=filters.wijk)
    table, rows = _ranked(with_whom, 0)
    figures.append(Figure(
        "route-babythuiszorg-met", "route", _("Met wie Babythuiszorg geadviseerd werd"),
        _("Welke rollen het advies liet betrekken in de situaties waarin Babythuiszorg geadviseerd werd; een "
          "advies noemt meestal meer rollen."),
        _("Rol"), _table(table, rows, ["n"] if rows else [], row_label=_label("roles"), col_label=column),
        notes=notes,
    ))
    return figures


def advice_wait_figures(filters: Filters) -> list[Figure]:
    counts = _per_month_yes_no(filters, Kind.WAITING)
    unknown = any(code == UNKNOWN_ROW for _m, code in counts)
    labels = {"ja": _("wees naar aanbod met een wachtlijst"), "nee": _("niet, of geen wachttijd bekend"),
              UNKNOWN_ROW: _("onbekende inhoudsversie")}
    return [Figure(
        "wachttijd-advies-wachtlijst", "wachttijden", _("Adviezen die naar aanbod met een wachtlijst wezen"),
        _("Geadviseerde situaties waarin een geadviseerd aanbod, of aanbod van de organisatie die als eerste "
          "contact genoemd werd, in die maand een actuele wachttijd van minstens een week had."),
        _("Maand"), _table(counts, _months(filters.period), [c for c in labels if c != UNKNOWN_ROW or unknown],
                           col_label=labels.__getitem__),
        notes=_notes(),
    )]

