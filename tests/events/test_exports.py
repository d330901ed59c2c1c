import csv
import io
from datetime import UTC, datetime, timedelta

import icalendar
import openpyxl
import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import timezone

from events import exports, reports
from events.models import BuyerTable, Invitation, Registration
from tests.anchors.factories import InstitutionFactory
from tests.events.factories import (
    BuyerTableFactory,
    EventFactory,
    InvitationFactory,
    MeetingFactory,
    RegistrationFactory,
)
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"
INJECTION = '=HYPERLINK("http://evil.example","click")'
NON_ASCII = "Café Ñandú Łódź Ltd"


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM), "spreadsheets need the byte order mark to read UTF-8"
    return list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"))))


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def attendees():
    """Three confirmed businesses (created out of name order) and two on the waitlist."""
    event = EventFactory()
    table1 = BuyerTableFactory(event=event, number=1, name="Estates")
    table2 = BuyerTableFactory(event=event, number=2, name="Catering")
    zed = RegistrationFactory(event=event, business=BusinessFactory(name="zed bakery"))
    zed.wanted_tables.add(table2, table1)
    MeetingFactory(registration=zed, table=table1, slot=0)
    MeetingFactory(registration=zed, table=table2, slot=1)
    RegistrationFactory(
        event=event,
        business=BusinessFactory(name=NON_ASCII, legal_form="cic"),
        attendee_name="Zoë Ødegård",
        accessibility_needs="Step-free access",
        attendance=Registration.Attendance.ATTENDED,
        checked_in_at=event.starts_at + timedelta(minutes=5),
    )
    RegistrationFactory(event=event, business=BusinessFactory(name=INJECTION))
    now = timezone.now()
    RegistrationFactory(
        event=event,
        business=BusinessFactory(name="Second Waiting Ltd"),
        status=Registration.Status.WAITLISTED,
        waitlisted_at=now,
    )
    RegistrationFactory(
        event=event,
        business=BusinessFactory(name="First Waiting Ltd"),
        status=Registration.Status.WAITLISTED,
        waitlisted_at=now - timedelta(hours=1),
    )
    RegistrationFactory(
        event=event,
        business=BusinessFactory(name="Cancelled Ltd"),
        status=Registration.Status.CANCELLED,
    )
    return event


def test_attendees_csv_lists_confirmed_by_name_then_the_waitlist_in_order(attendees):
    rows = _csv_rows(exports.attendees_csv(event=attendees))

    assert rows[0] == exports.ATTENDEE_HEADERS
    assert [row[0] for row in rows[1:]] == [
        "'" + INJECTION,  # a formula-like name is written as text
        NON_ASCII,
        "zed bakery",  # case does not matter
        "First Waiting Ltd",
        "Second Waiting Ltd",
    ]
    assert [row[9] for row in rows[1:]] == ["Confirmed"] * 3 + ["On the waitlist"] * 2


def test_attendees_csv_writes_each_column(attendees):
    rows = {
        row[0]: dict(zip(exports.ATTENDEE_HEADERS, row, strict=True))
        for row in _csv_rows(exports.attendees_csv(event=attendees))[1:]
    }
    cafe = attendees.registrations.get(business__name=NON_ASCII)

    assert rows[NON_ASCII] == {
        "Business name": NON_ASCII,
        "Legal form": "Community interest company (CIC)",
        "Size class": "Micro (fewer than 10 staff)",
        "VCSE": "Yes",
        "Postcode": "B9 4AA",
        "Postcode district": "B9",
        "Attendee name": "Zoë Ødegård",
        "Attendee email": cafe.attendee_email,
        "Accessibility needs": "Step-free access",
        "Status": "Confirmed",
        "Registered at": _local(cafe.created_at),
        "Attendance": "Attended",
        "Checked in at": _local(cafe.checked_in_at),
        "Number of meetings": "0",
        "Tables wanted": "",
    }
    assert rows["zed bakery"]["Number of meetings"] == "2"
    assert rows["zed bakery"]["Tables wanted"] == "Table 1: Estates; Table 2: Catering"
    assert rows["zed bakery"]["VCSE"] == "No"
    assert rows["zed bakery"]["Checked in at"] == ""


def test_attendees_csv_of_an_empty_event_is_the_header_row():
    rows = _csv_rows(exports.attendees_csv(event=EventFactory()))

    assert rows == [exports.ATTENDEE_HEADERS]


def test_attendees_xlsx_has_a_formatted_attendees_sheet_and_a_waitlist(attendees):
    workbook = openpyxl.load_workbook(io.BytesIO(exports.attendees_xlsx(event=attendees)))

    assert workbook.sheetnames == ["Attendees", "Waitlist"]
    sheet = workbook["Attendees"]
    header = [cell.value for cell in sheet[1]]
    assert header == exports.ATTENDEE_HEADERS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= len(NON_ASCII)
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert names == [INJECTION, NON_ASCII, "zed bakery"]
    injected = sheet["A2"]
    assert injected.data_type == "s"  # text, not a formula
    registered_at = sheet.cell(row=3, column=header.index("Registered at") + 1)
    cafe = attendees.registrations.get(business__name=NON_ASCII)
    assert isinstance(registered_at.value, datetime)
    local = timezone.localtime(cafe.created_at).replace(tzinfo=None)
    assert abs(registered_at.value - local) < timedelta(seconds=1)  # Excel keeps milliseconds
    assert registered_at.is_date
    assert sheet.cell(row=4, column=header.index("Number of meetings") + 1).value == 2
    waitlist = [row[0].value for row in workbook["Waitlist"].iter_rows(min_row=2)]
    assert waitlist == ["First Waiting Ltd", "Second Waiting Ltd"]


def test_attendees_xlsx_of_an_empty_event_has_header_rows():
    workbook = openpyxl.load_workbook(io.BytesIO(exports.attendees_xlsx(event=EventFactory())))

    for sheet in workbook.worksheets:
        assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
            exports.ATTENDEE_HEADERS
        ]


def test_attendees_xlsx_drops_control_characters_rather_than_failing():
    event = EventFactory()
    RegistrationFactory(event=event, accessibility_needs="Hearing loop\x07 please")

    workbook = openpyxl.load_workbook(io.BytesIO(exports.attendees_xlsx(event=event)))

    assert workbook["Attendees"]["I2"].value == "Hearing loop please"


def test_attendee_exports_use_a_fixed_number_of_queries(attendees, django_assert_num_queries):
    with django_assert_num_queries(2):
        exports.attendees_csv(event=attendees)
    with django_assert_num_queries(2):
        exports.attendees_xlsx(event=attendees)


def test_invite_list_csv_lists_the_invitations_on_the_list_by_rank(django_assert_num_queries):
    event = EventFactory()
    InvitationFactory(
        event=event,
        business=BusinessFactory(name=INJECTION),
        rank=2,
        status=Invitation.Status.INVITED,
        sent_at=event.created_at,
    )
    InvitationFactory(
        event=event,
        business=BusinessFactory(name=NON_ASCII),
        rank=1,
        score=0.91234,
        reasons=["Micro-enterprise", "In East Birmingham"],
    )
    InvitationFactory(event=event, rank=3, removed_at=timezone.now())

    with django_assert_num_queries(1):
        data = exports.invite_list_csv(event=event)

    rows = _csv_rows(data)
    assert rows[0] == exports.INVITE_HEADERS
    assert [row[:2] for row in rows[1:]] == [["1", NON_ASCII], ["2", "'" + INJECTION]]
    first = dict(zip(exports.INVITE_HEADERS, rows[1], strict=True))
    assert first["Score"] == "0.912"
    assert first["Why invited"] == "Micro-enterprise; In East Birmingham"
    assert (first["Status"], first["Source"], first["Sent at"]) == (
        "Not sent yet",
        "From matches",
        "",
    )
    assert rows[2][exports.INVITE_HEADERS.index("Sent at")] == _local(event.created_at)


def test_invite_list_csv_of_an_empty_event_is_the_header_row():
    assert _csv_rows(exports.invite_list_csv(event=EventFactory())) == [exports.INVITE_HEADERS]


def test_table_schedule_csv_has_a_row_for_every_slot(django_assert_num_queries):
    table = BuyerTableFactory()
    event = table.event
    registration = RegistrationFactory(
        event=event, business=BusinessFactory(name=INJECTION), attendee_name="Zoë"
    )
    registration.wanted_tables.add(table)
    MeetingFactory(registration=registration, table=table, slot=2)
    table = BuyerTable.objects.select_related("event").get(pk=table.pk)

    with django_assert_num_queries(1):
        data = exports.table_schedule_csv(table=table)

    rows = _csv_rows(data)
    assert rows[0] == exports.TABLE_SCHEDULE_HEADERS
    assert len(rows) == 1 + event.slot_count
    assert rows[3] == [
        "3",
        _local(event.slot_starts_at(2)),
        _local(event.slot_ends_at(2)),
        "'" + INJECTION,
        "Zoë",
        "Yes",
    ]
    assert (
        rows[1] == ["1", _local(event.slot_starts_at(0)), _local(event.slot_ends_at(0))] + [""] * 3
    )


def test_business_schedule_csv_lists_the_meetings_in_time_order(django_assert_num_queries):
    registration = RegistrationFactory()
    event = registration.event
    second = BuyerTableFactory(
        event=event, number=2, name="Facilities", institution=InstitutionFactory(name="NHS Trust")
    )
    first = BuyerTableFactory(
        event=event,
        number=1,
        name="Catering",
        buyers="Jo Buyer",
        institution=InstitutionFactory(name="Birmingham City Council"),
    )
    MeetingFactory(registration=registration, table=second, slot=5)
    MeetingFactory(registration=registration, table=first, slot=0)

    with django_assert_num_queries(1):
        data = exports.business_schedule_csv(registration=registration)

    rows = _csv_rows(data)
    assert rows[0] == exports.BUSINESS_SCHEDULE_HEADERS
    assert rows[1] == [
        "1",
        _local(event.slot_starts_at(0)),
        _local(event.slot_ends_at(0)),
        "1",
        "Catering",
        "Birmingham City Council",
        "Jo Buyer",
        "No",
    ]
    assert [row[0] for row in rows[1:]] == ["1", "6"]


def test_business_schedule_csv_without_meetings_is_the_header_row():
    data = exports.business_schedule_csv(registration=RegistrationFactory())

    assert _csv_rows(data) == [exports.BUSINESS_SCHEDULE_HEADERS]


def _calendar(registration) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(exports.registration_ics(registration=registration))


def _utc_stamp(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def test_registration_ics_has_the_event_and_each_meeting_in_utc(django_assert_num_queries):
    event = EventFactory(title="Meet the Buyer: Café and catering")
    registration = RegistrationFactory(event=event, attendee_name="Zoë")
    table = BuyerTableFactory(
        event=event, number=3, name="Catering", institution=InstitutionFactory(name="Trust")
    )
    MeetingFactory(registration=registration, table=table, slot=2)
    registration = Registration.objects.select_related("event").get(pk=registration.pk)

    with django_assert_num_queries(1):
        data = exports.registration_ics(registration=registration)

    calendar = icalendar.Calendar.from_ical(data)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == exports.PRODID
    main, meeting = calendar.walk("VEVENT")
    assert main["SUMMARY"] == "Meet the Buyer: Café and catering"
    assert main.decoded("DTSTART") == event.starts_at
    assert main.decoded("DTEND") == event.ends_at
    assert f"DTSTART:{_utc_stamp(event.starts_at)}" in data.decode()
    assert main["LOCATION"] == (
        "Bordesley Green community hall, 1 Bordesley Green, Birmingham, B9 4AA"
    )
    assert main["STATUS"] == "CONFIRMED"
    assert "Attending: Zoë" in main["DESCRIPTION"]
    assert "Table 3: Catering (Trust)" in main["DESCRIPTION"]
    assert "DTSTAMP" in main
    assert meeting.decoded("DTSTART") == event.slot_starts_at(2)
    assert meeting.decoded("DTEND") == event.slot_ends_at(2)
    assert f"DTSTART:{_utc_stamp(event.slot_starts_at(2))}" in data.decode()
    assert meeting["SUMMARY"] == "Meeting: Trust, Catering"
    assert meeting["LOCATION"].startswith("Table 3, Bordesley Green community hall")
    assert main["UID"] != meeting["UID"]


def test_registration_ics_is_valid_rfc5545_text():
    registration = RegistrationFactory(event=EventFactory(description="Café Ñandú " * 40))
    MeetingFactory(registration=registration)

    data = exports.registration_ics(registration=registration)

    lines = data.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-2:] == [b"END:VCALENDAR", b""]
    assert all(len(line) <= 75 for line in lines), "lines fold at 75 octets"
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_registration_ics_uids_stay_the_same_when_a_meeting_moves():
    registration = RegistrationFactory()
    meeting = MeetingFactory(registration=registration, slot=1)
    with time_machine.travel(timezone.now()):
        before = [e["UID"] for e in _calendar(registration).walk("VEVENT")]
    meeting.slot = 4
    meeting.save()
    other = RegistrationFactory(event=registration.event)

    after = _calendar(registration).walk("VEVENT")

    assert [e["UID"] for e in after] == before
    assert after[1].decoded("DTSTART") == registration.event.slot_starts_at(4)
    assert _calendar(other).walk("VEVENT")[0]["UID"] != before[0]


def test_registration_ics_without_meetings_has_the_event():
    registration = RegistrationFactory(status=Registration.Status.WAITLISTED)

    events = _calendar(registration).walk("VEVENT")

    assert len(events) == 1
    assert events[0]["STATUS"] == "TENTATIVE"
    assert "waitlist" in events[0]["DESCRIPTION"]


def test_registration_ics_for_an_online_event_gives_the_link():
    event = EventFactory(
        venue_name="", venue_address="", venue_postcode="", online_url="https://meet.example/abc"
    )

    (main,) = _calendar(RegistrationFactory(event=event)).walk("VEVENT")

    assert main["LOCATION"] == "https://meet.example/abc"


def test_registration_ics_marks_a_cancelled_event_cancelled():
    registration = RegistrationFactory(event=EventFactory(cancelled=True))
    MeetingFactory(registration=registration)

    statuses = [e["STATUS"] for e in _calendar(registration).walk("VEVENT")]

    assert statuses == ["CANCELLED", "CANCELLED"]


def test_printable_table_schedule_shows_every_slot_and_escapes_names():
    table = BuyerTableFactory(name="Catering", institution=InstitutionFactory(name="NHS Trust"))
    event = table.event
    registration = RegistrationFactory(
        event=event, business=BusinessFactory(name="<b>Bold</b> Café"), attendee_name="Zoë"
    )
    registration.wanted_tables.add(table)
    MeetingFactory(registration=registration, table=table, slot=1)
    table = BuyerTable.objects.select_related("event", "institution").get(pk=table.pk)

    html = render_to_string(
        "events/print/table_schedule.html",
        {"event": event, "table": table, "rows": reports.table_schedule(table=table)},
    )

    assert f"Table {table.number}: Catering" in html
    assert "NHS Trust" in html and "Bordesley Green community hall" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; Café" in html and "<b>Bold" not in html
    assert html.count(">Free<") == event.slot_count - 1
    assert timezone.localtime(event.slot_starts_at(1)).strftime("%H:%M") in html
    assert "@media print" in html


def test_printable_business_schedule_lists_the_meetings_or_says_there_are_none():
    registration = RegistrationFactory(business=BusinessFactory(name="Café Ñandú"))
    event = registration.event
    table = BuyerTableFactory(
        event=event, name="Estates", buyers="Jo Buyer", institution=InstitutionFactory(name="Uni")
    )

    def render():
        return render_to_string(
            "events/print/business_schedule.html",
            {
                "event": event,
                "registration": registration,
                "rows": reports.business_schedule(registration=registration),
            },
        )

    assert "No meetings are scheduled for you yet" in render()
    MeetingFactory(registration=registration, table=table, slot=0)
    html = render()
    assert "Meeting schedule for Café Ñandú" in html
    assert f"Table {table.number}: Estates" in html and "Jo Buyer" in html and "Uni" in html
    assert timezone.localtime(event.slot_starts_at(0)).strftime("%H:%M") in html
