"""The reminder a business with a confirmed place gets before a Meet the Buyer event (beat, daily).

The reminder belongs to a UK day: the daily run on the day ``settings.EVENTS
["REMINDER_DAYS_BEFORE"]`` days before the event's UK start date reminds its confirmed
businesses, whatever the hour of the run or the event. A run that was missed is made up by the
next one while the event has not started, and a business confirmed after the event's reminder
day (a late registration, a waitlist promotion) is reminded by the next run. Each registration
records its own reminder (``Registration.reminded_at``), so it is reminded exactly once.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.services import audit_event_record, email_queue
from events import notifications
from events.models import Event, Registration


def _reminder_horizon(now: datetime) -> datetime:
    """Local midnight after the last start date whose reminder is due on ``now``'s local day.

    The reminder belongs to a day, not to a number of hours: the daily run on the UK day
    ``REMINDER_DAYS_BEFORE`` days before an event's UK start date reminds it, whatever the
    hour of the run or of the event, and across a change of the clocks.
    """
    uk = timezone.get_default_timezone()  # settings.TIME_ZONE, Europe/London
    last_date = timezone.localdate(now, uk) + timedelta(
        days=settings.EVENTS["REMINDER_DAYS_BEFORE"]
    )
    return timezone.make_aware(datetime.combine(last_date + timedelta(days=1), time.min), uk)


def _registrations_due_reminder(now: datetime):
    """Confirmed places not yet reminded, at published events that have not been cancelled and
    start later than ``now`` but no later than the reminder horizon's day."""
    return Registration.objects.confirmed().filter(
        reminded_at__isnull=True,
        event__published_at__isnull=False,
        event__cancelled_at__isnull=True,
        event__starts_at__gt=now,
        event__starts_at__lt=_reminder_horizon(now),
    )


def events_due_reminder_ids(*, now: datetime | None = None) -> list[int]:
    """Events with a confirmed registration due its reminder on this run, soonest first.

    Due: the event starts on or before the UK date ``REMINDER_DAYS_BEFORE`` days after today
    and has not started yet. So a run that was missed is made up by the next one, and a place
    confirmed after the event's reminder day (a late registration, a waitlist promotion) is
    reminded by the next run before the event.
    """
    now = now or timezone.now()
    due = Event.objects.filter(pk__in=_registrations_due_reminder(now).values("event_id"))
    return list(due.order_by("starts_at", "pk").values_list("pk", flat=True))


def event_reminders_send(*, now: datetime | None = None) -> int:
    """Remind every confirmed business due its reminder (``events_due_reminder_ids``), once.

    Each confirmed registration is reminded exactly once, under concurrency and redelivery:
    per event, the event row is locked (as every change to its places locks it, so a
    registration, cancellation or promotion waits for the run, or the run for it), the due
    registrations are read again under the lock, and each is marked ``reminded_at`` in the
    same transaction that queues its emails. A second run, a concurrent one or a redelivered
    task finds them marked and sends nothing more. Returns the emails queued.
    """
    now = now or timezone.now()
    return sum(_event_remind(event_id, now=now) for event_id in events_due_reminder_ids(now=now))


@transaction.atomic
def _event_remind(event_id: int, *, now: datetime) -> int:
    event = Event.objects.select_for_update().filter(pk=event_id).first()
    if event is None:
        return 0
    registrations = list(
        _registrations_due_reminder(now)
        .filter(event=event)
        .select_related("business", "registered_by")
        .select_for_update(of=("self",))
        .order_by("confirmed_at", "pk")
    )
    if not registrations:
        return 0  # cancelled, started or reminded while this run waited for the lock
    queued = 0
    for registration in registrations:
        registration.event = event
        for email in notifications.event_reminder_emails(registration=registration):
            email_queue(**email)
            queued += 1
    Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(
        reminded_at=now, updated_at=now
    )
    first_run = event.reminder_sent_at is None
    if first_run:
        event.reminder_sent_at = now
        event.save(update_fields=["reminder_sent_at", "updated_at"])
    audit_event_record(
        actor=None,
        verb="event.reminder_sent",
        target=event,
        summary={
            "registrations": len(registrations),
            "reminded": [r.pk for r in registrations],
            "emails": queued,
            "first_run": first_run,
        },
    )
    return queued
