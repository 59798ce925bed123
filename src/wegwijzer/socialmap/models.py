"""The social map, shaped after Open Referral HSDS 3.

HSDS → Wegwijzer:
- organization → Organization (kind: organisatie, team, netwerk); teams and networks may belong to a wijk
- service → Service (the interventions and offers of Bijlage 2) and Role (the roles of Bijlage 1),
  both with the stable vocabulary code as `slug` beside the HSDS uuid `id`
- service_area → Wijk (the ten districts), linked from services and organizations
- location / service_at_location / contact / phone / schedule → same-named models
- taxonomy / taxonomy_term / attribute → TaxonomyTerm, linked through `terms` (laws, domain, phases,
  access paths, concerns)
- assured_date → the date a person last checked the record; unconfirmed_source while no one has
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Taxonomy(models.TextChoices):
    LAW = "wet", _("Wet of financiering")
    DOMAIN = "domein", _("Domein")
    PHASE = "fase", _("Fase")
    ACCESS = "toegang", _("Toegang")
    CONCERN = "signaal", _("Signaal of vraag")


class TaxonomyTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.CharField(_("taxonomie"), max_length=20, choices=Taxonomy.choices)
    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("taxonomieterm")
        verbose_name_plural = _("taxonomietermen")
        constraints = [models.UniqueConstraint(fields=["taxonomy", "code"], name="uniq_taxonomy_code")]
        ordering = ["taxonomy", "code"]

    def __str__(self) -> str:
        return f"{self.get_taxonomy_display()}: {self.name}"


class Wijk(models.Model):
    """One of Utrecht's ten districts (HSDS service_area)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    sources = models.JSONField(_("bronnen"), default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("wijk")
        verbose_name_plural = _("wijken")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Record(models.Model):
    """The descriptive fields every social-map record shares (role, organisation, service)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("code"), max_length=100, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    alternate_name = models.CharField(_("andere namen"), max_length=300, blank=True)
    summary = models.CharField(_("samenvatting"), max_length=300, blank=True)
    description = models.TextField(_("wat het biedt"), blank=True)
    target_group = models.TextField(_("voor wie"), blank=True)  # HSDS eligibility_description
    conditions = models.TextField(_("voorwaarden"), blank=True)
    application_process = models.TextField(_("hoe te bereiken"), blank=True)  # HSDS application_process
    availability = models.TextField(_("beschikbaarheid"), blank=True)
    office_hours_only = models.BooleanField(_("alleen kantoortijden"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)  # [{"url": ..., "label": ...}]
    sources = models.JSONField(_("bronnen"), default=list, blank=True)  # ["Wegwijzer Bijlage 2", ...]
    # The date a person actually checked the record (HSDS assured_date); empty until someone did.
    assured_date = models.DateField(_("laatst gecontroleerd"), null=True, blank=True)
    # Set while the record rests on a source no person has confirmed (e.g. the 2025 concept wegwijzer).
    unconfirmed_source = models.CharField(
        _("onbevestigde bron"), max_length=200, blank=True,
        help_text=_("Leeg maken zodra een redacteur of aanbieder het record heeft gecontroleerd."),
    )
    terms = models.ManyToManyField(TaxonomyTerm, blank=True, verbose_name=_("kenmerken"), related_name="+")
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(Record):
    """A role from Bijlage 1 (who can be involved), keyed by the vocabulary role code."""

    history = HistoricalRecords(m2m_fields=[Record.terms.field])

    class Meta(Record.Meta):
        verbose_name = _("rol")
        verbose_name_plural = _("rollen")


class Organization(Record):
    class Kind(models.TextChoices):
        ORGANIZATION = "organisatie", _("Organisatie")
        TEAM = "team", _("Team")
        NETWORK = "netwerk", _("Netwerk")

    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.ORGANIZATION)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children",
        verbose_name=_("onderdeel van"),
    )
    wijk = models.ForeignKey(
        Wijk, null=True, blank=True, on_delete=models.SET_NULL, related_name="organizations",
        verbose_name=_("wijk"),
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="organizations", verbose_name=_("rollen"))
    service_areas = models.ManyToManyField(
        Wijk, blank=True, related_name="serving_organizations", verbose_name=_("werkgebied"),
        help_text=_("Leeg: heel Utrecht."),
    )
    # A network's chair is its contact point; unknown stays empty and shows as unknown.
    chair_name = models.CharField(_("voorzitter"), max_length=200, blank=True)

    history = HistoricalRecords(m2m_fields=[Record.terms.field])

    class Meta(Record.Meta):
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")


class Service(Record):
    """An intervention or offer (Bijlage 2), keyed by the vocabulary intervention code where it has one."""

    organizations = models.ManyToManyField(
        Organization, blank=True, related_name="services", verbose_name=_("aanbieders")
    )
    roles = models.ManyToManyField(
        Role, blank=True, related_name="services", verbose_name=_("via of door rollen")
    )
    service_areas = models.ManyToManyField(
        Wijk, blank=True, related_name="services", verbose_name=_("werkgebied"), help_text=_("Leeg: heel Utrecht.")
    )
    # Free text from an HSDS import; the dated figures are WaitTime rows, which win when there are any.
    waiting_time = models.CharField(_("wachttijd (tekst)"), max_length=200, blank=True)
    # What family, school and basiszorg can do while the child waits; empty shows the general default.
    while_waiting = models.TextField(
        _("tijdens het wachten"), blank=True,
        help_text=_("Leeg: de algemene tekst over wat gezin, school en basiszorg tijdens het wachten kunnen doen."),
    )

    history = HistoricalRecords(m2m_fields=[Record.terms.field])

    class Meta(Record.Meta):
        verbose_name = _("aanbod")
        verbose_name_plural = _("aanbod")


class Location(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(_("naam"), max_length=200)
    address = models.CharField(_("adres"), max_length=300, blank=True)
    wijk = models.ForeignKey(Wijk, null=True, blank=True, on_delete=models.SET_NULL, related_name="locations")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("locatie")
        verbose_name_plural = _("locaties")

    def __str__(self) -> str:
        return self.name


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")

    class Meta:
        verbose_name = _("aanbod op locatie")
        verbose_name_plural = _("aanbod op locaties")

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("naam"), max_length=200, blank=True)
    title = models.CharField(_("functie"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contactpersoon")
        verbose_name_plural = _("contactpersonen")

    def __str__(self) -> str:
        return self.name or self.title or str(self.id)


class Phone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("nummer"), max_length=50)
    description = models.CharField(_("toelichting"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("telefoonnummer")
        verbose_name_plural = _("telefoonnummers")

    def __str__(self) -> str:
        return self.number


class Schedule(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules")
    description = models.CharField(_("omschrijving"), max_length=300)  # e.g. "Alleen tijdens kantoortijden"

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("openingstijden")
        verbose_name_plural = _("openingstijden")

    def __str__(self) -> str:
        return self.description


# ---------------------------------------------------------------- corrections and freshness (issue 10, item 5)

# Where a record came from while no person has confirmed it; shown instead of a check date.
UNCONFIRMED_CONCEPT = "concept-wegwijzer 2025"


class Correction(models.Model):
    """A "Klopt er iets niet?" report on one record, in the editors' queue.

    The record is named by kind and slug (three tables hold records); the name is copied so the queue still
    reads when a record is renamed or removed. No personal data is asked: the e-mail is optional, only to
    send the reply, and the client address is kept only as a salted hash for the rate limit.
    """

    class Status(models.TextChoices):
        NEW = "nieuw", _("Nieuw")
        IN_PROGRESS = "in_behandeling", _("In behandeling")
        DONE = "verwerkt", _("Verwerkt")
        REJECTED = "afgewezen", _("Afgewezen")

    class Topic(models.TextChoices):
        CONTACT = "contact", _("Telefoon, e-mail of website")
        ADDRESS = "adres", _("Adres of openingstijden")
        OFFER = "aanbod", _("Wat het biedt of voor wie")
        GONE = "bestaat_niet", _("Bestaat niet meer")
        OTHER = "anders", _("Iets anders")

    class MailStatus(models.TextChoices):
        NONE = "", _("Geen antwoord verstuurd")
        QUEUED = "queued", _("In de wachtrij")
        SENT = "sent", _("Verstuurd")
        FAILED = "failed", _("Versturen mislukt")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record_kind = models.CharField(_("soort record"), max_length=20)
    record_slug = models.SlugField(_("code van het record"), max_length=100)
    record_name = models.CharField(_("naam van het record"), max_length=200)
    topic = models.CharField(_("onderwerp"), max_length=20, choices=Topic.choices, default=Topic.OTHER)
    message = models.TextField(_("wat klopt er niet"), max_length=2000)
    reply_email = models.EmailField(_("e-mail voor een antwoord"), blank=True)
    client_hash = models.CharField(_("afzender (versleuteld)"), max_length=64, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    reply = models.TextField(_("antwoord"), blank=True)
    replied_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    reply_mail_status = models.CharField(
        _("antwoordmail"), max_length=10, choices=MailStatus.choices, default=MailStatus.NONE, blank=True
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("behandeld door"),
    )
    created_at = models.DateTimeField(_("ontvangen"), auto_now_add=True)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)

    class Meta:
        verbose_name = _("correctie")
        verbose_name_plural = _("correcties")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["client_hash", "created_at"], name="correction_rate_idx")]

    def __str__(self) -> str:
        return f"{self.record_name}: {self.get_topic_display()}"


# ---------------------------------------------------------------- change counter (issue 9, item 1)


class ChangeCounter(models.Model):
    """One row: bumped in the same transaction as every edit of a searchable record.

    Readers check freshness with one primary-key read. `epoch` names this database's history of changes (a
    restored backup or another database gets another one), so an index built elsewhere is never mistaken for
    current.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    value = models.BigIntegerField(default=0)
    epoch = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("wijzigingsteller")
        verbose_name_plural = _("wijzigingstellers")

    def __str__(self) -> str:
        return str(self.value)


class RecordChange(models.Model):
    """Which record one bump of the counter changed, so an indexer applies just those records.

    `record_kind` is the model (role, service, organization, wijk), or `all` when the whole map changed
    (content load, import, a taxonomy label); `record_id` is the record's stable id (a rename keeps it).
    """

    KIND_ALL = "all"

    seq = models.BigIntegerField(_("tellerstand"), db_index=True)
    record_kind = models.CharField(_("soort record"), max_length=20)
    record_id = models.UUIDField(_("record"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("gewijzigd door"),
    )
    changed_at = models.DateTimeField(_("gewijzigd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("recordwijziging")
        verbose_name_plural = _("recordwijzigingen")
        ordering = ["seq", "id"]

    def __str__(self) -> str:
        return f"{self.seq}: {self.record_kind} {self.record_id or ''}"


# ---------------------------------------------------------------- waiting times and contracts (issue 10, items 1–3)


class WaitTime(models.Model):
    """One reported waiting time of a service on a date (peildatum). Rows are never changed: a new figure is a
    new row, so the rows are the history; the newest peildatum is the current figure."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="wait_times", verbose_name=_("aanbod"))
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="wait_times",
        verbose_name=_("locatie"),
    )
    wijk = models.ForeignKey(
        Wijk, null=True, blank=True, on_delete=models.CASCADE, related_name="wait_times", verbose_name=_("wijk"),
    )
    weeks = models.PositiveSmallIntegerField(_("wachttijd in weken"))
    measured_on = models.DateField(_("peildatum"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("gemeld door"),
    )
    source = models.CharField(_("bron"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("wachttijd")
        verbose_name_plural = _("wachttijden")
        ordering = ["-measured_on", "-created_at"]
        indexes = [models.Index(fields=["service", "-measured_on", "-created_at"], name="wait_time_current_idx")]

    def __str__(self) -> str:
        return f"{self.service}: {self.weeks} ({self.measured_on.isoformat()})"


class Funding(models.Model):
    """HSDS funding: under which law the city contracted a service or an organisation, from when to when.
    Only what a source says; without a row a service's contract is unknown."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="fundings", verbose_name=_("aanbod"),
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="fundings",
        verbose_name=_("organisatie"),
    )
    law = models.ForeignKey(
        TaxonomyTerm, on_delete=models.PROTECT, related_name="+", verbose_name=_("wet"),
        limit_choices_to={"taxonomy": Taxonomy.LAW},
    )
    start_date = models.DateField(_("gecontracteerd vanaf"), null=True, blank=True)
    end_date = models.DateField(_("gecontracteerd tot en met"), null=True, blank=True)
    source = models.CharField(_("bron"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracten")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service__isnull=False) | models.Q(organization__isnull=False),
                name="funding_has_receiver",
            ),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True) | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="funding_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service or self.organization}: {self.law.name}"


# ---------------------------------------------------------------- provider edit proposals (issue 10, item 5)


class EditProposal(models.Model):
    """A provider's proposed edit of one of its own records, waiting for an editor (four eyes).

    `changes` holds per field the value the provider saw and the value it proposes ({field: {"old", "new"}}),
    so an approval can tell whether the record changed since (a conflict, never a silent overwrite). Nothing
    is published until an editor other than the proposer approves.
    """

    class Status(models.TextChoices):
        NEW = "nieuw", _("Wacht op de redactie")
        APPROVED = "goedgekeurd", _("Goedgekeurd en gepubliceerd")
        REJECTED = "afgewezen", _("Afgewezen")
        CONFLICT = "conflict", _("Niet verwerkt: het record is intussen gewijzigd")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record_kind = models.CharField(_("soort record"), max_length=20)  # "organisatie" or "aanbod"
    record_id = models.UUIDField(_("record"))
    record_slug = models.SlugField(_("code van het record"), max_length=100)
    record_name = models.CharField(_("naam van het record"), max_length=200)
    organization_slug = models.SlugField(_("organisatie van de indiener"), max_length=100)
    changes = models.JSONField(_("voorgestelde wijzigingen"), default=dict)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    reply = models.TextField(_("antwoord van de redactie"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("ingediend door"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("behandeld door"),
    )
    created_at = models.DateTimeField(_("ingediend"), auto_now_add=True)
    handled_at = models.DateTimeField(_("behandeld op"), null=True, blank=True)

    class Meta:
        verbose_name = _("wijzigingsvoorstel")
        verbose_name_plural = _("wijzigingsvoorstellen")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="proposal_status_idx")]

    def __str__(self) -> str:
        return f"{self.record_name}: {self.get_status_display()}"


# --- search figures (issue 14): privacy-safe, see socialmap/search_stats.py and docs/security.md ---------------


class SearchPending(models.Model):
    """A normalised query not (yet) seen from enough different visitors: no plaintext, only keyed hashes.

    One row per query hash, visitor hash and day, with that visitor's searches that day; dropped after
    SEARCH_STATS_KEEP_DAYS, and when the query is kept (its counts then move to SearchQueryDay)."""

    query_hash = models.CharField(_("hash van de zoekopdracht"), max_length=64)
    visitor_hash = models.CharField(_("hash van de bezoeker"), max_length=64)
    day = models.DateField(_("dag"), db_index=True)
    searches = models.PositiveIntegerField(_("zoekopdrachten"), default=0)
    zero_results = models.PositiveIntegerField(_("zonder resultaat"), default=0)

    class Meta:
        verbose_name = _("zoekopdracht in afwachting")
        verbose_name_plural = _("zoekopdrachten in afwachting")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["query_hash", "visitor_hash", "day"], name="search_pending_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.query_hash[:8]} {self.day}"


class SearchQuery(models.Model):
    """A normalised query kept in plain text: seen from at least SEARCH_STATS_MIN_VISITORS different visitors."""

    query_hash = models.CharField(_("hash van de zoekopdracht"), max_length=64, unique=True)
    text = models.CharField(_("zoekopdracht"), max_length=200)
    kept_on = models.DateField(_("bewaard sinds"))

    class Meta:
        verbose_name = _("bewaarde zoekopdracht")
        verbose_name_plural = _("bewaarde zoekopdrachten")
        default_permissions = ()

    def __str__(self) -> str:
        return self.text


class SearchQueryDay(models.Model):
    """How often a kept query was searched on one day, and how often it found nothing."""

    query = models.ForeignKey(SearchQuery, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("dag"), db_index=True)
    searches = models.PositiveIntegerField(_("zoekopdrachten"), default=0)
    zero_results = models.PositiveIntegerField(_("zonder resultaat"), default=0)

    class Meta:
        verbose_name = _("zoekopdracht per dag")
        verbose_name_plural = _("zoekopdrachten per dag")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["query", "day"], name="search_query_day_unique")]

    def __str__(self) -> str:
        return f"{self.query_id} {self.day}"
