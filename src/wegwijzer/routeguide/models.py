"""Route guide data: only an anonymous tally of advised situations (codes, date, content_version).

No personal data and no free text ever enter the route guide.
"""

from __future__ import annotations

from django.conf import settings
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
    # Codes the engine reads too, so an advice can be re-derived from its row (inzicht, a draft's effect).
    route = models.CharField(_("route"), max_length=40, default="eerste-1000-dagen", db_index=True)
    involved = models.JSONField(_("al betrokken"), default=list, help_text=_("Gesorteerde lijst van rolcodes."))

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


class ContentDraft(models.Model):
    """A changed file of content/routeguide (a rule or vignette file), edited in the browser (issue 15 item 2):
    saved as draft (valid or not), approved by a second editor, published as a release. `version` counts the
    saves: a save or approval names the version it was made on, so a second editor gets a conflict instead
    of silently overwriting the first (routeguide/drafts.py)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        APPROVED = "approved", _("goedgekeurd")
        PUBLISHED = "published", _("gepubliceerd")
        REJECTED = "rejected", _("afgewezen")

    OPEN = (Status.DRAFT, Status.APPROVED)

    path = models.CharField(_("bestand"), max_length=300, help_text=_("Pad in de inhoudsmap."))
    base_version = models.CharField(_("uitgangsversie"), max_length=64)
    base_text = models.TextField(_("oorspronkelijke tekst"), blank=True, default="")
    text = models.TextField(_("tekst"))
    # Further files changed with it (path → {"base": live text at the start, "text": the draft's}): a vignette
    # added beside a rule change, so both are checked, approved and published together.
    others = models.JSONField(_("andere bestanden"), default=dict, blank=True)
    problems = models.JSONField(_("problemen"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("versie"), default=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("auteur")
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("laatst bewerkt door")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("goedgekeurd door"),
    )
    approved_at = models.DateTimeField(_("goedgekeurd op"), null=True, blank=True)
    release = models.ForeignKey(
        ContentRelease, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("release"),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    updated_at = models.DateTimeField(_("bijgewerkt op"), default=timezone.now)

    class Meta:
        verbose_name = _("concept van de inhoud")
        verbose_name_plural = _("concepten van de inhoud")
        ordering = ["-updated_at", "-id"]
        constraints = [
            # one open draft per file: two editors work on the same draft, never on two
            models.UniqueConstraint(
                fields=["path"], condition=models.Q(status__in=["draft", "approved"]), name="one_open_draft_per_path"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path} ({self.get_status_display()})"


class ContentPublication(models.Model):
    """One entry of the publishing history: from now on `release` is the live content (issue 15 item 4). The
    newest row is the live release for every worker (service.ruleset checks it); a rollback is a new row
    naming an earlier release. Append-only like the access log (audit.pg.PROTECTED_TABLES, audit.sqlite)."""

    class Kind(models.TextChoices):
        PUBLISH = "publish", _("publicatie")
        ROLLBACK = "rollback", _("terugzetting")

    release = models.ForeignKey(ContentRelease, on_delete=models.PROTECT, related_name="+", verbose_name=_("release"))
    previous_version = models.CharField(_("vorige inhoudsversie"), max_length=64, blank=True, default="")
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    draft_id_ref = models.PositiveIntegerField(_("concept"), null=True, blank=True)
    created_at = models.DateTimeField(_("gepubliceerd op"), default=timezone.now)
    created_by = models.CharField(_("gepubliceerd door"), max_length=150)
    approved_by = models.CharField(_("goedgekeurd door"), max_length=150, blank=True, default="")
    reason = models.TextField(_("reden"))
    diff = models.TextField(_("verschil"), blank=True, default="")

    class Meta:
        verbose_name = _("publicatie van de inhoud")
        verbose_name_plural = _("publicaties van de inhoud")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.release_id} ({self.created_at:%Y-%m-%d})"
