import pytest
from django.utils import timezone

from core.exceptions import ApplicationError, PermissionDenied
from core.models import AuditEvent
from events.models import Registration
from events.services import (
    registration_attendance_reset,
    registration_check_in,
    registration_mark_no_show,
)
from tests.accounts.factories import CoordinatorFactory
from tests.events.factories import EventFactory, RegistrationFactory, member_of

pytestmark = pytest.mark.django_db
A = Registration.Attendance


def test_a_coordinator_checks_a_confirmed_business_in():
    registration = RegistrationFactory()
    checked = registration_check_in(user=CoordinatorFactory(), registration=registration)
    assert checked.attendance == A.ATTENDED and checked.checked_in_at
    assert AuditEvent.objects.filter(verb="event.checked_in").count() == 1


def test_checking_in_twice_keeps_the_first_time():
    registration = RegistrationFactory()
    first = registration_check_in(user=CoordinatorFactory(), registration=registration)
    again = registration_check_in(user=CoordinatorFactory(), registration=registration)
    assert again.checked_in_at == first.checked_in_at
    assert AuditEvent.objects.filter(verb="event.checked_in").count() == 1


def test_no_show_and_reset():
    coordinator = CoordinatorFactory()
    registration = registration_check_in(user=coordinator, registration=RegistrationFactory())
    registration = registration_mark_no_show(user=coordinator, registration=registration)
    assert registration.attendance == A.NO_SHOW and registration.checked_in_at is None
    registration = registration_attendance_reset(user=coordinator, registration=registration)
    assert registration.attendance == A.UNKNOWN
    registration.refresh_from_db()
    assert registration.attendance == A.UNKNOWN


def test_only_a_coordinator_records_attendance():
    registration = RegistrationFactory()
    with pytest.raises(PermissionDenied):
        registration_check_in(user=member_of(registration.business), registration=registration)
    registration.refresh_from_db()
    assert registration.attendance == A.UNKNOWN


def test_waitlisted_and_cancelled_registrations_have_no_attendance():
    coordinator = CoordinatorFactory()
    waiting = RegistrationFactory(status=Registration.Status.WAITLISTED)
    with pytest.raises(ApplicationError, match="is on the waitlist: only businesses with a"):
        registration_check_in(user=coordinator, registration=waiting)
    cancelled = RegistrationFactory(
        status=Registration.Status.CANCELLED, cancelled_at=timezone.now()
    )
    with pytest.raises(ApplicationError, match="cancelled its registration"):
        registration_mark_no_show(user=coordinator, registration=cancelled)


def test_no_attendance_at_a_cancelled_event():
    registration = RegistrationFactory(event=EventFactory(cancelled=True))
    with pytest.raises(ApplicationError, match="This event has been cancelled"):
        registration_check_in(user=CoordinatorFactory(), registration=registration)
