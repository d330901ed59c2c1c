"""Celery tasks for Meet the Buyer events. Each loads by id (or by the clock) and calls one
service.

The reminder run is idempotent (each registration is marked ``reminded_at`` in the transaction,
under its event's row lock, that queues its emails), so ``acks_late`` with
``reject_on_worker_lost`` is safe: a redelivered run reminds nobody twice.
Only transient database and broker errors are retried, with backoff and a cap; time limits are
the global ones.
"""

from celery import shared_task

from events.services.reminders import event_reminders_send
from matching.tasks import RETRY


@shared_task(name="events.tasks.send_event_reminders", **RETRY)
def send_event_reminders_task(self) -> int:
    """Daily (beat, 08:00): remind each confirmed business once, on the UK day
    ``REMINDER_DAYS_BEFORE`` days before its event (or on the next run, while the event has not
    started, when it was confirmed later or a run was missed)."""
    return event_reminders_send()
