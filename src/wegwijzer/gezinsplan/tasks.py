"""Side effects that run after the transaction commits (Django Tasks).

The feedback mail used to be sent inside `feedback_send`'s transaction, so a mail server outage threw the
feedback away. Now the record is stored first and this task sends the mail once the record is committed,
recording the outcome on the feedback so the page and the API can tell the member whether it went out.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from wegwijzer.gezinsplan.models import ColleagueInvitation, Feedback, Membership, Verwijzing

logger = logging.getLogger(__name__)


def feedback_mail_body(feedback: Feedback) -> str:
    """Only the sender, the case reference and the message: no label or contact data of the family."""
    actor = feedback.sent_by
    sender = str(actor) if actor else "onbekend"
    organization = getattr(actor, "organization_slug", "") or "onbekend"
    return (
        f"Terugkoppeling uit een gezinsplan in Wegwijzer.\n\n"
        f"Van: {sender} ({getattr(actor, 'role', '')}, {organization})\n"
        f"Referentie: {feedback.gezinsplan_id}\n\n"
        f"{feedback.message}\n\n"
        "Dit bericht bevat bewust zo min mogelijk persoonsgegevens. Neem contact op met de afzender voor meer."
    )


@task
def feedback_mail_send(*, feedback_id: str) -> str:
    """Send one feedback mail and record `sent` or `failed`. Never raises: with the immediate backend this
    runs inside the request (on commit), and a mail outage must not turn a stored feedback into an error."""
    feedback = Feedback.objects.select_related("sent_by").filter(pk=feedback_id).first()
    if feedback is None:  # deleted before the task ran (e.g. the case was removed)
        logger.warning("feedback %s is gone; no mail sent", feedback_id)
        return "missing"
    try:
        EmailMessage(
            subject="Terugkoppeling gezinsplan",
            body=feedback_mail_body(feedback),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[feedback.recipient_email],
        ).send(fail_silently=False)
    except Exception:  # any backend failure (SMTP, DNS, refused): record it, the member is told on the page
        logger.exception("feedback mail %s could not be sent", feedback_id)
        Feedback.objects.filter(pk=feedback.pk).update(
            mail_status=Feedback.MailStatus.FAILED, mail_sent_at=None
        )
        return Feedback.MailStatus.FAILED.value
    Feedback.objects.filter(pk=feedback.pk).update(
        mail_status=Feedback.MailStatus.SENT, mail_sent_at=timezone.now()
    )
    return Feedback.MailStatus.SENT.value


@task
def verwijzing_team_mail(*, verwijzing_id: str, actor_id: int | None) -> int:
    """Tell the other current team members (with an e-mail address) a referral's status; returns how many
    were mailed. Minimal data: the case reference and the status, never the family's label. Never raises."""
    verwijzing = Verwijzing.objects.filter(pk=verwijzing_id).first()
    if verwijzing is None:
        return 0
    recipients = sorted(
        {
            m.user.email
            for m in Membership.objects.current().filter(gezinsplan_id=verwijzing.gezinsplan_id).select_related("user")
            if m.user.email and m.user_id != actor_id
        }
    )
    if not recipients:
        return 0
    body = (
        f"Nieuws over een verwijzing in een gezinsplan in Wegwijzer.\n\n"
        f"Verwijzing naar {verwijzing.target_name}: {Verwijzing.Status(verwijzing.status).label.lower()}.\n"
        f"Referentie: {verwijzing.gezinsplan_id}\n\n"
        "Log in op Wegwijzer voor meer."
    )
    try:
        EmailMessage(
            subject="Verwijzing gezinsplan", body=body, from_email=settings.DEFAULT_FROM_EMAIL, bcc=recipients
        ).send(fail_silently=False)
    except Exception:  # a mail outage must not break the status change that enqueued it
        logger.exception("referral mail %s could not be sent", verwijzing_id)
        return 0
    return len(recipients)


@task
def colleague_invite_mail_send(*, invitation_id: str, token: str) -> str:
    """The invitation link for a colleague not yet registered. Minimal data: who invites, never the family's
    label. Never raises: a mail outage leaves the invitation stored (the inviter can invite again)."""
    invitation = ColleagueInvitation.objects.select_related("created_by").filter(pk=invitation_id).first()
    if invitation is None:
        return "missing"
    link = settings.SITE_URL.rstrip("/") + reverse("uitnodiging:accept", kwargs={"token": token})
    body = (
        f"Beste {invitation.name},\n\n"
        f"{invitation.created_by or 'Een collega'} nodigt u uit in Wegwijzer, om samen te werken in een gezinsplan.\n\n"
        f"Maak uw account aan met deze link:\n{link}\n\n"
        f"De link werkt één keer en is {settings.COLLEAGUE_INVITE_HOURS} uur geldig. U kiest een wachtwoord en "
        "stelt daarna een authenticator-app in op uw telefoon (tweestapsverificatie).\n\n"
        "Verwacht u deze uitnodiging niet? Dan kunt u deze e-mail weggooien."
    )
    try:
        EmailMessage(
            subject="Uitnodiging voor Wegwijzer", body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[invitation.email]
        ).send()
    except Exception:  # a mail outage must not turn a stored invitation into an error
        logger.exception("colleague invitation mail could not be sent")
        return "failed"
    return "sent"
