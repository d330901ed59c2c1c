"""Schedules in the coordinator's pages: each business's schedule (printable and CSV, reached
from the registrations list and the schedule page; coordinators only), and the schedule page
saying what to change when there are more businesses than free table-slots or pins clash."""

import csv
import html as html_lib
import io
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Meeting, Registration
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import InstitutionFactory, officer_of
from tests.events.factories import (
    BuyerTableFactory,
    EventFactory,
    MeetingFactory,
    RegistrationFactory,
)
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"events:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page's words without tags, entities decoded, whitespace collapsed."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html(response))).split())


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def error_summary(response) -> list[str]:
    block = re.search(r'govuk-error-summary__list">(.*?)</ul>', html(response), re.S)
    items = re.findall(r"<li>(.*?)</li>", block[1], re.S) if block else []
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


@pytest.fixture
def world():
    """An event with a schedule: Saltley Kitchen Ltd meets the council's catering table in the
    first slot and the trust's estates table in the third; Bordesley Bakes Ltd waits."""
    council = InstitutionFactory(name="Birmingham City Council")
    trust = InstitutionFactory(name="East Birmingham NHS Trust")
    event = EventFactory(title="Meet the Buyer: catering", capacity=1)
    catering = BuyerTableFactory(
        event=event, institution=council, number=1, name="Catering", buyers="J. Khan"
    )
    estates = BuyerTableFactory(event=event, institution=trust, number=2, name="Estates")
    member = UserFactory()
    kitchen = BusinessFactory(name="Saltley Kitchen Ltd", owner=member)
    confirmed = RegistrationFactory(event=event, business=kitchen, attendee_name="Asha Patel")
    confirmed.wanted_tables.set([catering])
    waiting = RegistrationFactory(
        event=event,
        business=BusinessFactory(name="Bordesley Bakes Ltd"),
        status=Registration.Status.WAITLISTED,
    )
    MeetingFactory(registration=confirmed, table=catering, slot=0)
    MeetingFactory(registration=confirmed, table=estates, slot=2)
    event.schedule_generated_at = timezone.now()
    event.save()
    return SimpleNamespace(
        event=event,
        council=council,
        catering=catering,
        estates=estates,
        member=member,
        kitchen=kitchen,
        confirmed=confirmed,
        waiting=waiting,
        coordinator=CoordinatorFactory(),
    )


def business_schedule_pages(w) -> list[str]:
    e, r = w.event.pk, w.confirmed.pk
    return [
        url("manage_registration_schedule", e, r),
        url("manage_registration_schedule_csv", e, r),
    ]


# --- Each business's schedule ---------------------------------------------------------------


def test_business_schedule_urls_live_under_the_events_registrations():
    assert url("manage_registration_schedule", 7, 3) == "/events/manage/7/registrations/3/schedule/"
    assert (
        url("manage_registration_schedule_csv", 7, 3)
        == "/events/manage/7/registrations/3/schedule.csv"
    )


def test_a_coordinator_prints_a_business_schedule_in_time_order(client, world):
    client.force_login(world.coordinator)

    response = client.get(url("manage_registration_schedule", world.event.pk, world.confirmed.pk))

    assert response.status_code == 200
    page = text(response)
    assert "Meeting schedule for Saltley Kitchen Ltd" in page
    assert "<title>Schedule for Saltley Kitchen Ltd: Meet the Buyer: catering" in html(response)
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', html(response), re.S)[1:]
    first, second = (" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows)
    start = timezone.localtime(world.event.slot_starts_at(0))
    assert first.startswith(f"{start:%H:%M} to ")
    assert "Table 1: Catering Birmingham City Council J. Khan Yes" in first
    assert "Table 2: Estates East Birmingham NHS Trust" in second and second.endswith("No")
    back = url("manage_registrations", world.event.pk)
    assert f'href="{back}" class="govuk-back-link ll-no-print">Back to registrations' in html(
        response
    )


def test_a_coordinator_downloads_a_business_schedule_as_csv(client, world):
    client.force_login(world.coordinator)

    response = client.get(
        url("manage_registration_schedule_csv", world.event.pk, world.confirmed.pk)
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="locallots-event-{world.event.pk}-saltley-kitchen-ltd-schedule.csv"'
    )
    rows = read_csv(response)
    assert rows[0][:4] == ["Slot", "Starts at", "Ends at", "Table"]
    assert [(row[0], row[4], row[5], row[7]) for row in rows[1:]] == [
        ("1", "Catering", "Birmingham City Council", "Yes"),
        ("3", "Estates", "East Birmingham NHS Trust", "No"),
    ]
    own = client.get(url("registration_schedule_csv", world.confirmed.pk))
    assert own.status_code == 404  # the coordinator is not a member: the business's route
    client.force_login(world.member)
    own = client.get(url("registration_schedule_csv", world.confirmed.pk))
    assert own.content == response.content  # the same file the business downloads


def test_a_business_schedule_without_meetings_is_still_a_valid_file(client, world):
    client.force_login(world.coordinator)
    e, r = world.event.pk, world.waiting.pk

    rows = read_csv(client.get(url("manage_registration_schedule_csv", e, r)))
    printable = text(client.get(url("manage_registration_schedule", e, r)))

    assert rows == [rows[0]] and rows[0][0] == "Slot"
    assert "No meetings are scheduled for you yet." in printable


@pytest.mark.parametrize("role", ["officer", "member", "nobody"])
def test_only_coordinators_read_a_business_schedule_here(client, world, role):
    user = {
        "officer": officer_of(world.council),  # its institution sits at the business's table
        "member": world.member,  # the business's own member: it has its own pages
        "nobody": UserFactory(),
    }[role]
    client.force_login(user)
    for page in business_schedule_pages(world):
        response = client.get(page)
        assert response.status_code == 403, page
        assert "Saltley Kitchen" not in html(response)


def test_anonymous_visitors_are_sent_to_sign_in_for_a_business_schedule(client, world):
    for page in business_schedule_pages(world):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next={page}"


def test_a_registration_of_another_event_or_cancelled_is_not_found(client, world):
    client.force_login(world.coordinator)
    other = RegistrationFactory()
    cancelled = RegistrationFactory(
        event=world.event, status=Registration.Status.CANCELLED, cancelled_at=timezone.now()
    )
    for registration in (other, cancelled):
        for name in ("manage_registration_schedule", "manage_registration_schedule_csv"):
            assert client.get(url(name, world.event.pk, registration.pk)).status_code == 404


def test_the_registrations_list_links_each_confirmed_business_schedule(client, world):
    client.force_login(world.coordinator)
    e = world.event.pk

    page = html(client.get(url("manage_registrations", e)))

    confirmed = re.search(r'id="confirmed-registrations"(.*?)</table>', page, re.S)[1]
    waitlist = re.search(r'id="waitlist"(.*?)</table>', page, re.S)[1]
    for name in ("manage_registration_schedule", "manage_registration_schedule_csv"):
        assert url(name, e, world.confirmed.pk) in confirmed
        assert url(name, e, world.waiting.pk) not in waitlist
    assert "Printable schedule" in confirmed and "Schedule (CSV)" in confirmed
    schedule = html(client.get(url("manage_schedule", e)))
    pointer = re.search(r'id="business-schedules">(.*?)</p>', schedule, re.S)[1]
    assert url("manage_registrations", e) in pointer


def test_before_the_schedule_is_generated_the_list_points_to_the_schedule_page(client, world):
    Meeting.objects.all().delete()
    world.event.schedule_generated_at = None
    world.event.save()
    client.force_login(world.coordinator)

    page = html(client.get(url("manage_registrations", world.event.pk)))

    assert url("manage_registration_schedule", world.event.pk, world.confirmed.pk) not in page
    assert "generate the 1:1 schedule</a>, each business’s schedule can be printed" in page


# --- What the schedule page says when the schedule cannot serve everyone --------------------


def _event_with(*, tables: int, businesses: int, slot_count: int, **fields):
    starts = (timezone.now() + timedelta(days=21)).replace(minute=0, second=0, microsecond=0)
    event = EventFactory(
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        registration_deadline=starts - timedelta(days=3),
        slot_count=slot_count,
        capacity=50,
        **fields,
    )
    made = [BuyerTableFactory(event=event, number=n + 1) for n in range(tables)]
    places = [
        RegistrationFactory(event=event, business=BusinessFactory(name=f"Business {n + 1}"))
        for n in range(businesses)
    ]
    return event, made, places


def test_more_businesses_than_free_table_slots_still_schedules_and_says_what_to_change(client):
    event, _, _ = _event_with(tables=1, businesses=3, slot_count=2)
    client.force_login(CoordinatorFactory())

    response = client.post(url("manage_schedule_generate", event.pk), follow=True)

    assert response.redirect_chain[-1][0] == url("manage_schedule", event.pk)
    outcome = re.search(r'id="schedule-outcome">(.*?)</div>', html(response), re.S)[1]
    words = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", outcome)).split())
    assert "It placed 2 meetings for 2 businesses" in words
    assert (
        "3 businesses each need a meeting but only 2 table-slots are free: "
        "add a table, add slots." in words
    )
    [left_out] = Registration.objects.filter(event=event).exclude(meetings__isnull=False)
    assert (
        f"{left_out.business.name}: Every free table-slot went to a business with no other "
        "meeting." in words
    )
    without = re.search(r'id="without-meetings">(.*?)</ul>', html(response), re.S)[1]
    assert left_out.business.name in without


def test_a_shortage_caused_by_pinned_meetings_suggests_unpinning(client):
    event, (table,), places = _event_with(tables=1, businesses=4, slot_count=2)
    MeetingFactory(registration=places[0], table=table, slot=0, pinned=True)
    client.force_login(CoordinatorFactory())

    response = client.post(url("manage_schedule_generate", event.pk), follow=True)

    assert (
        "3 businesses each need a meeting but only 1 table-slot is free: add a table, add "
        "slots, or unpin meetings." in text(response)
    )


@pytest.mark.parametrize(
    ("clash", "message"),
    [
        (
            "fewer slots",
            "The meeting of Business 1 at table 1 (Buyer table 1) is pinned to slot 4 but the "
            "event has 2 slots: move the meeting or add slots.",
        ),
        (
            "lower maximum",
            "Business 1 has 2 pinned meetings but each business may have at most 1: unpin or "
            "remove 1, or raise the maximum meetings per business.",
        ),
    ],
)
def test_pinned_meetings_that_clash_are_explained_and_nothing_changes(client, clash, message):
    event, tables, places = _event_with(tables=2, businesses=2, slot_count=4)
    for table in tables:
        table.name = f"Buyer table {table.number}"
        table.save()
    MeetingFactory(registration=places[0], table=tables[0], slot=3, pinned=True)
    MeetingFactory(registration=places[0], table=tables[1], slot=1, pinned=True)
    if clash == "fewer slots":
        event.slot_count = 2
    else:
        event.max_meetings_per_business = 1
    event.save()
    before = sorted(Meeting.objects.values_list("pk", "table_id", "slot", "pinned"))
    client.force_login(CoordinatorFactory())

    response = client.post(url("manage_schedule_generate", event.pk))

    assert response.status_code == 200
    assert "<title>Error: 1:1 schedule" in html(response)
    assert error_summary(response) == [message]
    assert sorted(Meeting.objects.values_list("pk", "table_id", "slot", "pinned")) == before
