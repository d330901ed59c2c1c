"""What the Meet the Buyer pages say about an event, a registration and the buyer tables, in
GOV.UK style words ("Tuesday 12 May 2026, 9am to 1pm"); ready-made context for
``events.views`` and the templates' ``events/includes/`` partials.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from anchors.models import Lot
from events.models import Event, Registration


def clock(moment: datetime) -> str:
    """GOV.UK style times: 9am, 1:30pm, midday."""
    moment = timezone.localtime(moment)
    if moment.hour == 12 and moment.minute == 0:
        return "midday"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def day(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%A %-d %B %Y")


def when_words(event: Event) -> str:
    """Tuesday 12 May 2026, 9am to 1pm (both days when it runs overnight)."""
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    if start.date() == end.date():
        return f"{day(start)}, {clock(start)} to {clock(end)}"
    return f"{day(start)}, {clock(start)} to {day(end)}, {clock(end)}"


def moment_words(moment: datetime) -> str:
    return f"{clock(moment)} on {day(moment)}"


def place_words(event: Event) -> str:
    if event.is_online:
        return "Online"
    parts = [event.venue_name, event.venue_address.replace("\n", ", "), str(event.venue_postcode)]
    return ", ".join(part for part in parts if part)


def places_left(event: Event) -> int:
    confirmed = getattr(event, "confirmed_count", None)
    if confirmed is None:
        confirmed = event.registrations.confirmed().count()
    return max(event.capacity - confirmed, 0)


def event_summary(event: Event, now: datetime | None = None) -> dict:
    """What every page says about an event: when, where, status, places and deadline."""
    status = event.status_at(now)
    left = places_left(event)
    return {
        "event": event,
        "when": when_words(event),
        "place": place_words(event),
        "online": event.is_online,
        "status": status,
        "status_label": Event.Status(status).label,
        "is_open": status == Event.Status.OPEN,
        "places_left": left,
        "waitlist_only": left == 0,
        "deadline": moment_words(event.registration_deadline),
        "institutions": [institution.name for institution in event.institutions.all()],
    }


def table_rows(event: Event) -> list[dict]:
    """Each buyer table with its institution and the lots it will discuss (one query for the
    lots of every table; the selectors load the tables with their institutions)."""
    tables = list(event.tables.all())
    prefetch_related_objects(tables, Prefetch("lots", Lot.objects.order_by("title", "pk")))
    return [
        {"table": table, "institution": table.institution, "lots": list(table.lots.all())}
        for table in tables
    ]


def registration_row(registration: Registration) -> dict:
    return {
        "registration": registration,
        "event": registration.event,
        "business": registration.business,
        "when": when_words(registration.event),
        "standing": registration.get_status_display(),
    }


def table_options(field, event: Event) -> list[dict]:
    """The wanted-tables checkboxes, each with its institution and the lots it will discuss."""
    lots = {row["table"].pk: row["lots"] for row in table_rows(event)}
    return [
        {
            "id": option.id_for_label,
            "value": option.data["value"],
            "label": option.choice_label,
            "checked": option.data["selected"],
            "lots": lots.get(int(str(option.data["value"])), []),
        }
        for option in field.subwidgets
    ]


def waitlist_position(registration: Registration) -> int | None:
    """1 for the next business to be offered a place; None when not on the waitlist."""
    if registration.status != Registration.Status.WAITLISTED:
        return None
    queue = list(registration.event.registrations.waitlisted().values_list("pk", flat=True))
    return queue.index(registration.pk) + 1
