"""The insight section's own data: a periodically refreshed summary of what the route guide advised.

Only counts per (month, wijk, route, content version, kind, code): the codes are the vocabulary's (a role, a
law, a warning) or a fixed answer ("ja"/"nee"); no case content, name or free text (inzicht/summary.py).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AdviceSummary(models.Model):
    """How often the advice for the tallied situations of one month held a code of one kind."""

    class Kind(models.TextChoices):
        ADVICE = "advies", _("geadviseerde situaties")
        FIRST = "eerste", _("eerste contact")
        LAW = "wet", _("wet")
        WARNING = "waarschuwing", _("waarschuwing")
        BABYTHUISZORG = "babythuiszorg", _("Babythuiszorg geadviseerd")
        BABYTHUISZORG_WITH = "babythuiszorg-met", _("rol naast Babythuiszorg")
        WAITING = "wachtlijst", _("wees naar aanbod met een wachtlijst")
        UNKNOWN = "onbekend", _("onbekende inhoudsversie")

    month = models.DateField(_("maand"), help_text=_("De eerste dag van de maand."))
    wijk = models.CharField(_("wijk"), max_length=40, blank=True, default="")
    route = models.CharField(_("route"), max_length=40)
    content_version = models.CharField(_("inhoudsversie"), max_length=64)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=100, blank=True, default="")
    count = models.PositiveIntegerField(_("aantal"))

    class Meta:
        verbose_name = _("samenvatting van de adviezen")
        verbose_name_plural = _("samenvattingen van de adviezen")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "wijk", "route", "content_version", "kind", "code"], name="advice_summary_cell"
            ),
        ]
        indexes = [models.Index(fields=["kind", "month"], name="advice_summary_kind_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.wijk or '-'} {self.kind} {self.code}: {self.count}"


class SummaryRefresh(models.Model):
    """A refresh of the summary: asked for (`requested_at`; the overview read asks when the last one is older
    than INSIGHT_REFRESH_SECONDS) or run (`finished_at` set, with what it cost). The newest finished run is the
    page's "bijgewerkt op"; the newest row of either sort keeps a second request from queueing a second task."""

    requested_at = models.DateTimeField(_("gevraagd op"), default=timezone.now)
    finished_at = models.DateTimeField(_("bijgewerkt op"), null=True, blank=True)
    since = models.DateField(_("vanaf maand"), null=True, blank=True, help_text=_("Leeg: alle maanden."))
    tally_rows = models.PositiveIntegerField(_("getelde adviezen"), default=0)
    groups = models.PositiveIntegerField(_("groepen"), default=0)
    engine_runs = models.PositiveIntegerField(_("keren dat de regels liepen"), default=0)
    unknown = models.PositiveIntegerField(_("adviezen met een onbekende inhoudsversie"), default=0)

    class Meta:
        verbose_name = _("bijwerking van de samenvatting")
        verbose_name_plural = _("bijwerkingen van de samenvatting")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M}"
