from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from events.models import BuyerTable, Registration
from events.reports import business_schedule, outcome_report, table_schedule
from tests.anchors.factories import InstitutionFactory
from tests.events.factories import (
    BuyerTableFactory,
    EventFactory,
    MeetingFactory,
    RegistrationFactory,
)
from tests.matching.factories import InterestFactory, award_lot, open_lot
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db

ATTENDED = Registration.Attendance.ATTENDED
NO_SHOW = Registration.Attendance.NO_SHOW


def _interest(business, lot, at):
    return InterestFactory(business=business, lot=lot, registered_at=at)


def _award(lot, business, on):
    award = award_lot(lot, business)
    award.awarded_on = on
    award.save(update_fields=["awarded_on"])
    return award


@pytest.fixture
def world():
    """An event with Alpha at a table, Beta named on the event (no table) and a lot of Gamma
    linked to the event; Delta takes no part."""
    alpha = InstitutionFactory(name="Alpha Council")
    beta = InstitutionFactory(name="Beta NHS Trust")
    gamma = InstitutionFactory(name="Gamma University")
    delta = InstitutionFactory(name="Delta College")
    event = EventFactory()
    event.institutions.add(beta)
    table = BuyerTableFactory(event=event, institution=alpha, number=1)
    lots = {
        "alpha": open_lot(institution=alpha),
        "beta": open_lot(institution=beta),
        "gamma": open_lot(institution=gamma),
        "delta": open_lot(institution=delta),
    }
    event.lots.add(lots["gamma"])
    return event, table, lots


def test_outcome_report_counts_the_funnel_from_attendance_to_awards(world):
    event, table, lots = world
    after = event.starts_at + timedelta(days=2)
    before = event.starts_at - timedelta(days=2)
    b1, b2, b3, b4, b5, b6 = (BusinessFactory(name=f"Business {n}") for n in range(1, 7))
    r1 = RegistrationFactory(event=event, business=b1, attendance=ATTENDED)
    MeetingFactory(registration=r1, table=table, slot=0)
    _interest(b1, lots["alpha"], after)
    _award(lots["alpha"], b1, timezone.localdate(after) + timedelta(days=30))
    # Attended, but its interests came before the event or in a lot outside the event.
    RegistrationFactory(event=event, business=b2, attendance=ATTENDED)
    _interest(b2, lots["beta"], before)
    _interest(b2, lots["delta"], after)
    # A no-show's interest shows on its row but not in the funnel.
    RegistrationFactory(event=event, business=b3, attendance=NO_SHOW)
    _interest(b3, lots["beta"], after)
    RegistrationFactory(event=event, business=b4, status=Registration.Status.WAITLISTED)
    # Cancelled, then registered again and attended: one business, interested in a linked lot.
    RegistrationFactory(event=event, business=b5, status=Registration.Status.CANCELLED)
    RegistrationFactory(event=event, business=b5, attendance=ATTENDED)
    _interest(b5, lots["gamma"], after)
    RegistrationFactory(event=event, business=b6, status=Registration.Status.CANCELLED)

    report = outcome_report(event=event)

    funnel = report.funnel
    assert (funnel.registered, funnel.confirmed, funnel.waitlisted, funnel.cancelled) == (
        6,
        4,
        1,
        1,
    )
    assert (funnel.attended, funnel.no_shows, funnel.attendance_unknown) == (3, 1, 1)
    assert (funnel.interested, funnel.awarded) == (2, 1)
    assert funnel.award_value == lots["alpha"].value
    rows = {row.business.name: row for row in report.businesses}
    assert [row.business.name for row in report.businesses] == [
        f"Business {n}" for n in range(1, 7)
    ]
    assert rows["Business 5"].registration.status == Registration.Status.CONFIRMED
    assert (rows["Business 1"].meetings, rows["Business 1"].interests) == (1, 1)
    assert (rows["Business 1"].awards, rows["Business 1"].award_value) == (1, lots["alpha"].value)
    assert rows["Business 2"].interests == 0
    assert rows["Business 3"].interests == 1
    institutions = {row.institution_name: row for row in report.institutions}
    assert list(institutions) == ["Alpha Council", "Beta NHS Trust", "Gamma University"]
    alpha = institutions["Alpha Council"]
    assert (alpha.tables, alpha.meetings, alpha.businesses_met) == (1, 1, 1)
    assert (alpha.interested, alpha.interests, alpha.awarded, alpha.awards) == (1, 1, 1, 1)
    assert institutions["Beta NHS Trust"].interested == 0  # only a no-show was interested
    assert institutions["Beta NHS Trust"].tables == 0
    assert institutions["Gamma University"].interested == 1


def test_outcome_report_ignores_awards_made_before_the_event(world):
    event, _table, lots = world
    business = BusinessFactory()
    RegistrationFactory(event=event, business=business, attendance=ATTENDED)
    _award(lots["alpha"], business, timezone.localdate(event.starts_at) - timedelta(days=1))

    report = outcome_report(event=event)

    assert (report.funnel.attended, report.funnel.awarded) == (1, 0)
    assert report.funnel.award_value == Decimal("0.00")


def test_outcome_report_lists_outside_institutions_only_for_what_attendees_did(world):
    event, table, lots = world
    event.institutions.clear()
    table.delete()
    no_show = RegistrationFactory(event=event, attendance=NO_SHOW)
    _interest(no_show.business, lots["gamma"], event.starts_at + timedelta(days=1))
    gone = RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    MeetingFactory(registration=gone, table=BuyerTableFactory(event=event), slot=0)

    report = outcome_report(event=event)

    (row,) = report.institutions  # the new table's institution; Gamma only had a no-show
    assert (row.tables, row.meetings, row.businesses_met) == (1, 0, 0)


def test_outcome_report_of_an_empty_event_is_all_zeros():
    event = EventFactory()

    report = outcome_report(event=event)

    assert report.funnel.registered == report.funnel.attended == report.funnel.awarded == 0
    assert report.institutions == []
    assert report.businesses == []


def test_outcome_report_uses_a_fixed_number_of_queries(world, django_assert_num_queries):
    event, table, lots = world
    for n in range(3):
        registration = RegistrationFactory(event=event, attendance=ATTENDED)
        MeetingFactory(registration=registration, table=table, slot=n)
        _interest(registration.business, lots["alpha"], event.starts_at + timedelta(days=1))

    with django_assert_num_queries(4):
        report = outcome_report(event=event)
        [row.business.name for row in report.businesses]

    assert report.funnel.interested == 3


def test_table_schedule_lists_every_slot_with_empty_ones(django_assert_num_queries):
    table = BuyerTableFactory()
    event = table.event
    wanting = RegistrationFactory(event=event, business=BusinessFactory(name="Wants Ltd"))
    wanting.wanted_tables.add(table)
    MeetingFactory(registration=wanting, table=table, slot=3)
    MeetingFactory(
        registration=RegistrationFactory(event=event, business=BusinessFactory(name="Other Ltd")),
        table=table,
        slot=0,
    )
    gone = RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    MeetingFactory(registration=gone, table=table, slot=5)
    table = BuyerTable.objects.select_related("event").get(pk=table.pk)

    with django_assert_num_queries(1):
        rows = table_schedule(table=table)
        names = [row.business.name if row.business else None for row in rows]

    assert [row.number for row in rows] == list(range(1, event.slot_count + 1))
    assert names == ["Other Ltd", None, None, "Wants Ltd", None, None, None, None]
    assert [row.wanted for row in rows][:4] == [False, False, False, True]
    assert rows[3].attendee_name == wanting.attendee_name
    assert rows[3].starts_at == event.slot_starts_at(3)
    assert rows[3].ends_at == event.slot_starts_at(3) + timedelta(minutes=event.slot_minutes)
    assert rows[1].attendee_name == ""


def test_business_schedule_lists_meetings_in_time_order(django_assert_num_queries):
    registration = RegistrationFactory()
    event = registration.event
    late = BuyerTableFactory(event=event, institution=InstitutionFactory(name="Late Trust"))
    early = BuyerTableFactory(event=event, institution=InstitutionFactory(name="Early Council"))
    registration.wanted_tables.add(early)
    MeetingFactory(registration=registration, table=late, slot=4)
    MeetingFactory(registration=registration, table=early, slot=1)
    MeetingFactory(event=event, table=early, slot=2)  # someone else's

    with django_assert_num_queries(1):
        rows = business_schedule(registration=registration)
        names = [row.institution_name for row in rows]

    assert names == ["Early Council", "Late Trust"]
    assert [row.number for row in rows] == [2, 5]
    assert [row.wanted for row in rows] == [True, False]
    assert rows[0].starts_at == event.slot_starts_at(1)
    assert rows[0].table == early


def test_business_schedule_of_a_cancelled_registration_is_empty(django_assert_num_queries):
    registration = RegistrationFactory(status=Registration.Status.CANCELLED)

    with django_assert_num_queries(0):
        assert business_schedule(registration=registration) == []
