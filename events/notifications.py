"""Emails about Meet the Buyer events: what they say and who gets them.

Each builder returns a list of ``core.services.email_queue`` keyword dicts (one per recipient);
services queue them inside their transaction, so the outbox rows commit with the change and
Celery sends them after the commit. Invitations go to every active member of the business;
everything about a registration goes to the attendee and to the member who registered.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from events.models import Event, Invitation, Registration
from events.services.common import when

RSVP_SALT = "events.invitation-rsvp"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _path(name: str, args: list, fallback: str) -> str:
    """The URL by name; the documented path when the URLconf does not name it (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def rsvp_url(token: str) -> str:
    return absolute(_path("events:rsvp", [token], f"/events/rsvp/{token}/"))


def event_url(event: Event) -> str:
    return absolute(_path("events:detail", [event.pk], f"/events/{event.pk}/"))


def registration_url(registration: Registration) -> str:
    return absolute(
        _path(
            "events:registration",
            [registration.pk],
            f"/events/registrations/{registration.pk}/",
        )
    )


def invitation_token(invitation: Invitation) -> str:
    """A signed token naming the invitation. It does not expire: the event's own dates decide
    whether an RSVP is still possible, and an old email should say so, not "invalid link"."""
    return signing.dumps({"invitation": invitation.pk}, salt=RSVP_SALT)


def invitation_id_from_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=RSVP_SALT)["invitation"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def _event_context(event: Event) -> dict:
    return {
        "event": event,
        "starts": when(event.starts_at),
        "deadline": when(event.registration_deadline),
        "event_url": event_url(event),
        "site_name": settings.SITE_NAME,
    }


def _emails(recipients, *, subject: str, template: str, context: dict, kind: str) -> list[dict]:
    body = render_to_string(f"events/email/{template}.txt", context)
    return [
        {"to": to, "subject": subject, "body_text": body, "body_html": "", "kind": kind}
        for to in recipients
    ]


def member_emails(business) -> list[str]:
    """Addresses of the business's active members, in a stable order."""
    members = business.members.select_related("user").filter(user__is_active=True)
    return list(dict.fromkeys(m.user.email for m in members.order_by("pk") if m.user.email))


def registration_recipients(registration: Registration) -> list[str]:
    """The attendee, and the member who registered when that is someone else."""
    addresses = [registration.attendee_email]
    if registration.registered_by_id and registration.registered_by.email:
        addresses.append(registration.registered_by.email)
    return list(dict.fromkeys(a.strip().lower() for a in addresses if a))


def invitation_emails(*, invitation: Invitation) -> list[dict]:
    """The invitation, with the RSVP link, to every active member of the business."""
    event = invitation.event
    context = {
        **_event_context(event),
        "business": invitation.business,
        "reasons": invitation.reasons,
        "rsvp_url": rsvp_url(invitation_token(invitation)),
    }
    return _emails(
        member_emails(invitation.business),
        subject=f"You're invited: {event.title}, {when(event.starts_at)}",
        template="invitation",
        context=context,
        kind="event_invitation",
    )


def _registration_emails(registration: Registration, *, subject, template, kind) -> list[dict]:
    event = registration.event
    context = {
        **_event_context(event),
        "registration": registration,
        "business": registration.business,
        "tables": list(registration.wanted_tables.select_related("institution")),
        "registration_url": registration_url(registration),
    }
    return _emails(
        registration_recipients(registration),
        subject=subject,
        template=template,
        context=context,
        kind=kind,
    )


def registration_confirmed_emails(*, registration: Registration) -> list[dict]:
    return _registration_emails(
        registration,
        subject=f"Your place is confirmed: {registration.event.title}",
        template="registration_confirmed",
        kind="event_registration_confirmed",
    )


def registration_waitlisted_emails(*, registration: Registration) -> list[dict]:
    return _registration_emails(
        registration,
        subject=f"You're on the waitlist: {registration.event.title}",
        template="registration_waitlisted",
        kind="event_registration_waitlisted",
    )


def registration_promoted_emails(*, registration: Registration) -> list[dict]:
    return _registration_emails(
        registration,
        subject=f"A place has come up for you: {registration.event.title}",
        template="registration_promoted",
        kind="event_registration_promoted",
    )


def registration_cancelled_emails(*, registration: Registration) -> list[dict]:
    return _registration_emails(
        registration,
        subject=f"Registration cancelled: {registration.event.title}",
        template="registration_cancelled",
        kind="event_registration_cancelled",
    )


def event_cancelled_emails(*, registration: Registration) -> list[dict]:
    return _registration_emails(
        registration,
        subject=f"Event cancelled: {registration.event.title}",
        template="event_cancelled",
        kind="event_cancelled",
    )


def event_reminder_emails(*, registration: Registration) -> list[dict]:
    return _registration_emails(
        registration,
        subject=f"Reminder: {registration.event.title} is on {when(registration.event.starts_at)}",
        template="event_reminder",
        kind="event_reminder",
    )
