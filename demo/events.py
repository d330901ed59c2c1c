"""The demo's Meet the Buyer event, built on the institutions, lots and businesses before it.

One open event about three weeks out at a hall in Bordesley Green, with buyer tables for three
anchor institutions, an invite list generated from matches and focus sectors and sent, and
registrations that fill it: every place taken and one business on the waitlist, so cancelling
a place (as the featured business's owner) shows the waitlist promotion. Everything goes
through the services, so the audit trail and the outbox look as they would for real.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from anchors.models import Institution, Lot
from demo.businesses import FEATURED_BUSINESSES
from demo.context import COORDINATOR_EMAIL, Demo, Login
from events.models import Event
from events.services import (
    event_create,
    event_publish,
    invitations_send,
    invite_list_generate,
    registration_create,
    table_add,
)
from suppliers.models import Business

EVENT_TITLE = "Meet the Buyer: East Birmingham food, cleaning and repairs"
EVENT_DESCRIPTION = (
    "Short 1:1 meetings with the buyers of Birmingham City Council, University Hospitals "
    "Birmingham and the University of Birmingham about catering, cleaning and building repairs "
    "they are buying this year. For micro-enterprises, small businesses and social enterprises "
    "in East Birmingham: no experience of public contracts needed."
)
CAPACITY = 6
INVITE_LIMIT = 60

# (institution slug, table name, who sits there, CPV division of the lots it brings)
TABLES = (
    ("birmingham-city-council", "School meals and catering", "Priya Sharma, catering", "55"),
    (
        "university-hospitals-birmingham",
        "Cleaning and facilities",
        "Helen Murphy, facilities",
        "90",
    ),
    ("university-of-birmingham", "Estates and repairs", "Tom Reynolds, estates", "45"),
)
FOCUS_SECTORS = ("55000000", "90000000", "45000000")


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    local = timezone.localtime() + timedelta(days=days)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


def _build_event(coordinator) -> Event:
    institutions = {i.slug: i for i in Institution.objects.filter(slug__in=[t[0] for t in TABLES])}
    event = event_create(
        user=coordinator,
        title=EVENT_TITLE,
        description=EVENT_DESCRIPTION,
        starts_at=_at(24, 9, 30),
        ends_at=_at(24, 13, 30),
        capacity=CAPACITY,
        registration_deadline=_at(20, 17),
        venue_name="Bordesley Green community hall",
        venue_address="Bordesley Green, Birmingham",
        venue_postcode="B9 4AA",
        focus_sectors=FOCUS_SECTORS,
        first_slot_at=_at(24, 10),
        slot_minutes=15,
        slot_count=12,
        max_meetings_per_business=3,
    )
    for slug, name, buyers, division in TABLES:
        institution = institutions.get(slug)
        if institution is None:
            continue
        lots = Lot.objects.open().filter(
            contract__institution=institution, cpv_links__division=division
        )
        table_add(
            user=coordinator,
            event=event,
            institution=institution,
            name=name,
            buyers=buyers,
            lots=list(lots.distinct().order_by("pk")[:3]),
        )
    return event_publish(user=coordinator, event=event)


def _registrants(event: Event) -> list[Business]:
    """The featured business first, then the best of the invite list: one more than fits."""
    featured = Business.objects.filter(name=FEATURED_BUSINESSES[0][0].name).first()
    invited = [
        inv.business
        for inv in event.invitations.on_list().select_related("business")
        if inv.business_id != getattr(featured, "pk", None)
    ]
    chosen = ([featured] if featured else []) + invited
    return [b for b in chosen if b.members.exists()][: CAPACITY + 1]


def _register_all(event: Event, businesses: list[Business]) -> int:
    tables = list(event.tables.order_by("number"))
    for index, business in enumerate(businesses):
        owner = business.members.select_related("user").order_by("pk").first().user
        registration_create(
            user=owner,
            event=event,
            business=business,
            wanted_tables=[tables[index % len(tables)], tables[(index + 1) % len(tables)]],
            attendee_name=owner.full_name or business.name,
            attendee_email=owner.email,
        )
    return len(businesses)


def seed(demo: Demo) -> list[str]:
    """The event, unless it is there."""
    if Event.objects.filter(title=EVENT_TITLE).exists():
        return []
    coordinator = demo.coordinator
    event = _build_event(coordinator)
    invite_list_generate(user=coordinator, event=event, limit=INVITE_LIMIT)
    sent = invitations_send(user=coordinator, event=event)
    _register_all(event, _registrants(event))
    confirmed = event.registrations.confirmed().count()
    waiting = event.registrations.waitlisted().count()
    return [
        f"Created a Meet the Buyer event with {event.tables.count()} buyer tables, {sent} "
        f"invitations sent, {confirmed} confirmed places and {waiting} on the waitlist"
    ]


def logins() -> list[Login]:
    return [
        Login(
            "Coordinator (events)",
            COORDINATOR_EMAIL,
            f"Meet the Buyer events at /events/manage/; '{EVENT_TITLE}' is full, with a waitlist",
        )
    ]
