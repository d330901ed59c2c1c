"""On the day: a coordinator records who came (check-in) and who did not (no-show).

Only confirmed registrations have attendance. Checking in twice is harmless (a double tap on a
phone), and a mistake is undone with ``registration_attendance_reset``.
"""

from django.db import transaction
from django.utils import timezone

from core.exceptions import ApplicationError
from core.services import audit_event_record
from events.models import Registration
from events.services.common import ensure_coordinator

A = Registration.Attendance


def _lock_confirmed(user, registration: Registration, action: str) -> Registration:
    ensure_coordinator(user)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event", "business")
        .get(pk=registration.pk)
    )
    name = registration.business.name
    if registration.event.cancelled_at:
        raise ApplicationError(f"This event has been cancelled, so you cannot {action}.")
    if not registration.event.published_at:
        raise ApplicationError(f"This event is not published, so you cannot {action}.")
    if registration.status == Registration.Status.WAITLISTED:
        raise ApplicationError(
            f"{name} is on the waitlist: only businesses with a confirmed place have attendance."
        )
    if registration.status == Registration.Status.CANCELLED:
        raise ApplicationError(
            f"{name} cancelled its registration: only businesses with a confirmed place have "
            "attendance."
        )
    return registration


def _record(user, registration: Registration, attendance: str, checked_in_at, verb: str):
    before = registration.attendance
    registration.attendance = attendance
    registration.checked_in_at = checked_in_at
    registration.save(update_fields=["attendance", "checked_in_at", "updated_at"])
    audit_event_record(
        actor=user,
        verb=verb,
        target=registration,
        summary={"before": before, "after": attendance},
    )
    return registration


@transaction.atomic
def registration_check_in(*, user, registration: Registration) -> Registration:
    """Record that the business came; the first check-in time is kept."""
    registration = _lock_confirmed(user, registration, "check anyone in")
    if registration.attendance == A.ATTENDED:
        return registration
    return _record(user, registration, A.ATTENDED, timezone.now(), "event.checked_in")


@transaction.atomic
def registration_mark_no_show(*, user, registration: Registration) -> Registration:
    """Record that the business did not come."""
    registration = _lock_confirmed(user, registration, "record a no-show")
    if registration.attendance == A.NO_SHOW:
        return registration
    return _record(user, registration, A.NO_SHOW, None, "event.no_show")


@transaction.atomic
def registration_attendance_reset(*, user, registration: Registration) -> Registration:
    """Undo a check-in or a no-show."""
    registration = _lock_confirmed(user, registration, "change attendance")
    if registration.attendance == A.UNKNOWN:
        return registration
    return _record(user, registration, A.UNKNOWN, None, "event.attendance_reset")
