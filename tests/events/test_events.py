from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.exceptions import ApplicationError, PermissionDenied
from core.models import AuditEvent, OutboundEmail
from events.models import Event, Registration
from events.services import (
    event_cancel,
    event_close_registration,
    event_create,
    event_publish,
    event_update,
    table_add,
    table_remove,
    table_update,
)
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import InstitutionFactory
from tests.events.factories import (
    BuyerTableFactory,
    EventFactory,
    MeetingFactory,
    RegistrationFactory,
)
from tests.matching.factories import open_lot

pytestmark = pytest.mark.django_db


def _when(days: int, hour: int = 10):
    return (timezone.now() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


def _fields(**overrides):
    fields = {
        "title": "Meet the Buyer: East Birmingham catering",
        "description": "Meet the council's catering buyers.",
        "starts_at": _when(30, 9),
        "ends_at": _when(30, 13),
        "capacity": 40,
        "registration_deadline": _when(27, 17),
        "venue_name": "Bordesley Green community hall",
        "venue_postcode": "b9 4aa",
    }
    return {**fields, **overrides}


def _errors(exc: ValidationError) -> dict:
    return exc.value.message_dict


def test_a_coordinator_creates_a_draft_event_for_east_birmingham_by_default():
    coordinator = CoordinatorFactory()
    event = event_create(user=coordinator, **_fields(focus_sectors=["55000000"]))
    assert event.status == Event.Status.DRAFT
    assert event.target_area.slug == "east-birmingham"
    assert event.venue_postcode == "B9 4AA"
    assert list(event.focus_sectors.values_list("code", flat=True)) == ["55000000"]
    assert event.created_by == coordinator
    assert AuditEvent.objects.filter(verb="event.created", target_id=str(event.pk)).exists()


def test_only_a_coordinator_creates_an_event():
    with pytest.raises(PermissionDenied, match="network coordinator"):
        event_create(user=UserFactory(), **_fields())
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": _when(30, 8)}, "ends_at", "The event must end after it starts."),
        (
            {"registration_deadline": _when(31)},
            "registration_deadline",
            "Registration must close before the event starts.",
        ),
        (
            {"venue_postcode": "", "online_url": ""},
            "venue_postcode",
            "Give the venue's postcode or the online joining link.",
        ),
        ({"capacity": 0}, "capacity", "The event needs room for at least one business."),
        ({"slot_minutes": 3}, "slot_minutes", "Meetings need slots of 5 minutes or more."),
        ({"slot_count": 40}, "slot_count", "40 slots of 15 minutes would run until"),
        (
            {"first_slot_at": _when(30, 8)},
            "first_slot_at",
            "The first meeting cannot start before the event does.",
        ),
    ],
)
def test_event_details_are_checked_with_a_clear_message_per_field(overrides, field, message):
    with pytest.raises(ValidationError) as exc:
        event_create(user=CoordinatorFactory(), **_fields(**overrides))
    assert message in " ".join(_errors(exc)[field])
    assert not Event.objects.exists()


def test_an_online_event_needs_no_postcode():
    event = event_create(
        user=CoordinatorFactory(), **_fields(venue_postcode="", online_url="https://meet.example/x")
    )
    assert event.is_online


def test_capacity_cannot_drop_below_the_confirmed_places():
    event = EventFactory(capacity=5)
    RegistrationFactory.create_batch(3, event=event)
    with pytest.raises(ValidationError) as exc:
        event_update(user=CoordinatorFactory(), event=event, capacity=2)
    assert _errors(exc)["capacity"] == [
        "3 businesses already have a confirmed place, so the capacity cannot be lower than 3."
    ]
    event.refresh_from_db()
    assert event.capacity == 5


def test_raising_capacity_offers_the_new_places_to_the_waitlist_in_order():
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    first = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    second = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    event_update(user=CoordinatorFactory(), event=event, capacity=2)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Registration.Status.CONFIRMED and first.promoted_at
    assert second.status == Registration.Status.WAITLISTED
    assert OutboundEmail.objects.filter(kind="event_registration_promoted").count() == 1


def test_update_refuses_unknown_fields_and_cancelled_events():
    coordinator = CoordinatorFactory()
    with pytest.raises(ValidationError, match="published_at"):
        event_update(user=coordinator, event=EventFactory(), published_at=None)
    with pytest.raises(ApplicationError, match="has been cancelled"):
        event_update(user=coordinator, event=EventFactory(cancelled=True), title="New")


def test_update_changes_details_and_relations():
    event = EventFactory(draft=True)
    institution = InstitutionFactory()
    event_update(
        user=CoordinatorFactory(), event=event, title="  New title ", institutions=[institution]
    )
    event.refresh_from_db()
    assert event.title == "New title"
    assert list(event.institutions.all()) == [institution]


def test_publish_needs_a_buyer_table():
    event = EventFactory(draft=True)
    with pytest.raises(ApplicationError, match="Add at least one buyer table"):
        event_publish(user=CoordinatorFactory(), event=event)
    BuyerTableFactory(event=event)
    event = event_publish(user=CoordinatorFactory(), event=event)
    assert event.status == Event.Status.OPEN
    assert AuditEvent.objects.filter(verb="event.published").count() == 1


def test_publish_refuses_a_past_start_a_cancelled_event_and_a_second_publish():
    coordinator = CoordinatorFactory()
    past = EventFactory(
        draft=True,
        starts_at=_when(-2),
        ends_at=_when(-2) + timedelta(hours=4),
        registration_deadline=_when(-3),
    )
    BuyerTableFactory(event=past)
    with pytest.raises(ApplicationError, match="start is in the past"):
        event_publish(user=coordinator, event=past)
    cancelled = EventFactory(draft=True, cancelled=True)
    BuyerTableFactory(event=cancelled)
    with pytest.raises(ApplicationError, match="cancelled, so it cannot be published"):
        event_publish(user=coordinator, event=cancelled)
    published = BuyerTableFactory().event
    with pytest.raises(ApplicationError, match="already published"):
        event_publish(user=coordinator, event=published)


def test_closing_registration_closes_it_once():
    event = EventFactory()
    event = event_close_registration(user=CoordinatorFactory(), event=event)
    assert event.status == Event.Status.CLOSED
    with pytest.raises(ApplicationError, match="already closed"):
        event_close_registration(user=CoordinatorFactory(), event=event)


def test_cancelling_emails_every_active_registration_with_the_reason():
    event = EventFactory()
    confirmed = RegistrationFactory(event=event, attendee_email="came@example.test")
    RegistrationFactory(
        event=event, status=Registration.Status.WAITLISTED, attendee_email="wait@example.test"
    )
    RegistrationFactory(
        event=event,
        status=Registration.Status.CANCELLED,
        cancelled_at=timezone.now(),
        attendee_email="gone@example.test",
    )
    event = event_cancel(user=CoordinatorFactory(), event=event, reason="The hall flooded.")
    assert event.status == Event.Status.CANCELLED
    assert event.cancel_reason == "The hall flooded."
    emails = OutboundEmail.objects.filter(kind="event_cancelled")
    assert sorted(emails.values_list("to", flat=True)) == ["came@example.test", "wait@example.test"]
    assert all("The hall flooded." in e.body_text for e in emails)
    confirmed.refresh_from_db()
    assert confirmed.status == Registration.Status.CONFIRMED  # the record of who was coming


def test_cancelling_needs_a_reason_and_happens_once():
    event = EventFactory()
    with pytest.raises(ValidationError, match="Say why"):
        event_cancel(user=CoordinatorFactory(), event=event, reason="  ")
    event_cancel(user=CoordinatorFactory(), event=event, reason="Venue lost.")
    with pytest.raises(ApplicationError, match="has been cancelled"):
        event_cancel(user=CoordinatorFactory(), event=event, reason="Again.")


def test_tables_are_numbered_in_order_and_bring_their_institution():
    event = EventFactory(draft=True)
    institution = InstitutionFactory(name="Birmingham City Council")
    lot = open_lot(institution=institution)
    coordinator = CoordinatorFactory()
    first = table_add(
        user=coordinator, event=event, institution=institution, name="Catering", lots=[lot]
    )
    second = table_add(user=coordinator, event=event, institution=institution, name="Estates")
    assert (first.number, second.number) == (1, 2)
    assert list(first.lots.all()) == [lot]
    assert list(event.institutions.all()) == [institution]


def test_a_table_discusses_only_its_own_institutions_lots():
    event = EventFactory(draft=True)
    other_lot = open_lot(institution=InstitutionFactory(name="Aston University"))
    with pytest.raises(ValidationError, match="only discusses"):
        table_add(
            user=CoordinatorFactory(),
            event=event,
            institution=InstitutionFactory(),
            name="Catering",
            lots=[other_lot],
        )
    assert not event.tables.exists()


def test_table_update_and_remove():
    coordinator = CoordinatorFactory()
    table = BuyerTableFactory()
    BuyerTableFactory(event=table.event)
    MeetingFactory(table=table, registration=RegistrationFactory(event=table.event))
    table = table_update(user=coordinator, table=table, name="Facilities", buyers="J. Smith")
    assert (table.name, table.buyers) == ("Facilities", "J. Smith")
    table_remove(user=coordinator, table=table)
    assert table.event.tables.count() == 1
    assert not table.event.meetings.exists()


def test_a_published_event_keeps_at_least_one_table():
    table = BuyerTableFactory()
    with pytest.raises(ApplicationError, match="at least one buyer table"):
        table_remove(user=CoordinatorFactory(), table=table)
