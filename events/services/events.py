"""Writes to an event and its buyer tables, and its lifecycle: publish, close, cancel (the
daily reminders live in ``events.services.reminders``).

Coordinators only (``accounts.roles``). Status is derived from stored facts (``Event.status_at``);
each transition below is the one place that sets its fact and refuses the moves that make no
sense (publishing a cancelled event, cancelling one twice).
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from anchors.models import Institution, Lot
from anchors.services.common import cpv_codes_from, snapshot
from core.exceptions import ApplicationError
from core.services import audit_event_record, email_queue
from events import notifications
from events.models import BuyerTable, Event
from events.services.common import ensure_changeable, ensure_coordinator, lock_event
from events.services.registrations import promote_from_waitlist
from places.areas import EAST_BIRMINGHAM_SLUG
from places.models import NamedArea
from sectors.models import CpvCode

EVENT_FIELDS = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "capacity",
    "registration_deadline",
    "venue_name",
    "venue_address",
    "venue_postcode",
    "online_url",
    "target_area",
    "first_slot_at",
    "slot_minutes",
    "slot_count",
    "max_meetings_per_business",
)
EVENT_RELATIONS = ("institutions", "focus_sectors", "lots")
TABLE_FIELDS = ("name", "buyers")


def default_target_area() -> NamedArea | None:
    """East Birmingham, the network's own area (a data migration creates it)."""
    return NamedArea.objects.filter(slug=EAST_BIRMINGHAM_SLUG).first()


def _focus_sectors(values: Iterable) -> list[CpvCode]:
    """CPV rows from rows or codes as typed ("55000000", "55520000-4")."""
    values = list(values)
    rows = [v for v in values if isinstance(v, CpvCode)]
    codes = [v for v in values if not isinstance(v, CpvCode)]
    return rows + (cpv_codes_from(codes, field="focus_sectors") if codes else [])


def _set_relations(event: Event, relations: dict) -> None:
    if "institutions" in relations:
        event.institutions.set(relations["institutions"])
    if "focus_sectors" in relations:
        event.focus_sectors.set(_focus_sectors(relations["focus_sectors"]))
    if "lots" in relations:
        event.lots.set(relations["lots"])


def _audit_fields(event: Event) -> dict:
    return snapshot(event, EVENT_FIELDS)


@transaction.atomic
def event_create(
    *,
    user,
    title: str,
    description: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    registration_deadline: datetime,
    venue_name: str = "",
    venue_address: str = "",
    venue_postcode: str = "",
    online_url: str = "",
    institutions: Iterable[Institution] = (),
    focus_sectors: Iterable = (),
    lots: Iterable[Lot] = (),
    target_area: NamedArea | None = None,
    first_slot_at: datetime | None = None,
    slot_minutes: int = 15,
    slot_count: int = 16,
    max_meetings_per_business: int = 3,
) -> Event:
    """A draft event; its invite list favours East Birmingham unless another area is given."""
    ensure_coordinator(user)
    event = Event(
        title=title.strip(),
        description=description.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        registration_deadline=registration_deadline,
        venue_name=venue_name.strip(),
        venue_address=venue_address.strip(),
        venue_postcode=venue_postcode,
        online_url=online_url.strip(),
        target_area=target_area or default_target_area(),
        first_slot_at=first_slot_at,
        slot_minutes=slot_minutes,
        slot_count=slot_count,
        max_meetings_per_business=max_meetings_per_business,
        created_by=user,
    )
    event.full_clean()
    event.save()
    _set_relations(
        event, {"institutions": institutions, "focus_sectors": focus_sectors, "lots": lots}
    )
    audit_event_record(
        actor=user, verb="event.created", target=event, summary={"after": _audit_fields(event)}
    )
    return event


@transaction.atomic
def event_update(*, user, event: Event, **fields) -> Event:
    """Change an event's details. The capacity cannot drop below the places already confirmed;
    raising it offers the new places to the waitlist, first come first served."""
    ensure_coordinator(user)
    unknown = set(fields) - set(EVENT_FIELDS) - set(EVENT_RELATIONS)
    if unknown:
        raise ValidationError(
            f"These event fields cannot be changed here: {', '.join(sorted(unknown))}."
        )
    event = lock_event(event)
    ensure_changeable(event, "change it")
    before = _audit_fields(event)
    relations = {name: fields.pop(name) for name in EVENT_RELATIONS if name in fields}
    for name, value in fields.items():
        setattr(event, name, value.strip() if isinstance(value, str) else value)
    if "target_area" in fields and fields["target_area"] is None:
        event.target_area = default_target_area()
    confirmed = event.registrations.confirmed().count()
    if event.capacity is not None and event.capacity < confirmed:
        raise ValidationError(
            {
                "capacity": f"{confirmed} businesses already have a confirmed place, so the "
                f"capacity cannot be lower than {confirmed}."
            }
        )
    event.full_clean()
    event.save()
    _set_relations(event, relations)
    promoted = promote_from_waitlist(event) if event.starts_at > timezone.now() else []
    audit_event_record(
        actor=user,
        verb="event.updated",
        target=event,
        summary={
            "before": before,
            "after": _audit_fields(event),
            "relations": sorted(relations),
            "promoted": [r.pk for r in promoted],
        },
    )
    return event


@transaction.atomic
def event_publish(*, user, event: Event) -> Event:
    """Open the event for registration: it needs a buyer table and a start in the future."""
    ensure_coordinator(user)
    event = lock_event(event)
    now = timezone.now()
    if event.cancelled_at:
        raise ApplicationError("This event has been cancelled, so it cannot be published.")
    if event.published_at:
        raise ApplicationError("This event is already published.")
    if not event.tables.exists():
        raise ApplicationError(
            "Add at least one buyer table before publishing: businesses choose which buyers "
            "they want to meet."
        )
    if event.starts_at <= now:
        raise ApplicationError(
            "This event's start is in the past: move it into the future before publishing."
        )
    if event.registration_deadline <= now:
        raise ApplicationError(
            "The registration deadline has passed: move it into the future before publishing, "
            "so businesses can register."
        )
    event.published_at = now
    event.save(update_fields=["published_at", "updated_at"])
    audit_event_record(actor=user, verb="event.published", target=event)
    return event


@transaction.atomic
def event_close_registration(*, user, event: Event) -> Event:
    """Stop taking registrations before the deadline (the waitlist is kept)."""
    ensure_coordinator(user)
    event = lock_event(event)
    ensure_changeable(event, "close its registration")
    if not event.published_at:
        raise ApplicationError("This event is not published yet, so registration is not open.")
    if event.registration_closed_at or event.registration_deadline <= timezone.now():
        raise ApplicationError("Registration for this event is already closed.")
    event.registration_closed_at = timezone.now()
    event.save(update_fields=["registration_closed_at", "updated_at"])
    audit_event_record(actor=user, verb="event.registration_closed", target=event)
    return event


@transaction.atomic
def event_cancel(*, user, event: Event, reason: str) -> Event:
    """Cancel the event and tell every business with a place or on the waitlist, and why.

    Registrations keep their status (the record of who was coming); the event's status says
    it is cancelled, and nobody can register, cancel or be promoted any more.
    """
    ensure_coordinator(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": "Say why the event is cancelled: every business registered will read it."}
        )
    event = lock_event(event)
    ensure_changeable(event, "cancel it")
    event.cancelled_at = timezone.now()
    event.cancel_reason = reason
    event.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    registrations = event.registrations.active().select_related(
        "event", "business", "registered_by"
    )
    told = 0
    for registration in registrations:
        for email in notifications.event_cancelled_emails(registration=registration):
            email_queue(**email)
            told += 1
    audit_event_record(
        actor=user,
        verb="event.cancelled",
        target=event,
        summary={"reason": reason, "emails": told},
    )
    return event


# --- Buyer tables ---------------------------------------------------------------------------


def _check_table_lots(institution: Institution, lots: list[Lot]) -> None:
    foreign = [lot for lot in lots if lot.contract.institution_id != institution.pk]
    if foreign:
        titles = ", ".join(f'"{lot.title}"' for lot in foreign)
        raise ValidationError(
            {"lots": f"A table only discusses {institution.name}'s lots, not {titles}."}
        )


@transaction.atomic
def table_add(
    *, user, event: Event, institution: Institution, name: str, buyers: str = "", lots=()
) -> BuyerTable:
    """A buyer table, numbered after the last; its institution joins the event if it had not."""
    ensure_coordinator(user)
    event = lock_event(event)
    ensure_changeable(event, "add a buyer table")
    lots = list(Lot.objects.filter(pk__in=[lot.pk for lot in lots]).select_related("contract"))
    _check_table_lots(institution, lots)
    number = (event.tables.aggregate(top=Max("number"))["top"] or 0) + 1
    table = BuyerTable(
        event=event, institution=institution, number=number, name=name.strip(), buyers=buyers
    )
    table.full_clean()
    table.save()
    table.lots.set(lots)
    event.institutions.add(institution)
    audit_event_record(
        actor=user,
        verb="event.table_added",
        target=event,
        summary={"table": table.pk, "number": number, "institution": institution.pk},
    )
    return table


@transaction.atomic
def table_update(*, user, table: BuyerTable, **fields) -> BuyerTable:
    """Rename a table, change who sits at it, or which of its institution's lots it covers."""
    ensure_coordinator(user)
    unknown = set(fields) - set(TABLE_FIELDS) - {"lots"}
    if unknown:
        raise ValidationError(
            f"These table fields cannot be changed here: {', '.join(sorted(unknown))}."
        )
    event = lock_event(table.event)
    ensure_changeable(event, "change its buyer tables")
    table = BuyerTable.objects.select_related("institution").get(pk=table.pk)
    before = snapshot(table, TABLE_FIELDS)
    lots = fields.pop("lots", None)
    for name, value in fields.items():
        setattr(table, name, value.strip() if isinstance(value, str) else value)
    table.full_clean()
    table.save()
    if lots is not None:
        lots = list(Lot.objects.filter(pk__in=[lot.pk for lot in lots]).select_related("contract"))
        _check_table_lots(table.institution, lots)
        table.lots.set(lots)
    audit_event_record(
        actor=user,
        verb="event.table_updated",
        target=event,
        summary={"table": table.pk, "before": before, "after": snapshot(table, TABLE_FIELDS)},
    )
    return table


@transaction.atomic
def table_remove(*, user, table: BuyerTable) -> None:
    """Remove a table; its meetings go with it (re-run the schedule to fill the gaps)."""
    ensure_coordinator(user)
    event = lock_event(table.event)
    ensure_changeable(event, "remove a buyer table")
    if event.published_at and event.tables.count() == 1:
        raise ApplicationError(
            "A published event needs at least one buyer table: add another before removing "
            "this one."
        )
    meetings = table.meetings.count()
    summary = {"table": table.pk, "name": table.name, "meetings_removed": meetings}
    table.delete()
    audit_event_record(actor=user, verb="event.table_removed", target=event, summary=summary)
