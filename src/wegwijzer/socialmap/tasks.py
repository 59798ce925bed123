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
