"""Mails of the parents' view, sent after commit as Django Tasks. Plain, short Dutch (English when asked for
from an /en/ page); no case content."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

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
def parent_invite_mail_send(*, access_id: str, token: str, language: str | None = None) -> str:
    access = ParentAccess.objects.filter(pk=access_id).first()
    if access is None:
        return "missing"
    with translation.override(language or settings.LANGUAGE_CODE):
        link = settings.SITE_URL.rstrip("/") + reverse("ouders:invite", kwargs={"token": token})
        body = _(
            "Beste %(name)s,\n\n"
            "U kunt nu uw gezinsplan bekijken. Daarin staan de afspraken, wie wat doet en wanneer het volgende "
            "overleg is.\n\n"
            "Klik op deze link:\n%(link)s\n\n"
            "De link werkt één keer en is %(hours)s uur geldig. Daarna krijgt u een code "
            "per e-mail. Die code heeft u elke keer nodig als u wilt kijken.\n\n"
            "Heeft u hier niet om gevraagd? Dan kunt u deze e-mail weggooien."
        ) % {"name": access.parent_name, "link": link, "hours": settings.PARENT_INVITE_HOURS}
        subject = _("Uw gezinsplan bekijken")
    return _send(access.email, subject, body)


@task
def parent_code_mail_send(*, access_id: str, code: str, language: str | None = None) -> str:
    access = ParentAccess.objects.filter(pk=access_id).first()
    if access is None:
        return "missing"
    with translation.override(language or settings.LANGUAGE_CODE):
        body = _(
            "Uw code is: %(code)s\n\n"
            "De code werkt één keer en is %(minutes)s minuten geldig.\n"
            "Geef de code aan niemand anders."
        ) % {"code": code, "minutes": settings.PARENT_CODE_MINUTES}
        subject = _("Uw code voor het gezinsplan")
    return _send(access.email, subject, body)
