"""Celery tasks for Meet the Buyer events. Each loads by id (or by the clock) and calls one
service.

The reminder run is idempotent (each event is locked and marked ``reminder_sent_at`` in the
transaction that queues its emails), so ``acks_late`` with ``reject_on_worker_lost`` is safe.
Only transient database and broker errors are retried, with backoff and a cap; time limits are
the global ones.
"""

from celery import shared_task

from events.services.events import event_reminders_send
from matching.tasks import RETRY


@shared_task(name="events.tasks.send_event_reminders", **RETRY)
def send_event_reminders_task(self) -> int:
    """Daily (beat): remind confirmed businesses of events starting in the next two days."""
    return event_reminders_send()
