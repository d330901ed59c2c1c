from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from core.models import OutboundEmail
from events.models import Registration
from events.services import event_reminders_send
from events.tasks import send_event_reminders_task
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _event_in(delta: timedelta, **fields):
    starts = timezone.now() + delta
    return EventFactory(
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        registration_deadline=starts - timedelta(hours=1),
        **fields,
    )


def test_reminders_go_to_confirmed_registrations_of_events_within_two_days():
    soon = _event_in(timedelta(days=1, hours=20))
    later = _event_in(timedelta(days=3))
    confirmed = RegistrationFactory(event=soon, attendee_email="coming@example.test")
    RegistrationFactory(event=soon, status=Registration.Status.WAITLISTED)
    RegistrationFactory(
        event=soon, status=Registration.Status.CANCELLED, cancelled_at=timezone.now()
    )
    RegistrationFactory(event=later)
    assert send_event_reminders_task.delay().get() == 1
    assert list(
        OutboundEmail.objects.filter(kind="event_reminder").values_list("to", flat=True)
    ) == [confirmed.attendee_email]
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.reminder_sent_at and later.reminder_sent_at is None


def test_a_second_run_sends_nothing():
    event = _event_in(timedelta(days=1))
    RegistrationFactory(event=event)
    assert event_reminders_send() == 1
    assert event_reminders_send() == 0
    assert OutboundEmail.objects.filter(kind="event_reminder").count() == 1


def test_the_later_event_is_reminded_when_its_day_comes():
    event = _event_in(timedelta(days=3))
    RegistrationFactory(event=event)
    assert event_reminders_send() == 0
    with time_machine.travel(timezone.now() + timedelta(days=1, hours=1)):
        assert event_reminders_send() == 1


def test_cancelled_drafts_and_past_events_get_no_reminder():
    for fields in ({"cancelled": True}, {"draft": True}):
        RegistrationFactory(event=_event_in(timedelta(days=1), **fields))
    RegistrationFactory(event=_event_in(timedelta(hours=-1)))
    assert event_reminders_send() == 0


def test_the_beat_runs_the_reminders_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["send-event-reminders"]
    assert entry["task"] == send_event_reminders_task.name
