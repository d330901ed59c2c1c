"""The daily reminder (beat at 08:00 UK time): each confirmed business is reminded once, on the
run of the UK day ``REMINDER_DAYS_BEFORE`` (2) days before its event's UK start date, or on a
later run while the event has not started (a missed run, a late registration, a promotion)."""

import importlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.utils import timezone

from core.models import AuditEvent, OutboundEmail
from events.models import Registration
from events.services import (
    event_update,
    registration_cancel,
    registration_create,
)
from events.services.reminders import events_due_reminder_ids
from events.tasks import send_event_reminders_task
from tests.accounts.factories import CoordinatorFactory
from tests.events.factories import EventFactory, RegistrationFactory, member_of, supplier

pytestmark = pytest.mark.django_db

UK = ZoneInfo("Europe/London")


def uk(moment: str) -> datetime:
    """``"2026-06-10 08:00"`` as UK time (BST in summer, GMT in winter)."""
    return datetime.strptime(moment, "%Y-%m-%d %H:%M").replace(tzinfo=UK)


def _event_at(starts_at: datetime, **fields):
    fields.setdefault("registration_deadline", starts_at - timedelta(hours=1))
    fields.setdefault("published_at", starts_at - timedelta(days=20))
    return EventFactory(starts_at=starts_at, ends_at=starts_at + timedelta(hours=4), **fields)


def _reminded_to() -> list[str]:
    reminders = OutboundEmail.objects.filter(kind="event_reminder").order_by("pk")
    return list(reminders.values_list("to", flat=True))


def _run_at(moment: str) -> int:
    with time_machine.travel(uk(moment), tick=False):
        return send_event_reminders_task.delay().get()


@pytest.mark.parametrize(
    ("run", "starts", "due"),
    [
        ("2026-06-10 08:00", "2026-06-12 09:00", True),  # 49 hours ahead, two UK days
        ("2026-06-10 08:00", "2026-06-12 23:30", True),
        ("2026-06-10 08:00", "2026-06-13 07:00", False),  # 47 hours ahead, three UK days
        ("2026-06-10 08:00", "2026-06-13 00:30", False),  # 12 June in UTC, 13 June in the UK
        ("2026-03-27 08:00", "2026-03-29 10:00", True),  # the clocks go forward in between
        ("2026-10-23 08:00", "2026-10-25 08:30", True),  # the clocks go back in between
        ("2026-06-10 08:00", "2026-06-10 09:00", True),  # a run was missed: still in time
        ("2026-06-10 08:00", "2026-06-10 07:59", False),  # already started: too late
    ],
)
def test_the_reminder_goes_on_the_run_of_the_uk_day_two_days_before_the_event(run, starts, due):
    event = _event_at(uk(starts))
    registration = RegistrationFactory(event=event, confirmed_at=uk(starts) - timedelta(days=9))
    assert _run_at(run) == (1 if due else 0)
    assert _reminded_to() == ([registration.attendee_email] if due else [])
    registration.refresh_from_db()
    assert (registration.reminded_at == uk(run)) is due


def test_the_run_two_days_before_reminds_the_event_and_the_next_day_the_one_after():
    thursday = _event_at(uk("2026-06-11 09:00"))  # Tuesday's run is its last but one
    friday = _event_at(uk("2026-06-12 09:00"))
    saturday = _event_at(uk("2026-06-13 07:00"))
    for event in (thursday, friday, saturday):
        RegistrationFactory(
            event=event, attendee_email=f"{event.starts_at:%A}@example.test".lower()
        )
    with time_machine.travel(uk("2026-06-10 08:00"), tick=False):
        assert events_due_reminder_ids() == [thursday.pk, friday.pk]
    assert _run_at("2026-06-10 08:00") == 2
    assert _run_at("2026-06-11 08:00") == 1
    assert _reminded_to() == [
        "thursday@example.test",
        "friday@example.test",
        "saturday@example.test",
    ]


def test_only_confirmed_places_at_published_events_still_on_are_reminded():
    starts = uk("2026-06-12 09:00")
    event = _event_at(starts)
    confirmed = RegistrationFactory(event=event, attendee_email="coming@example.test")
    RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    RegistrationFactory(
        event=event, status=Registration.Status.CANCELLED, cancelled_at=starts - timedelta(days=5)
    )
    RegistrationFactory(event=_event_at(starts, cancelled_at=starts - timedelta(days=1)))
    RegistrationFactory(event=_event_at(starts, published_at=None))
    assert _run_at("2026-06-10 08:00") == 1
    assert _reminded_to() == [confirmed.attendee_email]
    event.refresh_from_db()
    assert event.reminder_sent_at == uk("2026-06-10 08:00")


def test_every_run_after_the_first_and_a_redelivered_task_send_nothing_more():
    event = _event_at(uk("2026-06-12 09:00"))
    RegistrationFactory(event=event)
    assert _run_at("2026-06-10 08:00") == 1
    assert _run_at("2026-06-10 08:00") == 0  # the task delivered again
    assert _run_at("2026-06-11 08:00") == 0
    assert _run_at("2026-06-12 08:00") == 0
    assert len(_reminded_to()) == 1
    audit = AuditEvent.objects.get(verb="event.reminder_sent")
    assert audit.summary["registrations"] == 1 and audit.summary["first_run"] is True


def test_late_registrations_and_promotions_are_reminded_on_the_next_run_once_each():
    """The event is on Friday 12 June at 10:00 with two places; its reminder run is Wednesday's."""
    event = _event_at(uk("2026-06-12 10:00"), capacity=2)
    first, second, waiting, late = (supplier() for _ in range(4))

    def register(business_and_user):
        business, user = business_and_user
        return registration_create(
            user=user, event=event, business=business, attendee_name="A", attendee_email=user.email
        )

    with time_machine.travel(uk("2026-06-01 12:00"), tick=False):
        register(first)
        leaving = register(second)
        assert register(waiting).status == Registration.Status.WAITLISTED
    assert _run_at("2026-06-10 08:00") == 2
    with time_machine.travel(uk("2026-06-10 12:00"), tick=False):
        registration_cancel(user=second[1], registration=leaving)  # "waiting" is promoted
    assert _run_at("2026-06-11 08:00") == 1
    with time_machine.travel(uk("2026-06-11 10:00"), tick=False):
        event_update(user=CoordinatorFactory(), event=event, capacity=3)
        register(late)
    assert _run_at("2026-06-12 08:00") == 1
    assert _run_at("2026-06-12 08:30") == 0
    assert _reminded_to() == [user.email for _, user in (first, second, waiting, late)]
    assert not Registration.objects.confirmed().filter(reminded_at__isnull=True).exists()


def test_a_business_confirmed_after_the_last_run_before_the_start_is_not_reminded():
    event = _event_at(uk("2026-06-12 10:00"))
    RegistrationFactory(event=event, attendee_email="early@example.test")
    assert _run_at("2026-06-12 08:00") == 1
    with time_machine.travel(uk("2026-06-12 09:00"), tick=False):
        RegistrationFactory(event=event, attendee_email="last-minute@example.test")
    assert _run_at("2026-06-13 08:00") == 0  # the event has started: too late to remind
    assert _reminded_to() == ["early@example.test"]


def test_the_reminder_goes_to_the_attendee_and_the_member_who_registered():
    event = _event_at(uk("2026-06-12 09:00"))
    business, user = supplier()
    RegistrationFactory(
        event=event, business=business, registered_by=user, attendee_email="a@example.test"
    )
    member_of(business)  # another member: not told, the registrant and the attendee are
    assert _run_at("2026-06-10 08:00") == 2
    assert sorted(_reminded_to()) == sorted(["a@example.test", user.email])


def test_the_days_before_come_from_the_settings(settings):
    settings.EVENTS = {**settings.EVENTS, "REMINDER_DAYS_BEFORE": 1}
    RegistrationFactory(event=_event_at(uk("2026-06-12 09:00")))
    assert _run_at("2026-06-10 08:00") == 0
    assert _run_at("2026-06-11 08:00") == 1


def test_registrations_reminded_before_the_per_registration_record_are_not_reminded_again():
    """The migration marks the places its event's old reminder run covered as reminded."""
    migration = importlib.import_module("events.migrations.0002_registration_reminded_at")
    run = uk("2026-06-10 08:00")
    event = _event_at(uk("2026-06-12 09:00"), reminder_sent_at=run)
    covered = RegistrationFactory(event=event, confirmed_at=run - timedelta(days=3))
    later = RegistrationFactory(event=event, confirmed_at=run + timedelta(hours=2))
    migration.mark_already_reminded(apps, None)
    covered.refresh_from_db()
    later.refresh_from_db()
    assert covered.reminded_at == run and later.reminded_at is None
    assert _run_at("2026-06-11 08:00") == 1
    assert _reminded_to() == [later.attendee_email]


def test_the_beat_runs_the_reminders_daily_at_eight():
    entry = settings.CELERY_BEAT_SCHEDULE["send-event-reminders"]
    assert entry["task"] == send_event_reminders_task.name == "events.tasks.send_event_reminders"
    assert entry["schedule"].hour == {8} and entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE == "Europe/London"
    assert timezone.get_default_timezone_name() == "Europe/London"
