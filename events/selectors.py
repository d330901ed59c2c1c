"""Reads for Meet the Buyer pages: event lists, one event, the invite list and its candidates,
registrations, the check-in list.

Every list selector fixes its joins, so its query count does not grow with the rows;
``tests/events/test_selectors.py`` pins them. Counts shown beside an event are correlated
subqueries (not joins), so several of them never multiply each other's rows. A ``*_get_*``
selector raises ``DoesNotExist`` (a 404) for rows the user may not see.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.roles import Role, ensure_role
from anchors.models import Lot
from events.models import BuyerTable, Event, Invitation, Meeting, Registration
from matching.models import Match
from places.models import NamedAreaDistrict
from sectors import cpv
from suppliers.models import Business, BusinessSector
from suppliers.selectors import businesses_of_member


def _count(queryset: QuerySet) -> Coalesce:
    """The number of rows of ``queryset`` (filtered on ``event=OuterRef("pk")``) per event."""
    counted = queryset.order_by().values("event").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _with_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    """``confirmed_count``, ``waitlisted_count`` and ``table_count`` on each event."""
    registrations = Registration.objects.filter(event=OuterRef("pk"))
    return events.annotate(
        confirmed_count=_count(registrations.filter(status=Registration.Status.CONFIRMED)),
        waitlisted_count=_count(registrations.filter(status=Registration.Status.WAITLISTED)),
        table_count=_count(BuyerTable.objects.filter(event=OuterRef("pk"))),
    )


def events_public(*, now=None) -> QuerySet[Event]:
    """Published events that have not ended, soonest first, with their institutions and counts
    (cancelled ones are left out). Two queries."""
    events = Event.objects.upcoming(now=now or timezone.now()).select_related("target_area")
    return _with_counts(events).prefetch_related("institutions")


def events_for_coordinator() -> QuerySet[Event]:
    """Every event, newest first, with its counts (invited too); one query."""
    invitations = Invitation.objects.filter(event=OuterRef("pk"), removed_at__isnull=True)
    return (
        _with_counts(Event.objects.select_related("target_area"))
        .annotate(
            invitation_count=_count(invitations),
            invited_count=_count(invitations.exclude(status=Invitation.Status.PROPOSED)),
        )
        .order_by("-starts_at", "pk")
    )


def _event_detail(events: QuerySet[Event]) -> QuerySet[Event]:
    tables = BuyerTable.objects.select_related("institution").order_by("number")
    return _with_counts(events.select_related("target_area")).prefetch_related(
        Prefetch("tables", tables), "institutions", "focus_sectors"
    )


def event_get_public(*, pk: int) -> Event:
    """A published event (cancelled ones too: emails link to them) with its tables, institutions,
    focus sectors and counts. Four queries; ``Event.DoesNotExist`` for a draft."""
    return _event_detail(Event.objects.filter(published_at__isnull=False)).get(pk=pk)


def event_get_for_coordinator(*, user, pk: int) -> Event:
    """Any event, for a coordinator, with tables (and their lots), institutions, focus sectors,
    linked lots and counts. Six queries."""
    ensure_role(user, Role.COORDINATOR)
    lots = Lot.objects.select_related("contract__institution")
    return (
        _event_detail(Event.objects.all())
        .prefetch_related(Prefetch("lots", lots), Prefetch("tables__lots", lots))
        .get(pk=pk)
    )


# --- The invite list ------------------------------------------------------------------------


@dataclass
class InviteCandidate:
    """A business worth inviting, why (in words), and the facts it is ranked by."""

    business: Business
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    match_count: int = 0
    in_area: bool = False

    @property
    def is_priority(self) -> bool:
        """Micro-enterprises and VCSEs go first: the network's aim is to reach them."""
        return self.business.size_class == Business.SizeClass.MICRO or self.business.is_vcse

    def sort_key(self):
        return (not self.is_priority, -self.score, not self.in_area, self.business.name.lower())


def _event_lots(event: Event) -> QuerySet[Lot]:
    """The participating institutions' open lots and the lots linked to the event."""
    open_lots = Lot.objects.open().filter(contract__institution__in=event.institutions.values("pk"))
    return Lot.objects.published().filter(
        Q(pk__in=open_lots.values("pk")) | Q(pk__in=event.lots.values("pk"))
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def invite_candidates(*, event: Event, limit: int = 200) -> list[InviteCandidate]:
    """The businesses to invite, best first, each with its reasons in plain English.

    Candidates are active businesses with a complete profile that either match the
    participating institutions' open lots (or the event's linked lots), or work in one of the
    event's focus sectors (by CPV prefix) and are based in the target area. Ranked:
    micro-enterprises and VCSEs first, then the best match score, then those in the target area.
    Five queries at most, whatever the number of matches.
    """
    districts = {
        code: (fringe, name)
        for code, fringe, name in NamedAreaDistrict.objects.filter(
            area_id=event.target_area_id
        ).values_list("district_code", "is_fringe", "area__name")
    }
    found: dict[int, dict] = defaultdict(
        lambda: {"score": 0.0, "institutions": Counter(), "sector": None}
    )
    matches = Match.objects.current().filter(lot__in=_event_lots(event), business__is_active=True)
    for business_id, score, institution in matches.values_list(
        "business_id", "score", "lot__contract__institution__name"
    ):
        row = found[business_id]
        row["score"] = max(row["score"], score)
        row["institutions"][institution] += 1
    for business_id, code, label in _focus_sector_links(event, districts):
        found[business_id]["sector"] = found[business_id]["sector"] or (code, label)
    businesses = Business.objects.active().complete().filter(pk__in=list(found))
    candidates = [_candidate(b, found[b.pk], districts) for b in businesses]
    candidates.sort(key=InviteCandidate.sort_key)
    return candidates[:limit]


def _focus_sector_links(event: Event, districts: dict) -> list[tuple[int, str, str]]:
    """(business, code, label) for businesses in the target area working in a focus sector."""
    prefixes = {
        cpv.significant_prefix(code) for code in event.focus_sectors.values_list("code", flat=True)
    }
    if not prefixes:
        return []
    in_sector = Q()
    for prefix in sorted(prefixes):
        in_sector |= Q(cpv_code__code__startswith=prefix)
    links = BusinessSector.objects.filter(in_sector, business__is_active=True)
    if event.target_area_id:
        links = links.filter(business__district__in=list(districts))
    return list(
        links.order_by("business_id", "cpv_code_id").values_list(
            "business_id", "cpv_code_id", "cpv_code__label"
        )
    )


def _candidate(business: Business, row: dict, districts: dict) -> InviteCandidate:
    reasons = [
        f"Matches {_plural(count, 'open lot')} from {institution}"
        for institution, count in sorted(row["institutions"].items(), key=lambda i: (-i[1], i[0]))
    ]
    if row["sector"]:
        code, label = row["sector"]
        reasons.append(f"Works in {label} ({code}), a focus sector of this event")
    if business.size_class == Business.SizeClass.MICRO:
        reasons.append("Micro-enterprise")
    if business.is_vcse:
        reasons.append("Voluntary, community or social enterprise (VCSE)")
    area = districts.get(business.district)
    if area:
        fringe, name = area
        reasons.append(f"Based in {business.district}, {'partly in ' if fringe else ''}{name}")
    return InviteCandidate(
        business=business,
        score=row["score"],
        reasons=reasons,
        match_count=sum(row["institutions"].values()),
        in_area=area is not None,
    )


def invite_list(*, event: Event) -> QuerySet[Invitation]:
    """The invitations not removed, best ranked first, with their businesses; one query."""
    return Invitation.objects.on_list().filter(event=event).select_related("business")


# --- Registrations --------------------------------------------------------------------------

_STATUS_ORDER = Case(
    When(status=Registration.Status.CONFIRMED, then=Value(0)),
    When(status=Registration.Status.WAITLISTED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def event_registrations(*, event: Event) -> QuerySet[Registration]:
    """Confirmed first (in the order they registered), then the waitlist in the order places
    are offered, then cancelled ones; with business and wanted tables. Two queries."""
    return (
        Registration.objects.filter(event=event)
        .select_related("business", "registered_by")
        .prefetch_related(Prefetch("wanted_tables", BuyerTable.objects.order_by("number")))
        .annotate(status_order=_STATUS_ORDER)
        .order_by("status_order", "waitlisted_at", "created_at", "pk")
    )


def _member_registrations(user) -> QuerySet[Registration]:
    return Registration.objects.filter(business__in=businesses_of_member(user=user).values("pk"))


def registrations_for_user(*, user) -> QuerySet[Registration]:
    """Registrations of every business the user belongs to, soonest event first, with the
    event, business and wanted tables. Two queries."""
    return (
        _member_registrations(user)
        .select_related("event", "business")
        .prefetch_related(Prefetch("wanted_tables", BuyerTable.objects.order_by("number")))
        .order_by("event__starts_at", "pk")
    )


def registration_get_for_user(*, user, pk: int) -> Registration:
    """One registration of a business the user belongs to, with its event, wanted tables and
    meetings (by slot). Three queries; ``Registration.DoesNotExist`` for anyone else's."""
    tables = BuyerTable.objects.select_related("institution").order_by("number")
    meetings = Meeting.objects.select_related("event", "table__institution").order_by("slot")
    return (
        _member_registrations(user)
        .select_related("event", "business")
        .prefetch_related(Prefetch("wanted_tables", tables), Prefetch("meetings", meetings))
        .get(pk=pk)
    )


def checkin_list(*, event: Event) -> QuerySet[Registration]:
    """The confirmed businesses by name, for the door on the day; one query."""
    return (
        Registration.objects.confirmed()
        .filter(event=event)
        .select_related("business")
        .order_by("business__name", "pk")
    )


# --- The 1:1 schedule grid (the scheduler's selector; the solver is events/scheduling.py) ----


@dataclass
class ScheduleSlot:
    """A column of the grid: one meeting slot."""

    index: int  # 0-based, as stored on ``Meeting.slot``
    number: int  # 1-based, as people count
    starts_at: datetime
    ends_at: datetime


@dataclass
class ScheduleRow:
    """A table's meetings, one cell per slot (``None`` where the table is free)."""

    table: BuyerTable
    cells: list[Meeting | None]

    @property
    def meeting_count(self) -> int:
        return sum(cell is not None for cell in self.cells)


@dataclass
class ScheduleGrid:
    """The schedule as rows per table and columns per slot, with who is left out.

    ``unscheduled`` are confirmed registrations without a meeting; ``outside_slots`` are
    meetings in a slot the event no longer has (its slots were cut after generating)."""

    slots: list[ScheduleSlot]
    rows: list[ScheduleRow]
    unscheduled: list[Registration]
    outside_slots: list[Meeting]

    @property
    def meeting_count(self) -> int:
        return sum(row.meeting_count for row in self.rows) + len(self.outside_slots)

    @property
    def pinned_count(self) -> int:
        cells = [cell for row in self.rows for cell in row.cells if cell is not None]
        return sum(meeting.pinned for meeting in [*cells, *self.outside_slots])


def schedule_grid(*, event: Event) -> ScheduleGrid:
    """The event's 1:1 schedule: a row per table (by number), a cell per slot, each meeting with
    its business and table, and the confirmed businesses without a meeting. Three queries."""
    tables = list(event.tables.select_related("institution").order_by("number"))
    rows = {table.pk: ScheduleRow(table, [None] * event.slot_count) for table in tables}
    outside: list[Meeting] = []
    meetings = Meeting.objects.filter(event=event).select_related("registration__business")
    for meeting in meetings.order_by("slot", "pk"):
        row = rows[meeting.table_id]
        meeting.event, meeting.table = event, row.table  # no query per meeting for times
        if meeting.slot < event.slot_count:
            row.cells[meeting.slot] = meeting
        else:
            outside.append(meeting)
    unscheduled = list(
        Registration.objects.confirmed()
        .filter(event=event)
        .exclude(pk__in=Meeting.objects.filter(event=event).values("registration_id"))
        .select_related("business")
        .order_by("business__name", "pk")
    )
    slots = [
        ScheduleSlot(s, s + 1, event.slot_starts_at(s), event.slot_ends_at(s))
        for s in range(event.slot_count)
    ]
    return ScheduleGrid(slots, list(rows.values()), unscheduled, outside)
