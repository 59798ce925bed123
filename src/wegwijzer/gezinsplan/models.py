"""The gezinsplan: one shared plan around one family, strictly need-to-know.

- Gezinsplan: the plan around one family, identified by a label the team chooses (never a BSN) and minimal contact data.
- Membership: the care team (role, organisation, from/to); only *current* members see anything.
- Regie: who leads (a member, or the parents with a named supporting member) and the regie agreements.
- PlanSection: the five investigation steps of Bijlage 3, with the considerations (afwegingen) behind them,
  optimistic locking (`version`) and history.
- Agreement, Consent, Meeting (+ MeetingDecision), Handover, Feedback.

Public ids are UUID4 primary keys (unguessable). Object-level access lives in `policy.py`, writes in
`services.py`, reads in `selectors.py`. The admin registers none of these models (no case content there).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wegwijzer.core.dates import validate_date_range

# Maximum lengths of free text (characters). Enforced by the model (full_clean) and the API.
LONG_TEXT = 10_000
MEDIUM_TEXT = 2_000
SHORT_TEXT = 200
PURGED_LABEL = "verwijderd"

# Nine digits in a row, or grouped like 1234.56.789 / 123 456 789: looks like a BSN.
_BSN_LIKE = re.compile(r"(?<!\d)(?:\d{9}|\d{4}[.\s-]\d{2}[.\s-]\d{3}|\d{3}[.\s-]\d{3}[.\s-]\d{3})(?!\d)")


def validate_no_bsn(value: str) -> None:
    """A case label must never carry a BSN: reject anything that looks like a 9-digit number."""
    if value and _BSN_LIKE.search(value):
        raise ValidationError(
            _("Gebruik geen BSN of ander nummer van negen cijfers in het label; kies een eigen label."),
            code="bsn",
        )


def text_field(verbose: Any, max_length: int = LONG_TEXT, **kwargs) -> models.TextField:
    return models.TextField(
        verbose, blank=True, max_length=max_length, validators=[MaxLengthValidator(max_length)], **kwargs
    )


class Step(models.IntegerChoices):
    """Bijlage 3: the five steps of the investigation into the help that may be needed."""

    HULPVRAAG = 1, _("Stap 1: Wat is de hulpvraag?")
    PROBLEMEN = 2, _("Stap 2: Welke problemen of stoornissen zijn er?")
    HULP = 3, _("Stap 3: Welke hulp is nodig?")
    EIGEN_KRACHT = 4, _("Stap 4: Wat kunnen de ouders en hun netwerk zelf?")
    VERDER = 5, _("Stap 5: Wat is er verder nodig, en wie doet wat?")


# What each step asks, in plain Dutch (our own summary of Bijlage 3).
STEP_HELP = {
    1: _(
        "Stel samen met de ouders vast wat hun vraag concreet is. Vertrek niet vanuit een gewenste "
        "voorziening, maar vanuit de oorzaak en de context van het probleem."
    ),
    2: _(
        "Zijn er opgroei- of opvoedproblemen, psychische problemen of stoornissen? Zo ja, welke? Het "
        "buurtteam onderzoekt of de hulp onder de Jeugdwet valt."
    ),
    3: _(
        "Welke hulp (aard en zo nodig omvang) heeft het kind nodig om gezond en veilig op te groeien, "
        "rekening houdend met leeftijd en ontwikkeling?"
    ),
    4: _(
        "In hoeverre kunnen de ouders en hun sociale netwerk zelf de nodige hulp en steun bieden? De "
        "ouders zijn als eersten verantwoordelijk voor verzorging en opvoeding."
    ),
    5: _(
        "Wat is er verder nodig, en wie voert het uit? Als aanvullende hulp nodig is, zijn KOOS of "
        "Spoor030 altijd bij de afweging betrokken."
    ),
}


class Gezinsplan(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Gesloten")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    label = models.CharField(
        _("label"),
        max_length=100,
        validators=[validate_no_bsn],
        help_text=_("Een label dat het team kiest. Geen BSN, geen volledige naam nodig."),
    )
    contact_name = models.CharField(_("naam contactpersoon"), max_length=SHORT_TEXT, blank=True)
    contact_phone = models.CharField(_("telefoon contactpersoon"), max_length=40, blank=True)
    contact_email = models.EmailField(_("e-mail contactpersoon"), max_length=254, blank=True)
    phase = models.CharField(_("fase"), max_length=32, blank=True)
    wijk = models.CharField(_("wijk"), max_length=32, blank=True)
    advice_snapshot = models.JSONField(_("advies waarmee het plan begon"), null=True, blank=True)
    content_version = models.CharField(_("inhoudsversie van het advies"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("gesloten op"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    purged_at = models.DateTimeField(_("persoonsgegevens verwijderd op"), null=True, blank=True)
    # "Wie is er al betrokken?" at case start: role codes (as the route contract's `involved`).
    involved = models.JSONField(_("al betrokken"), default=list, blank=True)

    class Meta:
        verbose_name = _("gezinsplan")
        verbose_name_plural = _("gezinsplannen")
        ordering = ["-created_at"]
        default_permissions = ()

    def __str__(self) -> str:
        return self.label

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class MembershipQuerySet(models.QuerySet):
    def current(self, now=None):
        now = now or timezone.now()
        return self.filter(valid_from__lte=now).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=now)
        )


class Membership(models.Model):
    """A professional in the care team of one gezinsplan, for a period. valid_to null = still a member."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    gezinsplan = models.ForeignKey(
        Gezinsplan, verbose_name=_("gezinsplan"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.PROTECT,
        related_name="plan_memberships",
    )
    role = models.CharField(_("rol"), max_length=64)
    organization_slug = models.CharField(_("organisatie"), max_length=100, blank=True)
    valid_from = models.DateTimeField(_("lid vanaf"), default=timezone.now, validators=[validate_date_range])
    valid_to = models.DateTimeField(_("lid tot"), null=True, blank=True, validators=[validate_date_range])
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("toegevoegd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handed_over_to = models.ForeignKey(
        "self",
        verbose_name=_("overgedragen aan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="took_over_from",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("teamlid")
        verbose_name_plural = _("teamleden")
        ordering = ["valid_from"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="gezinsplan_membership_period_order",
            ),
            # At most one open-ended membership per person and case: a backstop for concurrent adds
            # (member_add also refuses any overlapping period, under a lock on the case row).
            models.UniqueConstraint(
                fields=["gezinsplan", "user"],
                condition=models.Q(valid_to__isnull=True),
                name="gezinsplan_membership_one_open_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"

    def clean(self) -> None:
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("De einddatum ligt vóór de begindatum.")})

    def is_current(self, now=None) -> bool:
        return self.covers(self.valid_from, self.valid_to, now or timezone.now())

    @staticmethod
    def covers(valid_from, valid_to, now) -> bool:
        """Whether a membership period (valid_to None: still open) includes `now`; also for plain values."""
        return valid_from <= now and (valid_to is None or valid_to > now)


class Regie(models.Model):
    """Who leads, and the regie agreements: who records agreements, who monitors them, who informs whom."""

    class Lead(models.TextChoices):
        MEMBER = "member", _("Een professional uit het team")
        OUDERS = "ouders", _("De ouders, met ondersteuning")

    gezinsplan = models.OneToOneField(
        Gezinsplan, verbose_name=_("gezinsplan"), on_delete=models.CASCADE, related_name="regie"
    )
    lead = models.CharField(_("regie bij"), max_length=10, choices=Lead.choices, default=Lead.MEMBER)
    lead_member = models.ForeignKey(
        Membership,
        verbose_name=_("regiehouder"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    support_member = models.ForeignKey(
        Membership,
        verbose_name=_("ondersteunt de ouders bij de regie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    records_member = models.ForeignKey(
        Membership,
        verbose_name=_("legt afspraken vast"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    monitors_member = models.ForeignKey(
        Membership,
        verbose_name=_("ziet toe op nakomen van afspraken"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    informs_member = models.ForeignKey(
        Membership,
        verbose_name=_("informeert de anderen"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    informs_text = text_field(_("wie informeert wie"), MEDIUM_TEXT)
    notes = text_field(_("toelichting"), MEDIUM_TEXT)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("bijgewerkt op"), default=timezone.now)
    # When the team first agreed who leads (the first saved regie): inzicht's "time to agreed regie". Kept
    # by retention (a date, no case content), unlike the history rows, which a purge removes.
    agreed_at = models.DateTimeField(_("regie afgesproken op"), null=True, blank=True)
    # Optimistic locking, as for the plan steps: every save of the regie adds one.
    version = models.PositiveIntegerField(_("versie"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("regie")
        verbose_name_plural = _("regie")
        default_permissions = ()

    def __str__(self) -> str:
        return f"regie {self.gezinsplan_id}"


class PlanSection(models.Model):
    gezinsplan = models.ForeignKey(
        Gezinsplan, verbose_name=_("gezinsplan"), on_delete=models.CASCADE, related_name="sections"
    )
    step = models.PositiveSmallIntegerField(_("stap"), choices=Step.choices)
    content = text_field(_("inhoud"))
    considerations = text_field(_("afwegingen"))
    # Off by default: the parents' view shows a step (its content and considerations) only once a member
    # who may change the plan has chosen to share it.
    shared_with_parents = models.BooleanField(_("gedeeld met ouders"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("bijgewerkt op"), default=timezone.now)
    version = models.PositiveIntegerField(_("versie"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("planonderdeel")
        verbose_name_plural = _("planonderdelen")
        ordering = ["step"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["gezinsplan", "step"], name="gezinsplan_section_unique_step")]

    def __str__(self) -> str:
        return str(Step(self.step).label)

    @property
    def title(self) -> str:
        return str(Step(self.step).label)

    @property
    def help_text(self) -> str:
        return str(STEP_HELP[self.step])


class Meeting(models.Model):
    """A multidisciplinary meeting (MDO) about the family, with the family if possible."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    gezinsplan = models.ForeignKey(
        Gezinsplan, verbose_name=_("gezinsplan"), on_delete=models.CASCADE, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("begint om"), validators=[validate_date_range])
    duration_minutes = models.PositiveSmallIntegerField(_("duur (minuten)"), default=60)
    location = models.CharField(_("locatie"), max_length=SHORT_TEXT, blank=True)
    participants = models.ManyToManyField(
        Membership, verbose_name=_("deelnemers uit het team"), blank=True, related_name="meetings"
    )
    family_participates = models.BooleanField(_("gezin neemt deel"), default=False)
    other_participants = text_field(_("andere deelnemers"), MEDIUM_TEXT)
    minutes = text_field(_("verslag"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    class Meta:
        verbose_name = _("MDO")
        verbose_name_plural = _("MDO's")
        ordering = ["starts_at"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"MDO {self.starts_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        if self.duration_minutes is not None and not 5 <= self.duration_minutes <= 600:
            raise ValidationError({"duration_minutes": _("De duur ligt tussen 5 en 600 minuten.")})


class MeetingDecision(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("MDO"), on_delete=models.CASCADE, related_name="decisions"
    )
    text = text_field(_("besluit"), MEDIUM_TEXT)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")
        ordering = ["position", "pk"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"besluit {self.pk}"


class Agreement(models.Model):
    """An agreement or action: what, who owns it, by when."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Gedaan")
        CANCELLED = "cancelled", _("Vervallen")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    gezinsplan = models.ForeignKey(
        Gezinsplan, verbose_name=_("gezinsplan"), on_delete=models.CASCADE, related_name="agreements"
    )
    what = models.TextField(_("wat"), max_length=MEDIUM_TEXT, validators=[MaxLengthValidator(MEDIUM_TEXT)])
    owner = models.ForeignKey(
        Membership,
        verbose_name=_("eigenaar"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_date = models.DateField(_("uiterlijk op"), null=True, blank=True, validators=[validate_date_range])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    from_meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("uit MDO"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
    )
    from_decision = models.OneToOneField(
        MeetingDecision, on_delete=models.SET_NULL, null=True, blank=True, related_name="agreement"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    updated_at = models.DateTimeField(_("bijgewerkt op"), default=timezone.now)

    class Meta:
        verbose_name = _("afspraak")
        verbose_name_plural = _("afspraken")
        ordering = ["due_date", "created_at"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"afspraak {self.pk}"

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and self.due_date is not None and self.due_date < today


class Consent(models.Model):
    """The parents' permission to share what with whom; withdrawable."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    gezinsplan = models.ForeignKey(
        Gezinsplan, verbose_name=_("gezinsplan"), on_delete=models.CASCADE, related_name="consents"
    )
    what = models.TextField(
        _("wat mag gedeeld worden"), max_length=MEDIUM_TEXT, validators=[MaxLengthValidator(MEDIUM_TEXT)]
    )
    with_whom = models.TextField(
        _("met wie"), max_length=MEDIUM_TEXT, validators=[MaxLengthValidator(MEDIUM_TEXT)]
    )
    given_by = models.CharField(_("gegeven door"), max_length=SHORT_TEXT, blank=True)
    given_on = models.DateField(_("gegeven op"), validators=[validate_date_range])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vastgelegd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)
    withdrawn_on = models.DateField(
        _("ingetrokken op"), null=True, blank=True, validators=[validate_date_range]
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("intrekking vastgelegd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        ordering = ["given_on", "recorded_at"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"toestemming {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None

    def clean(self) -> None:
        errors = {}
        today = timezone.localdate()
        if self.given_on and self.given_on > today:
            errors["given_on"] = [_("De datum van toestemming ligt in de toekomst.")]
        if self.withdrawn_on and self.given_on and self.withdrawn_on < self.given_on:
            errors["withdrawn_on"] = [_("De intrekking ligt vóór de datum van toestemming.")]
        if errors:
            raise ValidationError(errors)


class Handover(models.Model):
    """A warm handover: a member leaves, a successor takes over, the family is informed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    gezinsplan = models.ForeignKey(
        Gezinsplan, verbose_name=_("gezinsplan"), on_delete=models.CASCADE, related_name="handovers"
    )
    leaving = models.ForeignKey(
        Membership, verbose_name=_("vertrekkend teamlid"), on_delete=models.PROTECT, related_name="+"
    )
    successor = models.ForeignKey(
        Membership, verbose_name=_("opvolger"), on_delete=models.PROTECT, related_name="+"
    )
    note = text_field(_("overdrachtsnotitie"), LONG_TEXT)
    family_informed = models.BooleanField(_("gezin geïnformeerd"), default=False)
    at = models.DateTimeField(_("overgedragen op"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("warme overdracht")
        verbose_name_plural = _("warme overdrachten")
        ordering = ["at"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"overdracht {self.pk}"


class Feedback(models.Model):
    """Feedback to the GP or JGZ: a record plus an e-mail with minimal personal data."""

    class Recipient(models.TextChoices):
        HUISARTS = "huisarts", _("Huisarts")
        JGZ = "jgz", _("Jeugdgezondheidszorg (JGZ)")

    class MailStatus(models.TextChoices):
        QUEUED = "queued", _("In de wachtrij")
        SENT = "sent", _("Verstuurd")
        FAILED = "failed", _("Versturen mislukt")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    gezinsplan = models.ForeignKey(
        Gezinsplan, verbose_name=_("gezinsplan"), on_delete=models.CASCADE, related_name="feedback"
    )
    recipient_role = models.CharField(_("aan"), max_length=10, choices=Recipient.choices)
    recipient_email = models.EmailField(_("e-mailadres ontvanger"), max_length=254)
    message = models.TextField(_("bericht"), max_length=5000, validators=[MaxLengthValidator(5000)])
    sent_at = models.DateTimeField(_("verstuurd op"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verstuurd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The mail goes out in a Django Task after commit; the outcome is recorded here so the page tells the truth.
    mail_status = models.CharField(
        _("e-mailstatus"), max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED
    )
    mail_sent_at = models.DateTimeField(_("e-mail verstuurd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("terugkoppeling")
        verbose_name_plural = _("terugkoppelingen")
        ordering = ["sent_at"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"terugkoppeling {self.pk}"


class Verwijzing(models.Model):
    """A referral (inzet) to a service or organisation of the social map (issue 12 item 3).

    The target is kept as its social-map code and name at the time of referral (not a foreign key): the case
    keeps its own record even when the social map changes, and retention purges it with the case. Whoever
    brings in another party stays involved and monitors it (wegwijzer §3): `monitors` defaults to the
    team's buurtteam or aanvullende-jeugdhulp member."""

    class Status(models.TextChoices):
        AANGEVRAAGD = "aangevraagd", _("Aangevraagd")
        GEACCEPTEERD = "geaccepteerd", _("Geaccepteerd")
        WACHTLIJST = "wachtlijst", _("Op de wachtlijst")
        GESTART = "gestart", _("Gestart")
        AFGEROND = "afgerond", _("Afgerond")
        AFGEWEZEN = "afgewezen", _("Afgewezen")

    class TargetKind(models.TextChoices):
        SERVICE = "service", _("Aanbod")
        ORGANIZATION = "organisatie", _("Organisatie")

    CLOSED_STATUSES = frozenset({Status.AFGEROND, Status.AFGEWEZEN})

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    gezinsplan = models.ForeignKey(
        Gezinsplan, verbose_name=_("gezinsplan"), on_delete=models.CASCADE, related_name="verwijzingen"
    )
    target_kind = models.CharField(_("soort"), max_length=12, choices=TargetKind.choices)
    target_slug = models.CharField(_("code op de sociale kaart"), max_length=100)
    target_name = models.CharField(_("naam"), max_length=SHORT_TEXT)
    # Role codes the target works through (from the social map at referral time): the double-referral check.
    target_roles = models.JSONField(_("rollen van het aanbod"), default=list, blank=True)
    referred_by = models.ForeignKey(
        Membership, verbose_name=_("verwezen door"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    monitors = models.ForeignKey(
        Membership, verbose_name=_("houdt toezicht op de inzet"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.AANGEVRAAGD)
    reason = text_field(_("reden"), MEDIUM_TEXT)
    note = text_field(_("toelichting"), MEDIUM_TEXT)
    consents = models.ManyToManyField(
        Consent, verbose_name=_("toestemming van het gezin"), blank=True, related_name="verwijzingen"
    )
    # Where the GP and JGZ are told about status changes (only with an active consent linked).
    huisarts_email = models.EmailField(_("e-mail huisarts"), max_length=254, blank=True)
    jgz_email = models.EmailField(_("e-mail JGZ"), max_length=254, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    updated_at = models.DateTimeField(_("bijgewerkt op"), default=timezone.now)

    class Meta:
        verbose_name = _("verwijzing")
        verbose_name_plural = _("verwijzingen")
        ordering = ["created_at"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"verwijzing {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES


class VerwijzingStatus(models.Model):
    """One status of a referral, with its date: the referral's history (append-only)."""

    verwijzing = models.ForeignKey(
        Verwijzing, verbose_name=_("verwijzing"), on_delete=models.CASCADE, related_name="statuses"
    )
    status = models.CharField(_("status"), max_length=12, choices=Verwijzing.Status.choices)
    on = models.DateField(_("datum"), validators=[validate_date_range])
    reason = text_field(_("reden"), MEDIUM_TEXT)
    # The social map's waiting time when the referral went on the waiting list (weeks, measured on).
    wait_weeks = models.PositiveSmallIntegerField(_("wachttijd (weken)"), null=True, blank=True)
    wait_measured_on = models.DateField(_("wachttijd gemeten op"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)

    class Meta:
        verbose_name = _("status van een verwijzing")
        verbose_name_plural = _("statussen van verwijzingen")
        ordering = ["at", "pk"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.status} {self.on}"


class ColleagueInvitation(models.Model):
    """An invitation by e-mail for a colleague who is not registered yet (issue 12 item 2).

    The link carries a random token; only its HMAC is stored. It works once and expires
    (COLLEAGUE_INVITE_HOURS). Accepting it creates the account (password), issues the enrolment code for the
    authenticator app and makes the new professional a member of this case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    gezinsplan = models.ForeignKey(
        Gezinsplan, verbose_name=_("gezinsplan"), on_delete=models.CASCADE, related_name="invitations"
    )
    name = models.CharField(_("naam"), max_length=SHORT_TEXT)
    email = models.EmailField(_("e-mailadres"), max_length=254)
    organization_slug = models.CharField(_("organisatie"), max_length=100)
    role = models.CharField(_("rol"), max_length=64)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("geldig tot"))
    used_at = models.DateTimeField(_("gebruikt op"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    class Meta:
        verbose_name = _("uitnodiging van een collega")
        verbose_name_plural = _("uitnodigingen van collega's")
        ordering = ["-created_at"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"uitnodiging {self.pk}"
