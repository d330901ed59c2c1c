import importlib
from typing import Any

from celery import current_app
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from core.models import AuditEvent, OutboundEmail


def audit_event_record(
    *, actor, verb: str, target: models.Model | None = None, summary: dict[str, Any] | None = None
) -> AuditEvent:
    """Record that ``actor`` (a user, or None for the system) did ``verb`` to ``target``.

    ``summary`` holds what changed, usually ``{"before": {...}, "after": {...}}``; it must be
    JSON-serialisable. Call it inside the service's transaction so the trail and the change
    commit together.
    """
    event = AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        summary=summary or {},
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        event.target_id = str(target.pk)
        event.target_repr = str(target)[:255]
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def email_queue(
    *, to: str, subject: str, body_text: str, body_html: str = "", kind: str
) -> OutboundEmail:
    """Store an email in the outbox and send it through Celery once the transaction commits."""
    from core.tasks import email_send  # tasks import services; keep the cycle out of import time

    email = OutboundEmail(
        to=to, subject=subject, body_text=body_text, body_html=body_html, kind=kind
    )
    email.full_clean()
    email.save()
    transaction.on_commit(lambda: email_send.delay(email.pk))
    return email


def email_deliver(*, email: OutboundEmail) -> bool:
    """Send a queued email now. Returns False when there was nothing to do (already sent).

    Idempotent: the row is locked and re-read, so a redelivered task never sends twice after the
    first send has been recorded.
    """
    from django.core.mail import EmailMultiAlternatives

    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().get(pk=email.pk)
        if email.status == OutboundEmail.Status.SENT:
            return False
        email.attempts += 1
        message = EmailMultiAlternatives(subject=email.subject, body=email.body_text, to=[email.to])
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        message.send()
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "status", "sent_at", "last_error", "updated_at"])
    return True


def email_mark_failed(*, email_id: int, error: str) -> None:
    """Record that delivery gave up, so an operator can see it in the admin and resend."""
    OutboundEmail.objects.filter(pk=email_id).exclude(status=OutboundEmail.Status.SENT).update(
        status=OutboundEmail.Status.FAILED, last_error=error[:2000], updated_at=timezone.now()
    )


def task_enqueue_after_commit(task_name: str, *args) -> None:
    """Run a Celery task by its registered name once the current transaction commits.

    Services below ``matching`` in the app chain (anchors, suppliers) use this to start matching
    without importing upwards (DESIGN section 2): the caller names the task, Celery's registry
    finds it, and in-process (eager) mode it runs straight after the commit.
    """

    def enqueue():
        # Task names are "<module>.<name>": import the module so the task is registered even
        # in a web process, where Celery has not autodiscovered tasks.
        importlib.import_module(task_name.rsplit(".", 1)[0])
        current_app.tasks[task_name].delay(*args)

    transaction.on_commit(enqueue)
