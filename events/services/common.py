"""Helpers the events services share: row locks, the state checks and their messages."""

from datetime import datetime

from django.utils import timezone

from accounts.roles import Role, ensure_role
from core.exceptions import ApplicationError
from events.models import Event


def when(moment: datetime) -> str:
    """``3 December 2026 at 17:00``, in UK time: how the site writes a moment in a sentence."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def ensure_coordinator(user) -> None:
    """Refuse (``PermissionDenied``) anyone but an active network coordinator, including no
    user at all (``accounts.roles`` gives no user no role)."""
    ensure_role(user, Role.COORDINATOR)


def lock_event(event: Event) -> Event:
    """Re-read the event under a row lock.

    Every change to an event's places (register, cancel, promote, capacity) takes this lock
    first, so on PostgreSQL they queue one behind another and the confirmed count one of them
    reads is still true when it writes.
    """
    return Event.objects.select_for_update().get(pk=event.pk)


def ensure_not_cancelled(event: Event, action: str) -> None:
    if event.cancelled_at:
        raise ApplicationError(f"This event has been cancelled, so you cannot {action}.")


def ensure_changeable(event: Event, action: str, now=None) -> None:
    """Refuse changes to a cancelled event or one that has already taken place."""
    ensure_not_cancelled(event, action)
    if event.ends_at <= (now or timezone.now()):
        raise ApplicationError(f"This event has already taken place, so you cannot {action}.")


def registration_closed_message(event: Event, now=None) -> str | None:
    """Why a business cannot register now, in words, or None while registration is open."""
    now = now or timezone.now()
    if event.cancelled_at:
        return "This event has been cancelled."
    if not event.published_at:
        return "This event is not open for registration yet."
    if event.starts_at <= now:
        return "This event has already started, so registration has closed."
    closed_at = event.registration_deadline
    if event.registration_closed_at and event.registration_closed_at < closed_at:
        closed_at = event.registration_closed_at
    if closed_at <= now:
        return f"Registration for this event closed on {when(closed_at)}."
    return None
