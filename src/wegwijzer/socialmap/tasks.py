"""Side effects of the social map that run after the commit (Django Tasks; see gezinsplan/tasks.py).

The reply to a "Klopt er iets niet?" report goes to the address the sender chose to leave. Only the id
passes through the queue; the task loads the report, sends the mail and records the outcome.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task

from .models import Correction

logger = logging.getLogger(__name__)


def correction_reply_body(correction: Correction) -> str:
    """The record, the sender's own message and the editors' answer: nothing else."""
    return (
        f"Bedankt voor uw melding over '{correction.record_name}' op de sociale kaart van Wegwijzer.\n\n"
        f"Uw melding:\n{correction.message}\n\n"
        f"Antwoord van de redactie ({correction.get_status_display().lower()}):\n{correction.reply}\n\n"
        "U krijgt dit bericht omdat u bij uw melding dit e-mailadres achterliet. Antwoorden op deze e-mail "
        "is niet nodig."
    )


@task
def correction_reply_send(*, correction_id: str) -> str:
    """Send one reply and record `sent` or `failed`; never raises (see gezinsplan.tasks)."""
    correction = Correction.objects.filter(pk=correction_id).first()
    if correction is None or not correction.reply_email or not correction.reply:
        logger.warning("correction %s has no reply to send", correction_id)
        return "missing"
    try:
        EmailMessage(
            subject="Antwoord op uw melding over de sociale kaart",
            body=correction_reply_body(correction),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[correction.reply_email],
        ).send(fail_silently=False)
    except Exception:  # any backend failure: recorded, the editor sees it in the queue
        logger.exception("correction reply %s could not be sent", correction_id)
        Correction.objects.filter(pk=correction.pk).update(reply_mail_status=Correction.MailStatus.FAILED)
        return Correction.MailStatus.FAILED.value
    Correction.objects.filter(pk=correction.pk).update(reply_mail_status=Correction.MailStatus.SENT)
    return Correction.MailStatus.SENT.value


def review_reminder_body(*, due: int, never: int, new_reports: int, base_url: str) -> str:
    return (
        "Wekelijkse herinnering van de sociale kaart in Wegwijzer.\n\n"
        f"- {never} record(s) zijn nog door niemand gecontroleerd (bron nog niet bevestigd);\n"
        f"- {due} record(s) zijn langer dan {settings.REVIEW_CYCLE_DAYS} dagen geleden gecontroleerd;\n"
        f"- {new_reports} nieuwe melding(en) 'Klopt er iets niet?'.\n\n"
        f"Bekijk de lijst: {base_url.rstrip('/')}/kaart/redactie/\n"
    )


@task
def review_reminder_send() -> str:
    """Mail every active content editor (role `redacteur`) with an e-mail address what is overdue and how
    many reports are new. Enqueued weekly by `wegwijzer review_reminders` (cron/systemd timer): Django
    Tasks has no scheduler. Sends nothing when there is nothing to do. Never raises."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db.models import Q
    from django.utils import timezone

    from .models import Organization, Role, Service

    cutoff = timezone.localdate() - dt.timedelta(days=settings.REVIEW_CYCLE_DAYS)
    never = due = 0
    for model in (Role, Organization, Service):
        never += model.objects.filter(assured_date__isnull=True).count()
        due += model.objects.filter(Q(assured_date__lt=cutoff)).count()
    new_reports = Correction.objects.filter(status=Correction.Status.NEW).count()
    if not (never or due or new_reports):
        return "nothing"
    user_model = get_user_model()
    role = getattr(user_model, "ROLE_CONTENT_EDITOR", "redacteur")
    to = sorted(set(user_model.objects.filter(role=role, is_active=True).exclude(email="")
                    .values_list("email", flat=True)))
    if not to:
        logger.warning("review reminder: no active editor with an e-mail address")
        return "no-editors"
    base_url = getattr(settings, "WEGWIJZER_BASE_URL", "http://localhost:8000")
    try:
        EmailMessage(
            subject="Sociale kaart: te controleren records en nieuwe meldingen",
            body=review_reminder_body(due=due, never=never, new_reports=new_reports, base_url=base_url),
            from_email=settings.DEFAULT_FROM_EMAIL,
            bcc=to,  # editors do not see each other's addresses
        ).send(fail_silently=False)
    except Exception:
        logger.exception("review reminder could not be sent")
        return "failed"
    return "sent"
