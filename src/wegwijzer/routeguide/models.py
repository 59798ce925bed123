"""Route guide data: only an anonymous tally of advised situations (codes, date, content_version).

No personal data and no free text ever enter the route guide.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _today():
    return timezone.localdate()


class AdviceTally(models.Model):
    """One row per advised situation: the situation's codes only, for later insight (Inzicht)."""

    date = models.DateField(_("datum"), default=_today, db_index=True)
    phase = models.CharField(_("fase"), max_length=40)
    reporter = models.CharField(_("melder"), max_length=60)
    wijk = models.CharField(_("wijk"), max_length=40, blank=True, default="")
    concerns = models.JSONField(_("zorgen"), default=list, help_text=_("Gesorteerde lijst van zorgcodes."))
    flags = models.JSONField(_("kenmerken"), default=dict, help_text=_("Ja/nee-kenmerken van de situatie."))
    weeks_since_birth = models.PositiveSmallIntegerField(_("weken na de geboorte"), null=True, blank=True)
    content_version = models.CharField(_("inhoudsversie"), max_length=64)

    class Meta:
        verbose_name = _("geadviseerde situatie (anoniem)")
        verbose_name_plural = _("geadviseerde situaties (anoniem)")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.phase} {self.reporter} {self.wijk or '-'}"


class TallySpool(models.Model):
    """A spool file of tally rows that has been stored: makes storing each file happen once (routeguide/tally.py)."""

    name = models.CharField(_("bestandsnaam"), max_length=200, unique=True)
    rows = models.PositiveIntegerField(_("rijen"))
    stored_at = models.DateTimeField(_("opgeslagen op"), auto_now_add=True)

    class Meta:
        verbose_name = _("opgeslagen telbestand")
        verbose_name_plural = _("opgeslagen telbestanden")

    def __str__(self) -> str:
        return self.name


class ContentRelease(models.Model):
    """A release of the whole content folder (rules of every route, vocabulary, help texts, sources, vision
    themes, the social map's seed files): what produced an advice, kept so that any advice can be replayed
    (`wegwijzer advise --content-version V`) and exported as the same readable files. Append-only: database
    triggers refuse UPDATE and DELETE (audit.pg.PROTECTED_TABLES, audit.sqlite.TRIGGERS)."""

    content_version = models.CharField(_("inhoudsversie"), max_length=64, unique=True)
    # route -> the rule set's content_version that every advice of that route carries
    rule_versions = models.JSONField(_("versies per route"), default=dict)
    files = models.JSONField(_("bestanden"), default=dict, help_text=_("Pad in de inhoudsmap → tekst van het bestand."))
    created_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)
    created_by = models.CharField(_("vastgelegd door"), max_length=150)
    reason = models.TextField(_("reden"))

    class Meta:
        verbose_name = _("inhoudsrelease")
        verbose_name_plural = _("inhoudsreleases")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.content_version} ({self.created_at:%Y-%m-%d})"
