"""Reads for an event's outcome report and its printed schedules.

Definitions, in the words the outcome report uses:
- *Registered*: every business that signed up, counted once (a business that cancelled and
  signed up again is one business); the registration a business is counted by is its active
  one, else its latest. *Confirmed* holds a place now, *waitlisted* waits for one, *cancelled*
  gave its place up.
- *Attended* / *no-show*: the attendance recorded on the day, for registrations not cancelled
  (a waitlisted business let in on the day counts as attending).
- *The event's lots*: the lots linked to the event or to one of its buyer tables, and every lot
  of a participating institution (one named on the event or sitting at a table).
- *Registered interest*: a ``matching.Interest`` in one of the event's lots registered at or
  after the event's start, whatever the buyer did with it since (shortlisted, declined) and
  even if later withdrawn: the report measures what the event led businesses to do.
- *Awarded*: an ``anchors.Award`` to the business for one of the event's lots, awarded on or
  after the event's (local) start date. It does not require an interest first: an award
  counts as an outcome however it was reached.
The funnel (attended -> registered interest -> awarded) counts attendees only; the business
rows show the same figures for every registered business so no-shows can be compared.

Every selector here runs a fixed number of queries whatever the size of the event. Callers
check permissions before calling (these are reads for coordinators and the table's officers).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from anchors.models import Award, Institution, Lot
from events.models import BuyerTable, Event, Meeting, Registration
from matching.models import Interest
from suppliers.models import Business

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Funnel:
    registered: int
    confirmed: int
    waitlisted: int
    cancelled: int
    attended: int
    no_shows: int
    attendance_unknown: int  # not cancelled, nothing recorded on the day
    interested: int  # attendees who registered interest in the event's lots afterwards
    awarded: int  # attendees awarded one of the event's lots afterwards
    award_value: Decimal


@dataclass(frozen=True, slots=True)
class InstitutionOutcome:
    institution_id: int
    institution_name: str
    tables: int
    meetings: int
    businesses_met: int
    interested: int  # attendees with an interest in this institution's lots
    interests: int
    awarded: int  # attendees awarded one of this institution's lots
    awards: int
    award_value: Decimal


@dataclass(frozen=True, slots=True)
class BusinessOutcome:
    business: Business
    registration: Registration
    meetings: int
    interests: int
    awards: int
    award_value: Decimal

    @property
    def attended(self) -> bool:
        return self.registration.attendance == Registration.Attendance.ATTENDED


@dataclass(frozen=True, slots=True)
class OutcomeReport:
    event: Event
    funnel: Funnel
    institutions: list[InstitutionOutcome]
    businesses: list[BusinessOutcome]


@dataclass(frozen=True, slots=True)
class TableScheduleRow:
    slot: int  # 0-based, as stored
    number: int  # 1-based, as printed
    starts_at: datetime
    ends_at: datetime
    meeting: Meeting | None  # None: an empty slot
    wanted: bool  # the business asked to meet this table

    @property
    def business(self) -> Business | None:
        return self.meeting.registration.business if self.meeting else None

    @property
    def attendee_name(self) -> str:
        return self.meeting.registration.attendee_name if self.meeting else ""


@dataclass(frozen=True, slots=True)
class BusinessScheduleRow:
    slot: int
    number: int
    starts_at: datetime
    ends_at: datetime
    meeting: Meeting
    table: BuyerTable
    institution_name: str
    buyers: str
    wanted: bool


def participating_institutions(*, event: Event) -> QuerySet:
    """Institutions named on the event or sitting at one of its tables (ids, for subqueries)."""
    return (
        Institution.objects.filter(Q(events=event) | Q(event_tables__event=event))
        .values("pk")
        .distinct()
    )


def event_lots(*, event: Event) -> QuerySet:
    """Ids of the event's lots: linked to it or a table, or offered by a participating
    institution."""
    return Lot.objects.filter(
        Q(events=event)
        | Q(event_tables__event=event)
        | Q(contract__institution__in=participating_institutions(event=event))
    ).values("pk")


def _counted_registrations(event: Event) -> list[Registration]:
    """One registration per business: the active one, else the latest; by business name."""
    registrations = (
        Registration.objects.filter(event=event)
        .select_related("business")
        .annotate(meeting_count=Count("meetings"))
        .order_by("business__name", "business_id", "-created_at", "-pk")
    )
    chosen: dict[int, Registration] = {}
    for registration in registrations:
        current = chosen.get(registration.business_id)
        if current is None or (
            current.status == Registration.Status.CANCELLED
            and registration.status != Registration.Status.CANCELLED
        ):
            chosen[registration.business_id] = registration
    return list(chosen.values())


def _outcomes(event: Event, business_ids: list[int]):
    """(interests, awards) of these businesses in the event's lots since the event started."""
    lots = event_lots(event=event)
    interests = list(
        Interest.objects.filter(
            business_id__in=business_ids, lot_id__in=lots, registered_at__gte=event.starts_at
        ).values_list("business_id", "lot__contract__institution_id")
    )
    awards = list(
        Award.objects.filter(
            business_id__in=business_ids,
            lot_id__in=lots,
            awarded_on__gte=timezone.localdate(event.starts_at),
        ).values_list("business_id", "lot__contract__institution_id", "value")
    )
    return interests, awards


def _institution_rows(event, attendee_ids, interests, awards) -> list[InstitutionOutcome]:
    in_event = Q(event_tables__event=event)
    held = in_event & ~Q(event_tables__meetings__registration__status=Registration.Status.CANCELLED)
    institutions = Institution.objects.filter(
        Q(pk__in=participating_institutions(event=event))
        | Q(pk__in={i for b, i in interests if b in attendee_ids})
        | Q(pk__in={i for b, i, _v in awards if b in attendee_ids})
    ).annotate(
        table_count=Count("event_tables", filter=in_event, distinct=True),
        meeting_count=Count("event_tables__meetings", filter=held, distinct=True),
        businesses_met=Count(
            "event_tables__meetings__registration__business", filter=held, distinct=True
        ),
    )
    rows = []
    for institution in institutions.order_by("name", "pk"):
        mine = [b for b, i in interests if i == institution.pk and b in attendee_ids]
        won = [(b, v) for b, i, v in awards if i == institution.pk and b in attendee_ids]
        rows.append(
            InstitutionOutcome(
                institution_id=institution.pk,
                institution_name=institution.name,
                tables=institution.table_count,
                meetings=institution.meeting_count,
                businesses_met=institution.businesses_met,
                interested=len(set(mine)),
                interests=len(mine),
                awarded=len({b for b, _v in won}),
                awards=len(won),
                award_value=sum((v for _b, v in won), ZERO),
            )
        )
    return rows


def outcome_report(*, event: Event) -> OutcomeReport:
    """The event's funnel, per institution and per business (four queries)."""
    registrations = _counted_registrations(event)
    interests, awards = _outcomes(event, [r.business_id for r in registrations])
    interest_count: dict[int, int] = defaultdict(int)
    for business_id, _institution_id in interests:
        interest_count[business_id] += 1
    award_count: dict[int, int] = defaultdict(int)
    award_value: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for business_id, _institution_id, value in awards:
        award_count[business_id] += 1
        award_value[business_id] += value

    businesses = [
        BusinessOutcome(
            business=r.business,
            registration=r,
            meetings=r.meeting_count,
            interests=interest_count[r.business_id],
            awards=award_count[r.business_id],
            award_value=award_value[r.business_id],
        )
        for r in registrations
    ]
    by_status: dict[str, int] = defaultdict(int)
    by_attendance: dict[str, int] = defaultdict(int)
    for r in registrations:
        by_status[r.status] += 1
        if r.status != Registration.Status.CANCELLED:
            by_attendance[r.attendance] += 1
    attendees = {
        r.business_id
        for r in registrations
        if r.status != Registration.Status.CANCELLED
        and r.attendance == Registration.Attendance.ATTENDED
    }
    funnel = Funnel(
        registered=len(registrations),
        confirmed=by_status[Registration.Status.CONFIRMED],
        waitlisted=by_status[Registration.Status.WAITLISTED],
        cancelled=by_status[Registration.Status.CANCELLED],
        attended=len(attendees),
        no_shows=by_attendance[Registration.Attendance.NO_SHOW],
        attendance_unknown=by_attendance[Registration.Attendance.UNKNOWN],
        interested=len(attendees & {b for b, _i in interests}),
        awarded=len(attendees & {b for b, _i, _v in awards}),
        award_value=sum((v for b, _i, v in awards if b in attendees), ZERO),
    )
    return OutcomeReport(
        event=event,
        funnel=funnel,
        institutions=_institution_rows(event, attendees, interests, awards),
        businesses=businesses,
    )


def table_schedule(*, table: BuyerTable) -> list[TableScheduleRow]:
    """Every slot of the table in order, empty ones included (one query).

    Pass the table with its event loaded (``select_related("event")``) or reading it costs one
    more query. Meetings of cancelled registrations are left out: their slot shows empty.
    """
    event = table.event
    wanted = Registration.wanted_tables.through.objects.filter(
        registration_id=OuterRef("registration_id"), buyertable_id=table.pk
    )
    meetings = {
        meeting.slot: meeting
        for meeting in Meeting.objects.filter(table=table)
        .exclude(registration__status=Registration.Status.CANCELLED)
        .select_related("registration__business")
        .annotate(wanted=Exists(wanted))
    }
    return [
        TableScheduleRow(
            slot=slot,
            number=slot + 1,
            starts_at=event.slot_starts_at(slot),
            ends_at=event.slot_ends_at(slot),
            meeting=meetings.get(slot),
            wanted=bool(meetings.get(slot) and meetings[slot].wanted),
        )
        for slot in range(event.slot_count)
    ]


def business_schedule(*, registration: Registration) -> list[BusinessScheduleRow]:
    """The registration's meetings in time order, with table and institution (one query).

    A cancelled registration has no schedule (an empty list, without a query).
    """
    if registration.status == Registration.Status.CANCELLED:
        return []
    wanted = Registration.wanted_tables.through.objects.filter(
        registration_id=registration.pk, buyertable_id=OuterRef("table_id")
    )
    meetings = (
        Meeting.objects.filter(registration=registration)
        .select_related("event", "table__institution")
        .annotate(wanted=Exists(wanted))
        .order_by("slot")
    )
    return [
        BusinessScheduleRow(
            slot=meeting.slot,
            number=meeting.slot + 1,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            meeting=meeting,
            table=meeting.table,
            institution_name=meeting.table.institution.name,
            buyers=meeting.table.buyers,
            wanted=meeting.wanted,
        )
        for meeting in meetings
    ]
