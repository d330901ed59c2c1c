"""Businesses racing for the last place, and reminder runs racing each other (PostgreSQL row
locks, one connection per thread)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.exceptions import ApplicationError
from core.models import OutboundEmail
from events.models import Registration
from events.services import event_reminders_send, registration_cancel, registration_create
from tests.events.factories import EventFactory, RegistrationFactory, member_of, supplier

# serialized_rollback: a transactional test flushes the tables, which would also empty the
# reference rows that migrations insert (CPV divisions, East Birmingham); restore them after.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RACERS = 6


def run_together(*actions):
    """Start every action in its own thread (own database connection) at the same moment."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def runner(index, action):
        try:
            barrier.wait()
            outcomes[index] = ("ok", action())
        except ApplicationError as exc:
            outcomes[index] = ("refused", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _registers(event, business, user):
    return lambda: registration_create(
        user=user,
        event=event,
        business=business,
        attendee_name="Racer",
        attendee_email=f"racer{business.pk}@example.test",
    )


def test_many_businesses_racing_for_the_last_place_confirm_exactly_one():
    event = EventFactory(capacity=3)
    RegistrationFactory.create_batch(2, event=event)
    racers = [supplier() for _ in range(RACERS)]
    outcomes = run_together(*[_registers(event, b, u) for b, u in racers])
    assert [kind for kind, _ in outcomes] == ["ok"] * RACERS
    statuses = sorted(registration.status for _, registration in outcomes)
    assert statuses == ["confirmed"] + ["waitlisted"] * (RACERS - 1)
    assert event.registrations.confirmed().count() == 3
    assert event.registrations.waitlisted().count() == RACERS - 1


def test_a_cancellation_racing_a_registration_never_overbooks():
    event = EventFactory(capacity=1)
    leaving = RegistrationFactory(event=event)
    leaver = member_of(leaving.business)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    newcomer, newcomer_user = supplier()
    outcomes = run_together(
        lambda: registration_cancel(user=leaver, registration=leaving),
        _registers(event, newcomer, newcomer_user),
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok"]
    assert list(event.registrations.confirmed()) == [Registration.objects.get(pk=waiting.pk)]
    assert outcomes[1][1].status == Registration.Status.WAITLISTED


def test_reminder_runs_racing_each_other_and_a_promotion_remind_each_place_once():
    """Two reminder runs at once (a redelivered task beside the first), while a cancellation
    promotes the waitlist: every confirmed place ends up with exactly one reminder."""
    starts = timezone.now() + timedelta(days=1)
    event = EventFactory(
        capacity=3,
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        registration_deadline=starts - timedelta(hours=1),
    )
    staying = RegistrationFactory.create_batch(2, event=event)
    leaving = RegistrationFactory(event=event)
    leaver = member_of(leaving.business)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    outcomes = run_together(
        event_reminders_send,
        event_reminders_send,
        lambda: registration_cancel(user=leaver, registration=leaving),
    )
    assert [kind for kind, _ in outcomes] == ["ok"] * 3
    event_reminders_send()  # the next day's run: the promoted business if it was missed
    reminded = list(
        OutboundEmail.objects.filter(kind="event_reminder").values_list("to", flat=True)
    )
    assert len(reminded) == len(set(reminded))  # nobody twice
    kept = {r.attendee_email for r in (*staying, waiting)}
    # The leaving business was reminded only if a run locked the event before it cancelled.
    assert kept <= set(reminded) <= kept | {leaving.attendee_email}
    assert not event.registrations.confirmed().filter(reminded_at__isnull=True).exists()
