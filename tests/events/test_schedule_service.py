"""The schedule services (events.services.schedule) and the grid selector, against the database."""

import re
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.exceptions import ApplicationError, PermissionDenied
from core.models import AuditEvent, OutboundEmail
from events.models import Meeting, Registration
from events.selectors import schedule_grid
from events.services.schedule import (
    meeting_move,
    meeting_pin,
    meeting_remove,
    meeting_unpin,
    schedule_generate,
    schedule_send,
)
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import InstitutionFactory
from tests.events.factories import (
    BuyerTableFactory,
    EventFactory,
    MeetingFactory,
    RegistrationFactory,
)
from tests.matching.factories import MatchFactory, matching_business, open_lot

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


def _event(tables=3, registrations=5, **fields):
    """An event whose first slot is at 10:00 London time, its tables and confirmed places."""
    starts = (timezone.now() + timedelta(days=21)).astimezone(LONDON)
    starts = starts.replace(hour=9, minute=0, second=0, microsecond=0)
    fields = {
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=6),
        "registration_deadline": starts - timedelta(days=3),
        "first_slot_at": starts + timedelta(hours=1),
        **fields,
    }
    event = EventFactory(**fields)
    made = [BuyerTableFactory(event=event, number=n + 1) for n in range(tables)]
    places = [RegistrationFactory(event=event) for _ in range(registrations)]
    for i, registration in enumerate(places):
        registration.wanted_tables.set(made[i % len(made) : i % len(made) + 2] if made else [])
    return event, made, places


def _assert_rules_hold(event):
    meetings = list(Meeting.objects.filter(event=event))
    assert all(0 <= m.slot < event.slot_count for m in meetings)
    per_business = Counter(m.registration_id for m in meetings)
    assert max(per_business.values(), default=0) <= event.max_meetings_per_business
    for key in (lambda m: (m.table_id, m.slot), lambda m: (m.registration_id, m.slot)):
        assert len({key(m) for m in meetings}) == len(meetings)


def test_generating_places_every_confirmed_business_within_the_rules(coordinator):
    event, _, places = _event()
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)

    outcome = schedule_generate(user=coordinator, event=event)

    _assert_rules_hold(event)
    meetings = Meeting.objects.filter(event=event)
    wanted = {(r.pk, t.pk) for r in places for t in r.wanted_tables.all()}
    assert {(m.registration_id, m.table_id) for m in meetings} == wanted  # room for them all
    assert outcome.placed == meetings.count() == len(wanted) == 9
    assert not meetings.filter(registration=waiting).exists()
    assert outcome.status == "OPTIMAL" and not outcome.unserved and not outcome.shortage
    assert outcome.businesses_served == 5
    event.refresh_from_db()
    assert event.schedule_generated_at is not None
    audit = AuditEvent.objects.get(verb="event.schedule_generated")
    assert audit.summary["meetings"] == 9 and audit.actor == coordinator


def test_businesses_meet_the_buyers_they_asked_for_first(coordinator):
    event, tables, _ = _event(tables=4, registrations=0, max_meetings_per_business=1)
    registration = RegistrationFactory(event=event)
    registration.wanted_tables.set([tables[2]])

    schedule_generate(user=coordinator, event=event)

    assert Meeting.objects.get(registration=registration).table == tables[2]


def test_match_scores_come_from_the_table_s_lots_or_else_its_institution_s_open_lots(
    coordinator,
):
    event, _, _ = _event(tables=0, registrations=0, max_meetings_per_business=1)
    business = matching_business()
    with_lots = BuyerTableFactory(event=event, number=1)
    table_lot = open_lot(institution=with_lots.institution)
    with_lots.lots.set([table_lot])
    institution = InstitutionFactory()
    without_lots = BuyerTableFactory(event=event, number=2, institution=institution)
    MatchFactory(business=business, lot=table_lot, score=0.55)
    MatchFactory(business=business, lot=open_lot(institution=institution), score=0.9)
    registration = RegistrationFactory(event=event, business=business)

    schedule_generate(user=coordinator, event=event)

    meeting = Meeting.objects.get(registration=registration)
    assert meeting.table == without_lots
    assert meeting.score == pytest.approx(0.9)


def test_generating_again_keeps_pinned_meetings_and_replaces_the_rest(coordinator):
    event, tables, _ = _event()
    schedule_generate(user=coordinator, event=event)
    Meeting.objects.filter(table=tables[0], slot=7).delete()
    pinned = MeetingFactory(
        event=event, registration=RegistrationFactory(event=event), table=tables[0], slot=7
    )
    meeting_pin(user=coordinator, meeting=pinned)
    before = set(Meeting.objects.exclude(pk=pinned.pk).values_list("pk", flat=True))

    outcome = schedule_generate(user=coordinator, event=event)

    pinned.refresh_from_db()
    assert (pinned.table, pinned.slot, pinned.pinned) == (tables[0], 7, True)
    assert outcome.pinned == 1
    assert not Meeting.objects.filter(pk__in=before).exists()  # the rest were replaced
    _assert_rules_hold(event)


def test_a_shortage_of_table_slots_still_schedules_and_says_what_to_change(coordinator):
    event, _, _ = _event(tables=1, registrations=3, slot_count=2)

    outcome = schedule_generate(user=coordinator, event=event)

    assert outcome.placed == 2 and len(outcome.unserved) == 1
    assert outcome.shortage == (
        "3 businesses each need a meeting but only 2 table-slots are free: add a table, add slots."
    )
    left_out = outcome.unserved[0]
    assert (
        left_out.business_name
        == Registration.objects.get(pk=left_out.registration_id).business.name
    )
    assert left_out.reason == "Every free table-slot went to a business with no other meeting."


def test_pins_that_no_longer_fit_are_refused_and_nothing_changes(coordinator):
    event, _, _ = _event(slot_count=8)
    schedule_generate(user=coordinator, event=event)
    meeting = Meeting.objects.filter(event=event).first()
    meeting_move(user=coordinator, meeting=meeting, table=meeting.table, slot=7)  # and pins it
    before = sorted(Meeting.objects.values_list("pk", "table_id", "slot"))
    event.slot_count = 6
    event.save()

    with pytest.raises(ApplicationError, match="pinned to slot 8 but the event has 6 slots"):
        schedule_generate(user=coordinator, event=event)

    assert sorted(Meeting.objects.values_list("pk", "table_id", "slot")) == before


def test_generating_needs_a_coordinator_confirmed_businesses_tables_and_a_live_event(
    coordinator,
):
    event, _, _ = _event()
    with pytest.raises(PermissionDenied):
        schedule_generate(user=UserFactory(), event=event)
    empty, _, _ = _event(registrations=0)
    with pytest.raises(ApplicationError, match="No business has a confirmed place yet"):
        schedule_generate(user=coordinator, event=empty)
    bare, _, _ = _event(tables=0, registrations=2, draft=True)
    with pytest.raises(ApplicationError, match="no buyer tables: add a table"):
        schedule_generate(user=coordinator, event=bare)
    cancelled, _, _ = _event(cancelled=True)
    with pytest.raises(ApplicationError, match="cancelled"):
        schedule_generate(user=coordinator, event=cancelled)
    assert not Meeting.objects.exists()


# --- One meeting at a time --------------------------------------------------------------------


def test_moving_a_meeting_pins_it_at_its_new_table_and_slot(coordinator):
    event, tables, places = _event()
    meeting = MeetingFactory(event=event, registration=places[0], table=tables[0], slot=0)

    moved = meeting_move(user=coordinator, meeting=meeting, table=tables[1], slot=4)

    moved.refresh_from_db()
    assert (moved.table, moved.slot, moved.pinned) == (tables[1], 4, True)
    audit = AuditEvent.objects.get(verb="event.meeting_moved")
    assert audit.summary["before"] == {"table": tables[0].pk, "slot": 0, "pinned": False}


def test_a_move_into_a_clash_is_refused_with_what_is_in_the_way(coordinator):
    event, tables, places = _event()
    meeting = MeetingFactory(event=event, registration=places[0], table=tables[0], slot=0)
    MeetingFactory(event=event, registration=places[1], table=tables[1], slot=2)
    MeetingFactory(event=event, registration=places[0], table=tables[2], slot=3)
    other = re.escape(places[1].business.name)
    mine = re.escape(places[0].business.name)

    with pytest.raises(
        ApplicationError, match=f"Table 2 already meets {other} in slot 3 \\(10:30\\)"
    ):
        meeting_move(user=coordinator, meeting=meeting, table=tables[1], slot=2)
    with pytest.raises(ApplicationError, match=f"{mine} already meets table 3 in slot 4"):
        meeting_move(user=coordinator, meeting=meeting, table=tables[1], slot=3)
    with pytest.raises(ApplicationError, match=f"{mine} already meets table 3 .* each table once"):
        meeting_move(user=coordinator, meeting=meeting, table=tables[2], slot=5)

    meeting.refresh_from_db()
    assert (meeting.table, meeting.slot, meeting.pinned) == (tables[0], 0, False)


def test_a_move_to_another_event_s_table_or_a_missing_slot_is_refused(coordinator):
    event, tables, places = _event(slot_count=8)
    meeting = MeetingFactory(event=event, registration=places[0], table=tables[0], slot=0)
    elsewhere = BuyerTableFactory()

    with pytest.raises(ValidationError, match="Choose one of this event's buyer tables"):
        meeting_move(user=coordinator, meeting=meeting, table=elsewhere, slot=1)
    with pytest.raises(ValidationError, match="Choose a slot from 1 to 8"):
        meeting_move(user=coordinator, meeting=meeting, table=tables[1], slot=8)
    with pytest.raises(PermissionDenied):
        meeting_move(user=UserFactory(), meeting=meeting, table=tables[1], slot=1)


def test_pinning_unpinning_and_removing_a_meeting_are_recorded(coordinator):
    event, tables, places = _event()
    meeting = MeetingFactory(event=event, registration=places[0], table=tables[0], slot=0)

    assert meeting_pin(user=coordinator, meeting=meeting).pinned is True
    assert meeting_unpin(user=coordinator, meeting=meeting).pinned is False
    meeting_remove(user=coordinator, meeting=meeting)

    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    verbs = list(AuditEvent.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs == ["event.meeting_pinned", "event.meeting_unpinned", "event.meeting_removed"]
    with pytest.raises(PermissionDenied):
        meeting_pin(user=UserFactory(), meeting=MeetingFactory(event=event, table=tables[1]))


# --- Sending ------------------------------------------------------------------------------------


def test_sending_emails_each_confirmed_business_its_meeting_times(coordinator):
    event, tables, places = _event(tables=2, registrations=2)
    MeetingFactory(event=event, registration=places[0], table=tables[0], slot=0)
    MeetingFactory(event=event, registration=places[0], table=tables[1], slot=2)
    event.schedule_generated_at = timezone.now()
    event.save()

    sent = schedule_send(user=coordinator, event=event)

    assert sent == 2
    first = OutboundEmail.objects.get(kind="event_schedule", to=places[0].attendee_email)
    assert "10:00 to 10:15: table 1" in first.body_text
    assert "10:30 to 10:45: table 2" in first.body_text
    assert first.body_text.index("10:00") < first.body_text.index("10:30")
    second = OutboundEmail.objects.get(kind="event_schedule", to=places[1].attendee_email)
    assert "could not fit a 1:1 meeting" in second.body_text
    event.refresh_from_db()
    assert event.schedule_sent_at is not None
    assert AuditEvent.objects.filter(verb="event.schedule_sent").count() == 1


def test_sending_before_generating_is_refused(coordinator):
    event, _, _ = _event()
    with pytest.raises(ApplicationError, match="Generate the schedule before sending it"):
        schedule_send(user=coordinator, event=event)
    with pytest.raises(PermissionDenied):
        schedule_send(user=UserFactory(), event=event)
    assert not OutboundEmail.objects.exists()


# --- The grid -----------------------------------------------------------------------------------


def test_the_grid_has_a_row_per_table_and_a_cell_per_slot_in_three_queries(
    coordinator, django_assert_num_queries
):
    event, tables, places = _event(tables=3, registrations=6, slot_count=4)
    MeetingFactory(event=event, registration=places[0], table=tables[1], slot=2, pinned=True)
    MeetingFactory(event=event, registration=places[1], table=tables[0], slot=0)
    MeetingFactory(event=event, registration=places[2], table=tables[2], slot=3)

    with django_assert_num_queries(3):
        grid = schedule_grid(event=event)
        shown = [
            (cell.registration.business.name, cell.table.institution.name, cell.starts_at)
            for row in grid.rows
            for cell in row.cells
            if cell
        ]

    assert [row.table for row in grid.rows] == tables
    assert [len(row.cells) for row in grid.rows] == [4, 4, 4]
    assert grid.rows[1].cells[2].registration == places[0]
    assert [s.number for s in grid.slots] == [1, 2, 3, 4]
    assert grid.slots[1].starts_at == datetime(*_ymd(event), 10, 15, tzinfo=LONDON)
    assert len(shown) == grid.meeting_count == 3 and grid.pinned_count == 1
    assert set(grid.unscheduled) == set(places[3:])


def _ymd(event):
    local = timezone.localtime(event.first_slot_at, LONDON)
    return local.year, local.month, local.day
