"""Meet the Buyer in Chromium, end to end: a coordinator creates an event with a buyer table,
publishes it, generates the invite list from matches and sends the invitations; a matched
business opens its RSVP link, signs in and registers choosing the buyer it wants to meet; the
coordinator generates the 1:1 schedule and downloads the attendee list (CSV and XLSX), the
table's schedule and the business's; the business sees its meeting and downloads its calendar
file. Then the business pages again without JavaScript. On the day, the coordinator runs the
check-in list on a phone (no sideways scrolling), checks a business in, records a no-show, and
the outcome report counts who came. Every page visited is audited with axe-core."""

import csv
import io
import re
from datetime import timedelta

import icalendar
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from core.models import OutboundEmail
from events.models import Event, Invitation, Meeting, Registration
from events.services.invitations import invitation_token
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import InstitutionFactory
from tests.browser.journeys import (
    audit,
    check_option,
    fill_field,
    sign_in,
    sign_out,
    submit,
    visit,
)
from tests.events.factories import (
    BuyerTableFactory,
    EventFactory,
    InvitationFactory,
    RegistrationFactory,
)
from tests.matching.factories import InterestFactory, MatchFactory, matching_business, open_lot

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
PHONE = {"width": 375, "height": 740}  # a small phone, in CSS pixels


def _buyers_and_a_matched_business():
    """The council with an open catering lot, and a micro business in B9 matched to it."""
    council = InstitutionFactory(name="Birmingham City Council", slug="birmingham-city-council")
    lot = open_lot(institution=council)
    owner = UserFactory(full_name="Asha Patel", email="asha@saltley.example")
    kitchen = matching_business(name="Saltley Kitchen Ltd", owner=owner)
    MatchFactory(lot=lot, business=kitchen)
    return council, lot, owner, kitchen


def _download(page: Page, link_name) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.locator("#main-content").get_by_role("link", name=link_name).click()
    download = info.value
    with open(download.path(), "rb") as file:
        return download.suggested_filename, file.read()


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _coordinator_creates_and_publishes(page: Page, council, lot) -> Event:
    starts = (timezone.localtime() + timedelta(days=28)).replace(hour=9, minute=0)
    sign_in(page, CoordinatorFactory(email="coordinator@anchors.example").email)
    visit(page, "/events/manage/", "manage events")
    visit(page, lambda: page.get_by_role("button", name="Create an event").click(), "new event")
    fill_field(page, "Title", "Meet the Buyer: school meals")
    fill_field(page, "Description", "Meet the council's catering buyers about school meals.")
    fill_field(page, "Start date and time", starts.strftime(DATETIME_LOCAL))
    fill_field(page, "End date and time", (starts + timedelta(hours=4)).strftime(DATETIME_LOCAL))
    fill_field(page, "Venue name (optional)", "Bordesley Green community hall")
    fill_field(page, "Venue postcode", "B9 4AA")
    fill_field(page, "Number of businesses that can attend", "20")
    deadline = starts - timedelta(days=3)
    fill_field(page, "Registration deadline", deadline.strftime(DATETIME_LOCAL))
    fill_field(page, "Number of meeting slots", "8")
    check_option(page, "Birmingham City Council")
    audit(page, "new event filled in")
    submit(page, "Create event", "event created")
    event = Event.objects.get()
    assert event.status == Event.Status.DRAFT

    # A buyer table that will discuss the lot.
    visit(page, f"/events/manage/{event.pk}/tables/", "tables")
    visit(page, lambda: page.get_by_role("button", name="Add a table").click(), "new table")
    fill_field(page, "Table name", "School catering")
    fill_field(page, "Buyers at the table (optional)", "J. Khan, catering manager")
    page.get_by_label(re.compile(rf"^{council.name}: .*{re.escape(lot.title)}")).check()
    submit(page, "Add table", "table added")
    table = event.tables.get()
    assert table.institution == council
    assert list(table.lots.all()) == [lot]

    visit(page, f"/events/manage/{event.pk}/", "event overview")
    submit(page, "Publish event", "event published")
    event.refresh_from_db()
    assert event.status == Event.Status.OPEN
    return event


def _coordinator_invites(page: Page, event: Event, kitchen) -> str:
    """Generates and sends the invite list; returns the path of the business's RSVP link."""
    visit(page, f"/events/manage/{event.pk}/invitations/", "invite list")
    submit(page, "Generate the invite list", "invite list generated")
    expect(page.locator("#main-content")).to_contain_text("Saltley Kitchen Ltd")
    submit(page, "Send invitations", "invitations sent")
    invitation = Invitation.objects.get(event=event, business=kitchen)
    assert invitation.status == Invitation.Status.INVITED
    email = OutboundEmail.objects.filter(to="asha@saltley.example", kind__contains="invit").get()
    return re.search(r"/events/rsvp/[^/\s]+/", email.body_text).group(0)


def test_coordinator_runs_an_event_and_a_business_registers_and_gets_its_schedule(page_factory):
    council, lot, owner, kitchen = _buyers_and_a_matched_business()
    coordinator = page_factory()
    event = _coordinator_creates_and_publishes(coordinator, council, lot)
    rsvp_path = _coordinator_invites(coordinator, event, kitchen)

    # The business follows its RSVP link, and registers (signing in on the way).
    business = page_factory()
    visit(business, rsvp_path, "rsvp")
    expect(business.get_by_role("heading", level=1)).to_have_text("Meet the Buyer: school meals")
    expect(business.locator("#main-content")).to_contain_text("Invitation for Saltley Kitchen Ltd")
    business.locator("#main-content").get_by_role("button", name="Register").click()
    business.wait_for_url(re.compile(r"/accounts/login/"))
    sign_in(business, owner.email)
    expect(business).to_have_url(re.compile(rf"/events/{event.pk}/register/$"))
    audit(business, "register form")
    expect(business.get_by_label("Name of the person coming")).to_have_value("Asha Patel")
    expect(business.locator("#main-content")).to_contain_text(f"To discuss: {lot.title}")
    check_option(business, "School catering (Birmingham City Council)")
    fill_field(business, "Accessibility needs (optional)", "Step-free access, please.")
    submit(business, "Register", "registered")
    expect(business.locator(".govuk-notification-banner--success")).to_contain_text(
        "Saltley Kitchen Ltd is registered for Meet the Buyer: school meals"
    )
    registration = Registration.objects.get(event=event, business=kitchen)
    assert registration.status == Registration.Status.CONFIRMED
    assert [t.name for t in registration.wanted_tables.all()] == ["School catering"]
    assert Invitation.objects.get(event=event, business=kitchen).status == "registered"
    visit(business, f"/events/{event.pk}/", "event page, registered")
    expect(business.locator("#main-content")).to_contain_text("Saltley Kitchen Ltd: Confirmed")
    expect(business.get_by_role("link", name=lot.title)).to_have_attribute(
        "href", f"/opportunities/{lot.pk}/"
    )
    visit(business, "/events/mine/", "my event registrations")
    expect(business.locator("#main-content")).to_contain_text("Confirmed")

    # The coordinator generates the schedule and downloads the exports.
    visit(coordinator, f"/events/manage/{event.pk}/schedule/", "schedule")
    submit(coordinator, "Generate schedule", "schedule generated")
    meeting = Meeting.objects.get(registration=registration)
    assert meeting.table.name == "School catering"

    visit(coordinator, f"/events/manage/{event.pk}/registrations/", "registrations")
    name, content = _download(coordinator, re.compile(r"attendee list \(CSV\)"))
    assert name == f"locallots-event-{event.pk}-attendees.csv"
    rows = _rows(content)
    assert any("Saltley Kitchen Ltd" in row for row in rows[1:])
    assert len(rows) == 2
    name, content = _download(coordinator, "as an Excel spreadsheet")
    assert name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert any("Saltley Kitchen Ltd" in row for row in values[1:])
    assert values[0] == rows[0]
    name, content = _download(coordinator, re.compile(r"^Schedule \(CSV\) of Saltley"))
    assert name == f"locallots-event-{event.pk}-saltley-kitchen-ltd-schedule.csv"
    assert [row[4] for row in _rows(content)[1:]] == ["School catering"]
    visit(
        coordinator,
        lambda: coordinator.get_by_role(
            "link", name="Printable schedule of Saltley Kitchen Ltd"
        ).click(),
        "business's printable schedule, for the coordinator",
    )
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(
        "Meeting schedule for Saltley Kitchen Ltd"
    )
    expect(coordinator.locator("#main-content table")).to_contain_text("School catering")

    visit(coordinator, f"/events/manage/{event.pk}/schedule/", "schedule again")
    name, content = _download(coordinator, re.compile(r"^CSV\W+of table 1"))
    assert name.endswith(".csv")
    rows = _rows(content)
    assert len(rows) == 1 + event.slot_count  # every slot, empty ones included
    assert sum("Saltley Kitchen Ltd" in row for row in rows[1:]) == 1
    visit(
        coordinator,
        lambda: coordinator.get_by_role("link", name=re.compile(r"^printable schedule")).click(),
        "table's printable schedule",
    )
    expect(coordinator.locator("body")).to_contain_text("Saltley Kitchen Ltd")

    # The business sees its meeting and downloads its calendar file.
    visit(business, f"/events/registrations/{registration.pk}/", "registration with schedule")
    expect(business.locator("#main-content table")).to_contain_text("School catering")
    name, content = _download(business, "Download a calendar file (.ics)")
    assert name.endswith("-calendar.ics")
    calendar = icalendar.Calendar.from_ical(content)
    summaries = " ".join(str(item["SUMMARY"]) for item in calendar.walk("VEVENT"))
    assert "Meet the Buyer: school meals" in summaries
    name, content = _download(business, "Schedule as a spreadsheet (CSV)")
    assert sum("School catering" in row for row in _rows(content)[1:]) == 1
    visit(
        business, lambda: business.get_by_role("link", name="Printable schedule").click(), "print"
    )
    expect(business.locator("body")).to_contain_text("School catering")
    sign_out(business)


def test_a_business_registers_changes_and_cancels_without_javascript(page_factory):
    """The business pages as plain forms: the list, the event, registering onto the waitlist of
    a full event, changing the buyers it wants, and cancelling."""
    council = InstitutionFactory(name="Birmingham City Council", slug="birmingham-city-council")
    event = EventFactory(title="Meet the Buyer: cleaning", capacity=1)
    event.institutions.set([council])
    BuyerTableFactory(event=event, institution=council, number=1, name="Cleaning")
    BuyerTableFactory(event=event, institution=council, number=2, name="Estates")
    RegistrationFactory(event=event)  # the only place is taken
    owner = UserFactory(full_name="Sam Trader", email="sam@bordesley.example")
    kitchen = matching_business(name="Bordesley Bakes Ltd", owner=owner)

    page = page_factory(java_script_enabled=False)
    visit(page, "/events/", "events list")
    expect(page.locator("#main-content")).to_contain_text("Waitlist only")
    visit(page, lambda: page.get_by_role("link", name="Meet the Buyer: cleaning").click(), "event")
    expect(page.locator("#main-content")).to_contain_text("sign in")
    visit(
        page,
        lambda: page.locator("#main-content").get_by_role("link", name="sign in").click(),
        "login",
    )
    sign_in(page, owner.email)
    expect(page).to_have_url(re.compile(rf"/events/{event.pk}/register/$"))
    audit(page, "register form")
    fill_field(page, "Name of the person coming", "")
    submit(page, "Join the waitlist", "register errors")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the name of the person coming to the event."
    )
    fill_field(page, "Name of the person coming", "Sam Trader")
    check_option(page, "Cleaning (Birmingham City Council)")
    submit(page, "Join the waitlist", "waitlisted")
    registration = Registration.objects.get(business=kitchen)
    assert registration.status == Registration.Status.WAITLISTED
    expect(page.locator("#main-content")).to_contain_text("You are number 1 on the waitlist")

    visit(page, lambda: page.get_by_role("link", name=re.compile("^Change")).click(), "choices")
    check_option(page, "Cleaning (Birmingham City Council)", False)
    check_option(page, "Estates (Birmingham City Council)")
    submit(page, "Save your choice", "choices saved")
    assert [t.name for t in registration.wanted_tables.all()] == ["Estates"]

    visit(page, lambda: page.get_by_role("button", name="Cancel waitlist place").click(), "cancel")
    submit(page, "Yes, cancel my place", "cancelled")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    expect(page.locator("#main-content")).to_contain_text("Cancelled")

    # An invitation to another event, declined from its RSVP link (a plain form).
    other = EventFactory(title="Meet the Buyer: estates")
    invitation = InvitationFactory(event=other, business=kitchen, status="invited")
    visit(page, f"/events/rsvp/{invitation_token(invitation)}/", "rsvp")
    submit(page, "Decline", "declined")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "You have declined the invitation to Meet the Buyer: estates"
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    visit(page, "/events/rsvp/not-a-real-token/", "bad rsvp link", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation link does not work")


def _assert_no_sideways_scrolling(page: Page, where: str) -> None:
    """Nothing on the page is wider than the phone's screen. A mobile browser widens its layout
    viewport to fit content that overflows, so the viewport is checked to still be the phone's
    width as well as the document to fit inside it."""
    widths = page.evaluate(
        """() => ({
            document: document.documentElement.scrollWidth,
            body: document.body.scrollWidth,
            viewport: window.innerWidth,
        })"""
    )
    assert widths["viewport"] == PHONE["width"], widths
    assert widths["document"] <= widths["viewport"], f"{where} scrolls sideways: {widths}"
    assert widths["body"] <= widths["viewport"], f"{where} scrolls sideways: {widths}"


def test_on_the_day_the_check_in_list_works_on_a_phone_and_the_outcome_report_counts_who_came(
    page_factory,
):
    council = InstitutionFactory(name="Birmingham City Council", slug="birmingham-city-council")
    lot = open_lot(institution=council)
    starts = timezone.now() - timedelta(minutes=30)  # the event is on now
    event = EventFactory(
        title="Meet the Buyer: school meals and facilities management for East Birmingham",
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        registration_deadline=starts - timedelta(days=3),
    )
    event.institutions.set([council])
    table = BuyerTableFactory(event=event, institution=council, number=1, name="School catering")
    table.lots.set([lot])
    names = [
        "Saltley Kitchen Ltd",
        "Bordesley Green Community Catering and Cleaning Co-operative Limited",
        "Ward End Print",
    ]
    kitchen, cooperative, printer = (
        RegistrationFactory(
            event=event,
            business=matching_business(name=name),
            attendee_name=attendee,
            accessibility_needs=needs,
        )
        for name, attendee, needs in zip(
            names,
            ["Asha Patel", "Maximilian Oluwaseun-Fitzgerald", "Ben Okafor"],
            ["", "Step-free access and a hearing loop at the table, please.", ""],
            strict=True,
        )
    )
    for registration in (kitchen, cooperative):  # both register interest in the lot afterwards
        InterestFactory(lot=lot, business=registration.business)

    coordinator = CoordinatorFactory(
        email="coordinator@anchors.example", email_verified_at=timezone.now()
    )
    phone = page_factory(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(phone, coordinator.email)
    checkin = f"/events/manage/{event.pk}/check-in/"
    visit(phone, checkin, "check-in on a phone")
    _assert_no_sideways_scrolling(phone, "the check-in list")
    counts = phone.locator("#checkin-counts")
    expect(counts).to_have_text("0 checked in, 0 did not come, 3 still to arrive.")

    # Saltley Kitchen's attendee arrives: found by name, checked in with one tap.
    fill_field(phone, "Search by business or attendee name", "asha")
    submit(phone, "Search", "check-in search on a phone")
    expect(phone.locator("#checkin-results")).to_have_text("1 result for “asha”")
    _assert_no_sideways_scrolling(phone, "the check-in search results")
    submit(
        phone,
        "Check in Saltley Kitchen Ltd",
        "checked in on a phone",
        scope=f"#registration-{kitchen.pk}",
    )
    expect(phone.locator(".govuk-notification-banner--success")).to_contain_text(
        "Saltley Kitchen Ltd is checked in."
    )
    expect(phone.locator(f"#registration-{kitchen.pk}")).to_contain_text("Attended")
    _assert_no_sideways_scrolling(phone, "the check-in list after a check-in")
    kitchen.refresh_from_db()
    assert kitchen.attendance == Registration.Attendance.ATTENDED and kitchen.checked_in_at

    # The co-operative's attendee never comes; Ward End Print's does.
    visit(phone, checkin, "check-in list again")
    expect(phone.locator(f"#registration-{cooperative.pk}")).to_contain_text(
        "Step-free access and a hearing loop"
    )
    submit(
        phone,
        f"Did not come {names[1]}",
        "no-show on a phone",
        scope=f"#registration-{cooperative.pk}",
    )
    expect(phone.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{names[1]} did not come."
    )
    submit(phone, "Check in Ward End Print", "second check-in", scope=f"#registration-{printer.pk}")
    _assert_no_sideways_scrolling(phone, "the check-in list after a no-show")
    expect(counts).to_have_text("2 checked in, 1 did not come, 0 still to arrive.")
    cooperative.refresh_from_db()
    assert cooperative.attendance == Registration.Attendance.NO_SHOW

    # The outcome report counts who came; the no-show's interest is not in the funnel.
    visit(phone, f"/events/manage/{event.pk}/outcomes/", "outcome report on a phone")
    _assert_no_sideways_scrolling(phone, "the outcome report")
    funnel = phone.get_by_role("list", name="From attending to winning work")
    attended = funnel.get_by_role("listitem").filter(has_text="Attended")
    expect(attended).to_contain_text("2")
    expect(attended).to_contain_text("1 did not come; 0 not recorded.")
    interested = funnel.get_by_role("listitem").filter(has_text="Registered interest afterwards")
    expect(interested.locator(".ll-stats__figure")).to_have_text("1")
    rows = phone.locator("#business-outcomes tbody tr")
    expect(rows.filter(has_text="Saltley Kitchen Ltd")).to_contain_text("Attended")
    expect(rows.filter(has_text=names[1])).to_contain_text("Did not come")
    expect(rows.filter(has_text="Ward End Print")).to_contain_text("Attended")
