"""Mails of the parents' view, sent after commit as Django Tasks. Plain, short Dutch; no case content."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.urls import reverse

from .models import ParentAccess

logger = logging.getLogger(__name__)


def _send(to: str, subject: str, body: str) -> str:
    try:
        EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]).send()
    except Exception:  # a mail outage must not turn a stored invitation into an error page
        logger.exception("parent mail could not be sent")
        return "failed"
    return "sent"


@task
def parent_invite_mail_send(*, access_id: str, token: str) -> str:
    access = ParentAccess.objects.filter(pk=access_id).first()
    if access is None:
        return "missing"
    link = settings.SITE_URL.rstrip("/") + reverse("ouders:invite", kwargs={"token": token})
    body = (
        f"Beste {access.parent_name},\n\n"
        "U kunt nu uw gezinsplan bekijken. Daarin staan de afspraken, wie wat doet en wanneer het volgende "
        "overleg is.\n\n"
        f"Klik op deze link:\n{link}\n\n"
        f"De link werkt één keer en is {settings.PARENT_INVITE_HOURS} uur geldig. Daarna krijgt u een code "
        "per e-mail. Die code heeft u elke keer nodig als u wilt kijken.\n\n"
        "Heeft u hier niet om gevraagd? Dan kunt u deze e-mail weggooien."
    )
    return _send(access.email, "Uw gezinsplan bekijken", body)


@task
def parent_code_mail_send(*, access_id: str, code: str) -> str:
    access = ParentAccess.objects.filter(pk=access_id).first()
    if access is None:
        return "missing"
    body = (
        f"Uw code is: {code}\n\n"
        f"De code werkt één keer en is {settings.PARENT_CODE_MINUTES} minuten geldig.\n"
        "Geef de code aan niemand anders."
    )
    return _send(access.email, "Uw code voor het gezinsplan", body)
