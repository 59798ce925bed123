"""Leren: the case-discussion learning cycle of a learning network (Proeftuin §3, §4.1, §4.6).

- Network: a geboortezorgnetwerk of a wijk, or a team basiszorg; its chair and its social-map record.
- NetworkMember: a registered professional in a network (role lid or voorzitter).
- Meeting: a meeting of a network (date, place or online) with one or two case discussions.
- Discussion: an anonymised case and the four agenda steps (presentation, test against the vision, lessons,
  improvement agreements). No link to any gezinsplan is kept; every text is checked by `anonymity`.
- Judgement: per vision theme, ging goed / kon beter / niet van toepassing, with an explanation.
- Improvement: an improvement agreement (what, owner, due date, theme, status), tracked to done.

Fields are plain and queryable (status, due_date, done_at, created_at, theme and judgement codes, the
network's wijk) so that insight can count them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LONG_TEXT = 5_000
MEDIUM_TEXT = 1_000
SHORT_TEXT = 200


def text_field(verbose, max_length: int = LONG_TEXT) -> models.TextField:
    return models.TextField(verbose, blank=True, max_length=max_length, validators=[MaxLengthValidator(max_length)])


class Stamped(models.Model):
    """The id and creation time every leren record has."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    class Meta:
        abstract = True


class Authored(Stamped):
    """A record someone made in the app (kept when that account goes: SET_NULL)."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        abstract = True


class Network(Stamped):
    class Kind(models.TextChoices):
        GEBOORTEZORGNETWERK = "geboortezorgnetwerk", _("Geboortezorgnetwerk")
        TEAM_BASISZORG = "team-basiszorg", _("Team basiszorg")

    slug = models.SlugField(_("code"), max_length=100, unique=True)
    name = models.CharField(_("naam"), max_length=SHORT_TEXT)
    kind = models.CharField(_("soort"), max_length=32, choices=Kind.choices, default=Kind.GEBOORTEZORGNETWERK)
    wijk = models.CharField(_("wijk"), max_length=32, blank=True, db_index=True)
    organization = models.ForeignKey(
        "socialmap.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("op de sociale kaart"),
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("voorzitter"),
    )

    class Meta:
        verbose_name = _("leernetwerk")
        verbose_name_plural = _("leernetwerken")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NetworkMember(models.Model):
    class Role(models.TextChoices):
        MEMBER = "lid", _("Lid")
        CHAIR = "voorzitter", _("Voorzitter")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leren_memberships")
    role = models.CharField(_("rol"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    added_at = models.DateTimeField(_("toegevoegd op"), default=timezone.now)

    class Meta:
        verbose_name = _("netwerklid")
        verbose_name_plural = _("netwerkleden")
        constraints = [models.UniqueConstraint(fields=["network", "user"], name="leren_member_once")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.network_id}"


class Meeting(Authored):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("titel"), max_length=SHORT_TEXT)
    starts_at = models.DateTimeField(_("begint om"), db_index=True)
    duration_minutes = models.PositiveIntegerField(_("duur (minuten)"), default=90)
    place = models.CharField(_("plaats"), max_length=SHORT_TEXT, blank=True)
    online = models.BooleanField(_("online"), default=False)

    class Meta:
        verbose_name = _("bijeenkomst")
        verbose_name_plural = _("bijeenkomsten")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title


class Discussion(Stamped):
    MAX_PER_MEETING = 2

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="discussions")
    brought_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Step 1: the anonymised case and its situation codes (vocabulary: phases, concerns, roles).
    description = text_field(_("casusbeschrijving"))
    phase = models.CharField(_("fase"), max_length=32, blank=True)
    concerns = models.JSONField(_("zorgen"), default=list, blank=True)
    involved = models.JSONField(_("betrokken rollen"), default=list, blank=True)
    presentation = text_field(_("presentatie"))
    # Step 3: the lessons.
    lessons = text_field(_("lessen"))
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("casusbespreking")
        verbose_name_plural = _("casusbesprekingen")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"casus {self.pk}"


class Judgement(models.Model):
    """Step 2: the test against the vision, one row per theme."""

    class Value(models.TextChoices):
        GOOD = "ging-goed", _("ging goed")
        BETTER = "kon-beter", _("kon beter")
        NA = "nvt", _("niet van toepassing")

    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="judgements")
    theme = models.CharField(_("thema"), max_length=64, db_index=True)
    judgement = models.CharField(_("oordeel"), max_length=16, choices=Value.choices, db_index=True)
    explanation = text_field(_("toelichting"), MEDIUM_TEXT)

    class Meta:
        verbose_name = _("oordeel")
        verbose_name_plural = _("oordelen")
        constraints = [models.UniqueConstraint(fields=["discussion", "theme"], name="leren_judgement_once")]

    def __str__(self) -> str:
        return f"{self.theme}: {self.judgement}"


class Improvement(Authored):
    """Step 4: an improvement agreement; open ones return on the network's next meeting's agenda."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        BUSY = "bezig", _("bezig")
        DONE = "gedaan", _("gedaan")
        LAPSED = "vervallen", _("vervallen")

    OPEN_STATUSES = (Status.OPEN, Status.BUSY)

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="improvements")
    discussion = models.ForeignKey(
        Discussion, null=True, blank=True, on_delete=models.SET_NULL, related_name="improvements"
    )
    what = text_field(_("wat"), MEDIUM_TEXT)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    due_date = models.DateField(_("uiterlijk op"), db_index=True)
    theme = models.CharField(_("thema"), max_length=64, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    note = text_field(_("notitie"), MEDIUM_TEXT)
    done_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)

    class Meta:
        verbose_name = _("verbeterafspraak")
        verbose_name_plural = _("verbeterafspraken")
        ordering = ["due_date", "created_at"]  # the one order of agreements: every list of them uses it

    def __str__(self) -> str:
        return self.what[:50]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())


# Every stored free-text field of leren (the privacy walk in tests checks each with the detector).
TEXT_FIELDS = {
    Meeting: ("title", "place"),
    Discussion: ("description", "presentation", "lessons"),
    Judgement: ("explanation",),
    Improvement: ("what", "note"),
}
