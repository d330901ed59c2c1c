"""The 1:1 meeting schedule: generate it, adjust single meetings, send it to the businesses.

Generating loads the confirmed registrations, the tables, what each business asked for, the
match scores and the pinned meetings; hands them to the pure solver (``events.scheduling``,
which documents the method); and replaces every unpinned meeting in one transaction, so a
refused request changes nothing. Pinned meetings (pinned by hand, or moved by a coordinator)
are kept exactly where they are on every re-run. Only network coordinators touch the schedule.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from anchors.models import Lot
from core.exceptions import ApplicationError
from core.services import audit_event_record, email_queue
from events import notifications
from events.models import BuyerTable, Event, Meeting, Registration
from events.scheduling import (
    BusinessSpec,
    PinnedMeeting,
    ScheduleInfeasible,
    ScheduleRequest,
    TableSpec,
    schedule_solve,
)
from events.services.common import ensure_changeable, ensure_coordinator, lock_event, when
from matching.models import Match

# Overridable in settings.EVENTS; the solver proves the benchmark size optimal in under a
# second, so the limit only matters for far larger events.
SCHEDULE_TIME_LIMIT_SECONDS = 10.0
SCHEDULE_SOLVER_WORKERS = 1
SCHEDULE_SOLVER_SEED = 0


@dataclass(frozen=True)
class Unscheduled:
    """A business with a confirmed place that has no meeting, and why."""

    registration_id: int
    business_name: str
    reason: str


@dataclass(frozen=True)
class ScheduleOutcome:
    placed: int  # meetings in the schedule now, pinned ones included
    pinned: int  # of which kept where a coordinator pinned them
    businesses_served: int
    unserved: tuple[Unscheduled, ...]
    status: str  # OPTIMAL (proved best) or FEASIBLE (good, not proved best)
    seconds: float
    shortage: str = ""  # what to change so that every business gets a meeting
    wanted_share: float = 0.0  # share of meetings at a table the business asked for


def _option(name: str, default):
    return getattr(settings, "EVENTS", {}).get(name, default)


@transaction.atomic
def schedule_generate(*, user, event: Event) -> ScheduleOutcome:
    """Generate (or re-generate) the schedule, keeping pinned meetings where they are.

    Raises ``ApplicationError`` saying what to change when it cannot be done: nobody confirmed,
    no tables, or pinned meetings that cannot all hold. When there are fewer free table-slots
    than businesses without a meeting, the schedule is still made and the outcome names the
    businesses left out and what would make room (``shortage``).
    """
    ensure_coordinator(user)
    event = lock_event(event)
    ensure_changeable(event, "generate its schedule")
    registrations = list(
        event.registrations.confirmed()
        .select_related("business")
        .prefetch_related("wanted_tables")
        .order_by("confirmed_at", "pk")
    )
    tables = list(event.tables.select_related("institution").prefetch_related("lots"))
    pins = list(
        event.meetings.filter(pinned=True, registration__status=Registration.Status.CONFIRMED)
    )
    request = _request(event, registrations, tables, pins)
    try:
        result = schedule_solve(request)
    except ScheduleInfeasible as exc:
        raise ApplicationError(exc.message) from exc

    removed, _ = event.meetings.exclude(pk__in=[m.pk for m in pins]).delete()
    meetings = [
        Meeting(
            event=event,
            table_id=placed.table,
            registration_id=placed.business,
            slot=placed.slot,
            score=placed.score,
        )
        for placed in result.meetings
        if not placed.pinned
    ]
    for meeting in meetings:  # the database's unique constraints guard the rest
        meeting.full_clean(validate_unique=False, validate_constraints=False)
    Meeting.objects.bulk_create(meetings)
    event.schedule_generated_at = timezone.now()
    event.save(update_fields=["schedule_generated_at", "updated_at"])

    names = {r.pk: r.business.name for r in registrations}
    outcome = ScheduleOutcome(
        placed=len(result.meetings),
        pinned=len(pins),
        businesses_served=result.businesses_served,
        unserved=tuple(
            Unscheduled(u.business, names[u.business], u.reason) for u in result.unserved
        ),
        status=result.status,
        seconds=result.seconds,
        shortage=result.shortage,
        wanted_share=result.wanted_share,
    )
    audit_event_record(
        actor=user,
        verb="event.schedule_generated",
        target=event,
        summary={
            "meetings": outcome.placed,
            "pinned": outcome.pinned,
            "replaced": removed,
            "unserved": [u.registration_id for u in outcome.unserved],
            "status": outcome.status,
            "seconds": round(outcome.seconds, 3),
        },
    )
    return outcome


def _request(event, registrations, tables, pins) -> ScheduleRequest:
    scores = _match_scores(tables, registrations)
    return ScheduleRequest(
        businesses=tuple(
            BusinessSpec(
                key=r.pk,
                name=r.business.name,
                wanted=frozenset(t.pk for t in r.wanted_tables.all()),
                scores=scores.get(r.pk, {}),
            )
            for r in registrations
        ),
        tables=tuple(TableSpec(key=t.pk, name=f"table {t.number} ({t.name})") for t in tables),
        slot_count=event.slot_count,
        max_meetings=event.max_meetings_per_business,
        pinned=tuple(PinnedMeeting(m.registration_id, m.table_id, m.slot) for m in pins),
        time_limit_s=float(_option("SCHEDULE_TIME_LIMIT_SECONDS", SCHEDULE_TIME_LIMIT_SECONDS)),
        workers=int(_option("SCHEDULE_SOLVER_WORKERS", SCHEDULE_SOLVER_WORKERS)),
        seed=int(_option("SCHEDULE_SOLVER_SEED", SCHEDULE_SOLVER_SEED)),
    )


def _match_scores(tables, registrations) -> dict[int, dict[int, float]]:
    """registration -> table -> the business's best current match score among the table's lots,
    or, for a table without lots, among its institution's open lots. Two queries."""
    lots_of_table = {t.pk: {lot.pk for lot in t.lots.all()} for t in tables}
    bare = {t.institution_id for t in tables if not lots_of_table[t.pk]}
    open_lots: dict[int, set[int]] = defaultdict(set)
    if bare:
        rows = Lot.objects.open().filter(contract__institution__in=bare)
        for lot, institution in rows.values_list("pk", "contract__institution_id"):
            open_lots[institution].add(lot)
    for table in tables:
        lots_of_table[table.pk] = lots_of_table[table.pk] or open_lots[table.institution_id]
    tables_of_lot: dict[int, list[int]] = defaultdict(list)
    for table, lots in lots_of_table.items():
        for lot in lots:
            tables_of_lot[lot].append(table)
    registration_of = {r.business_id: r.pk for r in registrations}
    if not tables_of_lot or not registration_of:
        return {}
    matches = Match.objects.current().filter(
        business__in=list(registration_of), lot__in=list(tables_of_lot)
    )
    scores: dict[int, dict[int, float]] = defaultdict(dict)
    for business, lot, score in matches.values_list("business_id", "lot_id", "score"):
        best = scores[registration_of[business]]
        for table in tables_of_lot[lot]:
            best[table] = max(best.get(table, 0.0), score)
    return scores


# --- One meeting at a time --------------------------------------------------------------------


def _locked_meeting(user, meeting: Meeting, action: str) -> Meeting:
    ensure_coordinator(user)
    event = lock_event(meeting.event)
    ensure_changeable(event, action)
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("table", "registration__business")
        .get(pk=meeting.pk)
    )
    meeting.event = event
    return meeting


def _set_pinned(user, meeting: Meeting, pinned: bool, verb: str) -> Meeting:
    meeting = _locked_meeting(user, meeting, "change its schedule")
    before = meeting.pinned
    meeting.pinned = pinned
    meeting.full_clean()
    meeting.save(update_fields=["pinned", "updated_at"])
    audit_event_record(
        actor=user,
        verb=verb,
        target=meeting,
        summary={"before": {"pinned": before}, "after": {"pinned": pinned}},
    )
    return meeting


@transaction.atomic
def meeting_pin(*, user, meeting: Meeting) -> Meeting:
    """Keep the meeting where it is when the schedule is generated again."""
    return _set_pinned(user, meeting, True, "event.meeting_pinned")


@transaction.atomic
def meeting_unpin(*, user, meeting: Meeting) -> Meeting:
    """Let the next generation move or drop the meeting."""
    return _set_pinned(user, meeting, False, "event.meeting_unpinned")


def _slot_words(event: Event, slot: int) -> str:
    return f"slot {slot + 1} ({timezone.localtime(event.slot_starts_at(slot)):%H:%M})"


@transaction.atomic
def meeting_move(*, user, meeting: Meeting, table: BuyerTable, slot: int) -> Meeting:
    """Move the meeting to ``table`` in ``slot`` (0-based) and pin it there.

    Refused, saying what is in the way, when the table or slot is not this event's, or when the
    table or the business already has a meeting then, or the business already meets that table.
    """
    meeting = _locked_meeting(user, meeting, "change its schedule")
    event = meeting.event
    if table.event_id != event.pk:
        raise ValidationError({"table": "Choose one of this event's buyer tables."})
    if isinstance(slot, bool) or not isinstance(slot, int) or not 0 <= slot < event.slot_count:
        raise ValidationError({"slot": f"Choose a slot from 1 to {event.slot_count}."})
    others = Meeting.objects.filter(event=event).exclude(pk=meeting.pk)
    others = others.select_related("table", "registration__business")
    business = meeting.registration.business.name
    at_table = others.filter(table=table, slot=slot).first()
    if at_table:
        raise ApplicationError(
            f"Table {table.number} already meets {at_table.registration.business.name} in "
            f"{_slot_words(event, slot)}: move or remove that meeting first, or choose another "
            "slot."
        )
    same_time = others.filter(registration=meeting.registration, slot=slot).first()
    if same_time:
        raise ApplicationError(
            f"{business} already meets table {same_time.table.number} in "
            f"{_slot_words(event, slot)}: choose another slot."
        )
    again = others.filter(registration=meeting.registration, table=table).first()
    if again:
        raise ApplicationError(
            f"{business} already meets table {table.number} in "
            f"{_slot_words(event, again.slot)}: a business meets each table once."
        )
    before = {"table": meeting.table_id, "slot": meeting.slot, "pinned": meeting.pinned}
    meeting.table, meeting.slot, meeting.pinned = table, slot, True
    meeting.full_clean()
    meeting.save(update_fields=["table", "slot", "pinned", "updated_at"])
    audit_event_record(
        actor=user,
        verb="event.meeting_moved",
        target=meeting,
        summary={"before": before, "after": {"table": table.pk, "slot": slot, "pinned": True}},
    )
    return meeting


@transaction.atomic
def meeting_remove(*, user, meeting: Meeting) -> None:
    """Take the meeting out of the schedule (the next generation may fill the gap)."""
    meeting = _locked_meeting(user, meeting, "change its schedule")
    summary = {
        "meeting": meeting.pk,
        "registration": meeting.registration_id,
        "table": meeting.table_id,
        "slot": meeting.slot,
        "pinned": meeting.pinned,
    }
    meeting.delete()
    audit_event_record(
        actor=user, verb="event.meeting_removed", target=meeting.event, summary=summary
    )


# --- Sending ----------------------------------------------------------------------------------


@transaction.atomic
def schedule_send(*, user, event: Event) -> int:
    """Email each business with a confirmed place its meetings and their times (to the attendee
    and the member who registered); returns how many businesses were emailed. A business with
    no meeting is told so. Sending again sends the current schedule again."""
    ensure_coordinator(user)
    event = lock_event(event)
    ensure_changeable(event, "send its schedule")
    if not event.schedule_generated_at or not event.meetings.exists():
        raise ApplicationError("Generate the schedule before sending it.")
    registrations = (
        event.registrations.confirmed()
        .select_related("business", "registered_by")
        .prefetch_related("meetings__table__institution")
        .order_by("business__name", "pk")
    )
    sent = 0
    for registration in registrations:
        registration.event = event
        for email in schedule_emails(registration=registration):
            email_queue(**email)
        sent += 1
    event.schedule_sent_at = timezone.now()
    event.save(update_fields=["schedule_sent_at", "updated_at"])
    audit_event_record(
        actor=user, verb="event.schedule_sent", target=event, summary={"businesses": sent}
    )
    return sent


def schedule_emails(*, registration: Registration) -> list[dict]:
    """The business's meeting times, one email per recipient."""
    event = registration.event
    meetings = sorted(registration.meetings.all(), key=lambda m: m.slot)
    context = {
        "event": event,
        "starts": when(event.starts_at),
        "event_url": notifications.event_url(event),
        "registration_url": notifications.registration_url(registration),
        "registration": registration,
        "business": registration.business,
        "meetings": [
            {
                "starts": f"{timezone.localtime(event.slot_starts_at(m.slot)):%H:%M}",
                "ends": f"{timezone.localtime(event.slot_ends_at(m.slot)):%H:%M}",
                "table": m.table,
            }
            for m in meetings
        ],
        "site_name": settings.SITE_NAME,
    }
    body = render_to_string("events/email/schedule.txt", context)
    return [
        {
            "to": to,
            "subject": f"Your 1:1 meetings at {event.title}",
            "body_text": body,
            "body_html": "",
            "kind": "event_schedule",
        }
        for to in notifications.registration_recipients(registration)
    ]
