"""A business's place at an event: register (confirmed, or the waitlist when full), change
which buyers it wants to meet, cancel (which offers the place to the waitlist).

No overbooking: every change to an event's places first locks the event row
(``common.lock_event``), then counts the confirmed places and writes, all in one transaction.
On PostgreSQL concurrent registrations queue behind that lock, so the count each one reads is
still true when it writes; ``tests/events/test_concurrency.py`` races them for the last place.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.exceptions import ApplicationError, PermissionDenied
from core.services import audit_event_record, email_queue
from events import notifications
from events.models import BuyerTable, Event, Invitation, Registration
from events.services.common import lock_event, registration_closed_message
from suppliers.models import Business, BusinessMember
from suppliers.permissions import is_coordinator, member_role


def _queue(emails: list[dict]) -> int:
    for email in emails:
        email_queue(**email)
    return len(emails)


def _ensure_member(user, business: Business | None) -> Business:
    """The business the user registers: one they belong to (coordinators manage, not register)."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Sign in to register for this event.")
    memberships = BusinessMember.objects.filter(user=user)
    if not memberships.exists():
        raise ApplicationError("Create your business profile before registering.")
    if business is None:
        raise ValidationError({"business": "Choose which of your businesses is registering."})
    if not memberships.filter(business=business).exists():
        raise PermissionDenied(f"Only members of {business.name} can register it for an event.")
    if not business.is_active:
        raise ApplicationError(f"{business.name} is deactivated, so it cannot register.")
    return business


def _ensure_can_act_for(user, registration: Registration, action: str) -> None:
    """An active member of the registered business, or an active network coordinator."""
    if is_coordinator(user) or member_role(user, registration.business) is not None:
        return
    raise PermissionDenied(
        f"Only members of {registration.business.name} or a network coordinator can {action}."
    )


def _wanted_tables(event: Event, tables: Iterable) -> list[BuyerTable]:
    ids = [getattr(t, "pk", t) for t in tables]
    found = list(BuyerTable.objects.filter(pk__in=ids, event=event))
    if len(found) != len(set(ids)):
        raise ValidationError({"wanted_tables": "Choose buyers from this event's tables."})
    return found


@transaction.atomic
def registration_create(
    *,
    user,
    event: Event,
    business: Business | None,
    wanted_tables: Iterable[BuyerTable] = (),
    attendee_name: str,
    attendee_email: str,
    accessibility_needs: str = "",
) -> Registration:
    """Register the business: a confirmed place while there is room, else the waitlist.

    Marks the business's invitation (if it had one) registered and emails the outcome.
    """
    business = _ensure_member(user, business)
    event = lock_event(event)
    now = timezone.now()
    closed = registration_closed_message(event, now)
    if closed:
        raise ApplicationError(closed)
    if event.registrations.active().filter(business=business).exists():
        raise ApplicationError("Your business is already registered for this event.")
    tables = _wanted_tables(event, wanted_tables)
    full = event.registrations.confirmed().count() >= event.capacity
    registration = Registration(
        event=event,
        business=business,
        status=Registration.Status.WAITLISTED if full else Registration.Status.CONFIRMED,
        attendee_name=attendee_name.strip(),
        attendee_email=attendee_email.strip(),
        accessibility_needs=accessibility_needs.strip(),
        registered_by=user,
        waitlisted_at=now if full else None,
        confirmed_at=None if full else now,
    )
    registration.full_clean()
    registration.save()
    registration.wanted_tables.set(tables)
    Invitation.objects.filter(event=event, business=business).update(
        status=Invitation.Status.REGISTERED, responded_at=now, updated_at=now
    )
    if full:
        _queue(notifications.registration_waitlisted_emails(registration=registration))
    else:
        _queue(notifications.registration_confirmed_emails(registration=registration))
    audit_event_record(
        actor=user,
        verb="event.registration_created",
        target=registration,
        summary={"status": registration.status, "tables": [t.pk for t in tables]},
    )
    return registration


def promote_from_waitlist(event: Event, now=None) -> list[Registration]:
    """Offer every free place to the waitlist, first come first served, and tell each business.

    Call with the event locked (``lock_event``), inside the transaction that freed the place.
    """
    now = now or timezone.now()
    free = event.capacity - event.registrations.confirmed().count()
    if free <= 0 or event.cancelled_at:
        return []
    waiting = list(
        event.registrations.waitlisted()
        .select_related("event", "business", "registered_by")
        .select_for_update(of=("self",))[:free]
    )
    for registration in waiting:
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = registration.promoted_at = now
        registration.save(update_fields=["status", "confirmed_at", "promoted_at", "updated_at"])
        _queue(notifications.registration_promoted_emails(registration=registration))
        audit_event_record(actor=None, verb="event.registration_promoted", target=registration)
    return waiting


@transaction.atomic
def registration_cancel(*, user, registration: Registration) -> Registration:
    """Cancel a place (or leave the waitlist), by a member of the business or a coordinator.

    A freed confirmed place goes to the first business on the waitlist, which is emailed, as
    long as the event has not started, even when registration has closed: those businesses
    asked to come before the deadline, and an empty chair helps nobody. The cancelled
    registration's meetings are deleted; re-run the schedule to fill the gap. The business's
    invitation (if it had one) goes from registered to declined, answered now: it is not
    coming, and the invite list and its CSV say so (it can still register again while
    registration is open, which marks the invitation registered again).
    """
    _ensure_can_act_for(user, registration, "cancel this registration")
    event = lock_event(registration.event)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("business", "registered_by")
        .get(pk=registration.pk)
    )
    registration.event = event
    now = timezone.now()
    if registration.status == Registration.Status.CANCELLED:
        raise ApplicationError("This registration is already cancelled.")
    if event.cancelled_at:
        raise ApplicationError("This event has been cancelled, so there is nothing to cancel.")
    if event.starts_at <= now:
        raise ApplicationError(
            "This event has already started, so the registration cannot be cancelled."
        )
    was_confirmed = registration.status == Registration.Status.CONFIRMED
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.full_clean()
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    meetings, _ = registration.meetings.all().delete()
    declined = Invitation.objects.filter(
        event=event, business_id=registration.business_id, status=Invitation.Status.REGISTERED
    ).update(status=Invitation.Status.DECLINED, responded_at=now, updated_at=now)
    _queue(notifications.registration_cancelled_emails(registration=registration))
    promoted = promote_from_waitlist(event, now) if was_confirmed else []
    audit_event_record(
        actor=user,
        verb="event.registration_cancelled",
        target=registration,
        summary={
            "was_confirmed": was_confirmed,
            "meetings_removed": meetings,
            "promoted": [r.pk for r in promoted],
            "invitation_declined": bool(declined),
        },
    )
    return registration


@transaction.atomic
def registration_update_choices(
    *, user, registration: Registration, wanted_tables: Iterable[BuyerTable]
) -> Registration:
    """Change which buyers the business wants to meet, until the event starts."""
    _ensure_can_act_for(user, registration, "change this registration")
    event = lock_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        raise ApplicationError("This registration was cancelled, so it cannot be changed.")
    if event.cancelled_at:
        raise ApplicationError("This event has been cancelled.")
    if event.starts_at <= timezone.now():
        raise ApplicationError("This event has already started, so choices cannot be changed.")
    tables = _wanted_tables(event, wanted_tables)
    before = sorted(registration.wanted_tables.values_list("pk", flat=True))
    registration.wanted_tables.set(tables)
    audit_event_record(
        actor=user,
        verb="event.registration_choices_changed",
        target=registration,
        summary={"before": before, "after": sorted(t.pk for t in tables)},
    )
    return registration
