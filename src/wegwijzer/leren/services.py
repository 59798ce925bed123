"""Every change in Leren: one function per action, keyword-only, atomic, taking the acting user (`actor`) and the
access context (None from the command line), writing its access-log row in the same transaction. Need-to-know
through `policy` (NotAMember → 404); invalid input is a Django ValidationError with Dutch messages per field;
every stored text is checked by the anonymisation detector first, so nothing with personal data is stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wegwijzer.accounts.roles import is_professional
from wegwijzer.accounts.selectors import professional_by_username
from wegwijzer.audit.context import AccessContext
from wegwijzer.audit.models import AccessLogEntry
from wegwijzer.audit.service import access_log_write
from wegwijzer.core.vocabulary import vocabulary
from wegwijzer.socialmap import selectors as socialmap_selectors
from wegwijzer.socialmap.models import Organization

from . import anonymity, policy
from .models import Discussion, Improvement, Judgement, Meeting, Network, NetworkMember
from .vision import vision

Action = AccessLogEntry.Action
# How far ahead an improvement's due date may lie (and it may not lie before the agreement was made).
MAX_DUE_DAYS = 2 * 365
# A network links to the map's record of that network (a geboortezorgnetwerk) or team, never to an organisation.
MAP_RECORD_KINDS = (Organization.Kind.NETWORK, Organization.Kind.TEAM)


def _log(*, actor: Any, context: AccessContext | None, action: Any, obj: Any, detail: str = "") -> None:
    access_log_write(
        context=context, user=actor, action=action, object_type=f"leren-{type(obj).__name__.lower()}",
        object_id=str(obj.pk), detail=detail,
    )


def detector_names(network: Network, extra: Iterable[str] = ()) -> list[str]:
    """The names a text of this network must not hold: its members' names (and e.g. a plan's label and
    contact name when a case starts from a gezinsplan)."""
    names = [*extra]
    for m in NetworkMember.objects.filter(network=network).select_related("user"):
        names += [m.user.first_name, m.user.last_name, m.user.get_full_name()]
    return [n for n in names if n]


def check_texts(texts: Mapping[str, str], *, names: Iterable[str]) -> None:
    """Refuse (ValidationError per field, naming what was found) any text holding personal data."""
    names = list(names)
    errors = {}
    for field, text in texts.items():
        found = anonymity.findings(text or "", names=names)
        if found:
            errors[field] = [anonymity.message(found)]
    if errors:
        raise ValidationError(errors)


def _clean(obj: Any) -> None:
    obj.full_clean(validate_constraints=False)


# --- networks ---------------------------------------------------------------------------------------------


@transaction.atomic
def network_create(
    *, actor: Any, context: AccessContext | None, slug: str, name: str, chair_username: str, wijk: str = "",
    kind: str = Network.Kind.GEBOORTEZORGNETWERK, map_record: str = "",
) -> Network:
    """An operator creates a network with its chair (who becomes its first member). `map_record`: the id or
    code of the network's own record on the social map (an organisation of kind netwerk or team), optional."""
    chair = professional_by_username(chair_username)
    errors: dict[str, list[str]] = {}
    organization = socialmap_selectors.organization_get(map_record) if map_record else None
    if map_record and (organization is None or organization.kind not in MAP_RECORD_KINDS):
        errors["map_record"] = [_("Geen netwerk of team op de sociale kaart met id of code '%(key)s'.") % {"key": map_record}]
    if chair is None or not is_professional(chair):
        errors["chair"] = [_("Geen professional met gebruikersnaam '%(username)s'.") % {"username": chair_username}]
    if wijk and wijk not in dict(vocabulary().wijken):
        errors["wijk"] = [_("Onbekende wijk '%(wijk)s'.") % {"wijk": wijk}]
    if Network.objects.filter(slug=slug).exists():
        errors["slug"] = [_("Er is al een netwerk met code '%(slug)s'.") % {"slug": slug}]
    if errors or chair is None:
        raise ValidationError(errors)
    network = Network(slug=slug, name=name, wijk=wijk, kind=kind, chair=chair, organization=organization)
    _clean(network)
    network.save()
    NetworkMember.objects.create(network=network, user=chair, role=NetworkMember.Role.CHAIR)
    _log(actor=actor, context=context, action=Action.CREATE, obj=network)
    return network


@transaction.atomic
def network_member_add(
    *, actor: Any, context: AccessContext | None, network: Network, username: str,
    role: str = NetworkMember.Role.MEMBER, as_operator: bool = False,
) -> NetworkMember:
    """The chair (in the app) or an operator (`as_operator`, the CLI) adds a registered professional."""
    if not as_operator:
        policy.require_chair(actor, network)
    user = professional_by_username(username)
    if user is None or not is_professional(user):
        raise ValidationError({"username": [_("Geen professional met gebruikersnaam '%(username)s'.") % {"username": username}]})
    if role not in NetworkMember.Role.values:
        raise ValidationError({"role": [_("Onbekende rol '%(role)s'; kies lid of voorzitter.") % {"role": role}]})
    if NetworkMember.objects.filter(network=network, user=user).exists():
        raise ValidationError({"username": [_("Deze professional is al lid van het netwerk.")]})
    member = NetworkMember.objects.create(network=network, user=user, role=role)
    if role == NetworkMember.Role.CHAIR:
        network.chair = user
        network.save(update_fields=["chair"])
    _log(actor=actor, context=context, action=Action.MEMBER_ADD, obj=network, detail=f"user={user.pk}")
    return member


@transaction.atomic
def network_member_remove(*, actor: Any, context: AccessContext | None, network: Network, user: Any) -> None:
    """The chair removes a member. Refused while the member still owns open agreements of this network: an
    agreement owned by someone outside the network would drop off every action list (improvements_owned
    only shows a member's) while still counting as open; they are first set to gedaan or vervallen."""
    policy.require_chair(actor, network)
    if network.chair_id == user.pk:
        raise ValidationError({"username": [_("De voorzitter kan niet worden verwijderd.")]})
    still_open = Improvement.objects.filter(network=network, owner=user, status__in=Improvement.OPEN_STATUSES).count()
    if still_open:
        raise ValidationError({"username": [
            ngettext(
                "Deze professional is nog eigenaar van %(n)d open verbeterafspraak van het netwerk. Zet die eerst "
                "op gedaan of vervallen; daarna kunt u het lid verwijderen.",
                "Deze professional is nog eigenaar van %(n)d open verbeterafspraken van het netwerk. Zet die eerst "
                "op gedaan of vervallen; daarna kunt u het lid verwijderen.",
                still_open,
            ) % {"n": still_open}
        ]})
    NetworkMember.objects.filter(network=network, user=user).delete()
    _log(actor=actor, context=context, action=Action.MEMBER_REMOVE, obj=network, detail=f"user={user.pk}")


# --- meetings ---------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *, actor: Any, context: AccessContext | None, network: Network, title: str, starts_at: dt.datetime,
    place: str = "", online: bool = False, duration_minutes: int = 90,
) -> Meeting:
    """The chair plans a meeting."""
    policy.require_chair(actor, network)
    check_texts({"title": title, "place": place}, names=detector_names(network))
    if starts_at is not None and timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    meeting = Meeting(
        network=network, title=title, starts_at=starts_at, place=place, online=online,
        duration_minutes=duration_minutes, created_by=actor,
    )
    _clean(meeting)
    meeting.save()
    _log(actor=actor, context=context, action=Action.CREATE, obj=meeting)
    return meeting


# --- discussions ------------------------------------------------------------------------------------------


def _validate_codes(*, phase: str, concerns: list[str], involved: list[str]) -> None:
    v = vocabulary()
    errors: dict[str, list[str]] = {}
    if phase and phase not in dict(v.phases):
        errors["phase"] = [_("Onbekende fase '%(code)s'.") % {"code": phase}]
    unknown = [c for c in concerns if c not in dict(v.concerns)]
    if unknown:
        errors["concerns"] = [_("Onbekende zorg: %(codes)s.") % {"codes": ", ".join(unknown)}]
    unknown = [r for r in involved if r not in dict(v.roles)]
    if unknown:
        errors["involved"] = [_("Onbekende rol: %(codes)s.") % {"codes": ", ".join(unknown)}]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def discussion_create(
    *, actor: Any, context: AccessContext | None, meeting: Meeting, description: str, phase: str = "",
    concerns: list[str] | None = None, involved: list[str] | None = None, names: Iterable[str] = (),
) -> Discussion:
    """A member brings a case in (`casus inbrengen`). `names`: names known from where the case came from
    (a plan's label, its contact's name) that must not be in the text; they are not stored."""
    policy.require_member(actor, meeting.network)
    concerns, involved = list(concerns or []), list(involved or [])
    if not (description or "").strip():
        raise ValidationError({"description": [_("Beschrijf de casus.")]})
    check_texts({"description": description}, names=detector_names(meeting.network, names))
    _validate_codes(phase=phase, concerns=concerns, involved=involved)
    if meeting.discussions.count() >= Discussion.MAX_PER_MEETING:
        raise ValidationError({"meeting": [_("Een bijeenkomst heeft ten hoogste twee casusbesprekingen.")]})
    discussion = Discussion(
        meeting=meeting, brought_by=actor, description=description, phase=phase, concerns=concerns,
        involved=involved,
    )
    _clean(discussion)
    discussion.save()
    _log(actor=actor, context=context, action=Action.CREATE, obj=discussion)
    return discussion


@transaction.atomic
def discussion_update(
    *, actor: Any, context: AccessContext | None, discussion: Discussion, presentation: str | None = None,
    lessons: str | None = None,
) -> Discussion:
    """Steps 1 (the presentation) and 3 (the lessons)."""
    network = discussion.meeting.network
    policy.require_member(actor, network)
    texts = {k: v for k, v in (("presentation", presentation), ("lessons", lessons)) if v is not None}
    check_texts(texts, names=detector_names(network))
    for k, v in texts.items():
        setattr(discussion, k, v)
    _clean(discussion)
    discussion.save()
    _log(actor=actor, context=context, action=Action.UPDATE, obj=discussion, detail="fields=" + ",".join(texts))
    return discussion


@transaction.atomic
def assessment_record(
    *, actor: Any, context: AccessContext | None, discussion: Discussion, items: list[Mapping[str, str]]
) -> list[Judgement]:
    """Step 2: the test against the vision; replaces the recorded judgements as a whole."""
    network = discussion.meeting.network
    policy.require_member(actor, network)
    themes = {t.code for t in vision().themes}
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for i, item in enumerate(items):
        theme, value = item.get("theme", ""), item.get("judgement", "")
        if theme not in themes:
            errors[f"items.{i}.theme"] = [_("Onbekend thema '%(code)s'.") % {"code": theme}]
        elif theme in seen:
            errors[f"items.{i}.theme"] = [_("Thema '%(code)s' staat er twee keer in.") % {"code": theme}]
        seen.add(theme)
        if value not in Judgement.Value.values:
            errors[f"items.{i}.judgement"] = [_("Kies ging-goed, kon-beter of nvt.")]
    if errors:
        raise ValidationError(errors)
    check_texts(
        {f"items.{i}.explanation": item.get("explanation", "") for i, item in enumerate(items)},
        names=detector_names(network),
    )
    discussion.judgements.all().delete()
    rows = [
        Judgement(discussion=discussion, theme=i["theme"], judgement=i["judgement"], explanation=i.get("explanation", ""))
        for i in items
    ]
    for row in rows:
        _clean(row)
    Judgement.objects.bulk_create(rows)
    _log(actor=actor, context=context, action=Action.UPDATE, obj=discussion, detail=f"assessment={len(rows)}")
    return list(discussion.judgements.all())


# --- improvements -----------------------------------------------------------------------------------------


@transaction.atomic
def improvement_create(
    *, actor: Any, context: AccessContext | None, discussion: Discussion, what: str, owner_username: str,
    due_date: dt.date, theme: str = "",
) -> Improvement:
    """Step 4: an improvement agreement; the owner must be a member of the network."""
    network = discussion.meeting.network
    policy.require_member(actor, network)
    errors: dict[str, list[str]] = {}
    owner = professional_by_username(owner_username)
    if owner is None or not policy.is_member(owner, network):
        errors["owner"] = [_("De eigenaar moet lid zijn van het netwerk.")]
    today = timezone.localdate()
    if due_date is None or due_date < today - dt.timedelta(days=MAX_DUE_DAYS) or due_date > today + dt.timedelta(
        days=MAX_DUE_DAYS
    ):
        errors["due_date"] = [_("Kies een datum binnen twee jaar van vandaag.")]
    if theme and vision().theme(theme) is None and vision().main_theme(theme) is None:
        errors["theme"] = [_("Onbekend thema '%(code)s'.") % {"code": theme}]
    if not (what or "").strip():
        errors["what"] = [_("Beschrijf de afspraak.")]
    if errors:
        raise ValidationError(errors)
    check_texts({"what": what}, names=detector_names(network))
    improvement = Improvement(
        network=network, discussion=discussion, what=what, owner=owner, due_date=due_date, theme=theme,
        created_by=actor,
    )
    _clean(improvement)
    improvement.save()
    _log(actor=actor, context=context, action=Action.CREATE, obj=improvement)
    return improvement


@transaction.atomic
def improvement_update(
    *, actor: Any, context: AccessContext | None, improvement: Improvement, status: str | None = None,
    note: str | None = None,
) -> Improvement:
    """Track an agreement: its status (open, bezig, gedaan, vervallen) and a note; done_at follows the status."""
    policy.require_member(actor, improvement.network)
    if status is not None and status not in Improvement.Status.values:
        raise ValidationError({"status": [_("Kies open, bezig, gedaan of vervallen.")]})
    if note is not None:
        check_texts({"note": note}, names=detector_names(improvement.network))
        improvement.note = note
    if status is not None and status != improvement.status:
        improvement.status = status
        improvement.done_at = timezone.now() if status == Improvement.Status.DONE else None
    _clean(improvement)
    improvement.save()
    _log(actor=actor, context=context, action=Action.UPDATE, obj=improvement, detail=f"status={improvement.status}")
    return improvement
