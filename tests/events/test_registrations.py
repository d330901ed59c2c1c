from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.exceptions import ApplicationError, PermissionDenied
from core.models import AuditEvent, OutboundEmail
from events.models import Invitation, Registration
from events.services import (
    event_close_registration,
    registration_cancel,
    registration_create,
    registration_update_choices,
)
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.events.factories import (
    BuyerTableFactory,
    EventFactory,
    InvitationFactory,
    MeetingFactory,
    RegistrationFactory,
    member_of,
    supplier,
)
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _register(event, business, user, **extra):
    fields = {"attendee_name": "Amina Khan", "attendee_email": "amina@example.test"}
    return registration_create(user=user, event=event, business=business, **{**fields, **extra})


def test_a_member_registers_their_business_with_the_buyers_it_wants_to_meet():
    event = EventFactory()
    table = BuyerTableFactory(event=event)
    business, user = supplier()
    registration = _register(event, business, user, wanted_tables=[table])
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.confirmed_at and registration.registered_by == user
    assert list(registration.wanted_tables.all()) == [table]
    email = OutboundEmail.objects.get(kind="event_registration_confirmed", to="amina@example.test")
    assert event.title in email.subject
    assert AuditEvent.objects.filter(verb="event.registration_created").count() == 1


def test_a_full_event_puts_the_business_on_the_waitlist():
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    business, user = supplier()
    registration = _register(event, business, user)
    assert registration.status == Registration.Status.WAITLISTED
    assert registration.waitlisted_at and registration.confirmed_at is None
    assert OutboundEmail.objects.filter(kind="event_registration_waitlisted").count() == 2
    assert event.registrations.confirmed().count() == 1


def test_registering_marks_the_invitation_registered():
    event = EventFactory()
    business, user = supplier()
    invitation = InvitationFactory(event=event, business=business, status="invited")
    _register(event, business, user)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REGISTERED
    assert invitation.responded_at


@pytest.mark.parametrize("who", ["member", "coordinator"])
@pytest.mark.parametrize("status", [Registration.Status.CONFIRMED, Registration.Status.WAITLISTED])
def test_cancelling_a_registration_marks_the_invitation_declined_then_registering_again_registered(
    who, status
):
    event = EventFactory(capacity=1 if status == Registration.Status.WAITLISTED else 10)
    if status == Registration.Status.WAITLISTED:
        RegistrationFactory(event=event)
    business, user = supplier()
    invitation = InvitationFactory(event=event, business=business, status="invited")
    other = InvitationFactory(event=event, status="registered")  # another business's: unchanged
    registration = _register(event, business, user)
    assert registration.status == status
    cancelled_at = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    with time_machine.travel(cancelled_at, tick=False):
        registration_cancel(
            user=user if who == "member" else CoordinatorFactory(), registration=registration
        )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert invitation.responded_at == cancelled_at
    audit = AuditEvent.objects.get(verb="event.registration_cancelled")
    assert audit.summary["invitation_declined"] is True
    other.refresh_from_db()
    assert other.status == Invitation.Status.REGISTERED

    _register(event, business, user)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REGISTERED


def test_registering_without_an_invitation_creates_none():
    event = EventFactory()
    business, user = supplier()
    _register(event, business, user)
    assert not Invitation.objects.exists()


def test_registration_after_the_deadline_says_when_it_closed():
    starts = datetime(2026, 12, 5, 9, 0, tzinfo=LONDON)
    event = EventFactory(
        starts_at=starts,
        ends_at=starts.replace(hour=13),
        registration_deadline=datetime(2026, 12, 3, 17, 0, tzinfo=LONDON),
    )
    business, user = supplier()
    with (
        time_machine.travel(datetime(2026, 12, 4, 10, 0, tzinfo=LONDON)),
        pytest.raises(ApplicationError) as exc,
    ):
        _register(event, business, user)
    assert exc.value.message == "Registration for this event closed on 3 December 2026 at 17:00."
    assert not Registration.objects.exists()


def test_registration_closed_early_by_the_coordinator_is_refused():
    event = EventFactory()
    event_close_registration(user=CoordinatorFactory(), event=event)
    business, user = supplier()
    with pytest.raises(ApplicationError, match="Registration for this event closed on"):
        _register(event, business, user)


def test_registration_for_a_cancelled_event_is_refused():
    business, user = supplier()
    with pytest.raises(ApplicationError) as exc:
        _register(EventFactory(cancelled=True), business, user)
    assert exc.value.message == "This event has been cancelled."


def test_registration_for_a_draft_event_is_refused():
    business, user = supplier()
    with pytest.raises(ApplicationError, match="not open for registration yet"):
        _register(EventFactory(draft=True), business, user)


def test_registering_twice_is_refused():
    event = EventFactory()
    business, user = supplier()
    _register(event, business, user)
    with pytest.raises(ApplicationError) as exc:
        _register(event, business, user)
    assert exc.value.message == "Your business is already registered for this event."
    assert Registration.objects.count() == 1


def test_a_user_with_no_business_is_told_to_create_a_profile():
    with pytest.raises(ApplicationError) as exc:
        _register(EventFactory(), None, UserFactory())
    assert exc.value.message == "Create your business profile before registering."


def test_a_user_cannot_register_someone_elses_business():
    _, user = supplier()
    with pytest.raises(PermissionDenied):
        _register(EventFactory(), BusinessFactory(), user)
    assert not Registration.objects.exists()


def test_wanted_tables_must_belong_to_the_event():
    event = EventFactory()
    other_table = BuyerTableFactory()
    business, user = supplier()
    with pytest.raises(ValidationError) as exc:
        _register(event, business, user, wanted_tables=[other_table])
    assert exc.value.message_dict["wanted_tables"] == ["Choose buyers from this event's tables."]
    assert not Registration.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_bad_attendee_email_is_refused_without_a_partial_write():
    business, user = supplier()
    with pytest.raises(ValidationError) as exc:
        _register(EventFactory(), business, user, attendee_email="not-an-email")
    assert "attendee_email" in exc.value.message_dict
    assert not Registration.objects.exists()


def test_cancelling_a_confirmed_place_promotes_the_first_waitlisted_and_tells_it():
    event = EventFactory(capacity=1)
    business, user = supplier()
    registration = _register(event, business, user)
    first = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    second = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    MeetingFactory(registration=registration)
    cancelled = registration_cancel(user=user, registration=registration)
    assert cancelled.status == Registration.Status.CANCELLED and cancelled.cancelled_at
    assert not cancelled.meetings.exists()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Registration.Status.CONFIRMED
    assert first.promoted_at and first.confirmed_at
    assert second.status == Registration.Status.WAITLISTED
    promoted = OutboundEmail.objects.get(kind="event_registration_promoted")
    assert promoted.to == first.attendee_email
    assert OutboundEmail.objects.filter(kind="event_registration_cancelled").exists()


def test_a_place_freed_after_registration_closed_still_goes_to_the_waitlist():
    event = EventFactory(capacity=1)
    confirmed = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    event_close_registration(user=CoordinatorFactory(), event=event)
    registration_cancel(user=CoordinatorFactory(), registration=confirmed)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED


def test_leaving_the_waitlist_promotes_nobody():
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    behind = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    registration_cancel(user=CoordinatorFactory(), registration=waiting)
    behind.refresh_from_db()
    assert behind.status == Registration.Status.WAITLISTED
    assert not OutboundEmail.objects.filter(kind="event_registration_promoted").exists()


def test_only_a_member_or_a_coordinator_cancels_a_registration():
    registration = RegistrationFactory()
    with pytest.raises(PermissionDenied):
        registration_cancel(user=UserFactory(), registration=registration)
    registration_cancel(user=member_of(registration.business), registration=registration)
    with pytest.raises(ApplicationError, match="already cancelled"):
        registration_cancel(user=CoordinatorFactory(), registration=registration)


def test_a_business_may_register_again_after_cancelling():
    event = EventFactory()
    business, user = supplier()
    registration_cancel(user=user, registration=_register(event, business, user))
    again = _register(event, business, user)
    assert again.status == Registration.Status.CONFIRMED
    assert event.registrations.count() == 2


def test_changing_the_buyers_wanted():
    event = EventFactory()
    first, second = BuyerTableFactory(event=event), BuyerTableFactory(event=event)
    business, user = supplier()
    registration = _register(event, business, user, wanted_tables=[first])
    registration_update_choices(user=user, registration=registration, wanted_tables=[second])
    assert list(registration.wanted_tables.all()) == [second]
    with pytest.raises(ValidationError):
        registration_update_choices(
            user=user, registration=registration, wanted_tables=[BuyerTableFactory()]
        )
    with pytest.raises(PermissionDenied):
        registration_update_choices(user=UserFactory(), registration=registration, wanted_tables=[])
