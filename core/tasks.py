import logging
import smtplib

from celery import shared_task

from core.models import OutboundEmail
from core.services import email_deliver, email_mark_failed

logger = logging.getLogger(__name__)

# Only failures that a later attempt can cure are retried; anything else is a bug to surface.
TRANSIENT_EMAIL_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    TimeoutError,
)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_EMAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
)
def email_send(self, email_id: int) -> None:
    """Deliver one outbox email. Safe to run twice: a sent email is not sent again."""
    email = OutboundEmail.objects.filter(pk=email_id).first()
    if email is None:
        logger.warning("email_send: outbound email %s no longer exists", email_id)
        return
    try:
        email_deliver(email=email)
    except TRANSIENT_EMAIL_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            email_mark_failed(email_id=email_id, error=repr(exc))
        raise
