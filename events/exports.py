"""An event's files: attendee list (CSV, XLSX), invite list, schedules (CSV) and calendars (.ics).

Every function reads with fixed joins and returns the file's bytes; the views only add the
filename and content type. CSV files follow the network dashboard's conventions
(``network.exports``): UTF-8 with a byte order mark (spreadsheets then read the file as UTF-8),
plain numbers, local times as ``2026-03-01 09:15``, and text cells a spreadsheet would run as a
formula get a leading apostrophe (OWASP "CSV injection"). The XLSX keeps such text as a string
cell (never a formula) and dates as real dates in local time. An event with nothing to list
still gives a valid file with its header row (and the calendar its event).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from events import reports
from events.models import BuyerTable, Event, Invitation, Registration
from network.exports import FORMULA_PREFIXES, text
from suppliers.models import Business

PRODID = "-//LocalLots//Meet the Buyer//EN"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_MAX_WIDTH = 60

ATTENDEE_HEADERS = [
    "Business name",
    "Legal form",
    "Size class",
    "VCSE",
    "Postcode",
    "Postcode district",
    "Attendee name",
    "Attendee email",
    "Accessibility needs",
    "Status",
    "Registered at",
    "Attendance",
    "Checked in at",
    "Number of meetings",
    "Tables wanted",
]
INVITE_HEADERS = [
    "Rank",
    "Business name",
    "Legal form",
    "Size class",
    "VCSE",
    "Postcode",
    "Postcode district",
    "Score",
    "Status",
    "Source",
    "Why invited",
    "Sent at",
    "Responded at",
]
TABLE_SCHEDULE_HEADERS = [
    "Slot",
    "Starts at",
    "Ends at",
    "Business",
    "Attendee",
    "Asked to meet this table",
]
BUSINESS_SCHEDULE_HEADERS = [
    "Slot",
    "Starts at",
    "Ends at",
    "Table",
    "Table name",
    "Institution",
    "Buyers",
    "Asked to meet this table",
]


def filename(*, event: Event, name: str, extension: str) -> str:
    """``locallots-event-12-attendees.csv``: the event id keeps same-titled events apart."""
    return f"locallots-event-{event.pk}-{name}.{extension}"


def registration_filename(*, registration: Registration, name: str, extension: str) -> str:
    """``locallots-event-12-saltley-kitchen-ltd-schedule.csv``: one business's file, named the
    same whether the business or a coordinator downloads it."""
    business = slugify(registration.business.name)[:40] or "business"
    return filename(event=registration.event, name=f"{business}-{name}", extension=extension)


# Cells -------------------------------------------------------------------------------------


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, int | float):
        return str(value)
    return text(value)


def _csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _business_cells(business) -> list:
    return [
        business.name,
        business.get_legal_form_display(),
        Business.SizeClass(business.size_class).label if business.size_class else "",
        _yes_no(business.is_vcse),
        business.postcode,
        business.district,
    ]


# Attendees ---------------------------------------------------------------------------------


def _attendee_registrations(event: Event) -> list[Registration]:
    """Confirmed by business name, then the waitlist in the order places are offered."""
    registrations = (
        Registration.objects.filter(event=event)
        .active()
        .select_related("business")
        .annotate(meeting_count=Count("meetings"))
        .prefetch_related(Prefetch("wanted_tables", queryset=BuyerTable.objects.order_by("number")))
    )

    def order(registration: Registration):
        if registration.status == Registration.Status.CONFIRMED:
            return (0, registration.business.name.casefold(), registration.business_id, 0)
        return (1, "", registration.waitlisted_at or registration.created_at, registration.pk)

    return sorted(registrations, key=order)


def _attendee_cells(registration: Registration) -> list:
    return [
        *_business_cells(registration.business),
        registration.attendee_name,
        registration.attendee_email,
        registration.accessibility_needs,
        registration.get_status_display(),
        registration.created_at,
        registration.get_attendance_display(),
        registration.checked_in_at,
        registration.meeting_count,
        "; ".join(f"Table {t.number}: {t.name}" for t in registration.wanted_tables.all()),
    ]


def attendees_csv(*, event: Event) -> bytes:
    """Confirmed and waitlisted registrations, one a row (two queries)."""
    return _csv_bytes(ATTENDEE_HEADERS, map(_attendee_cells, _attendee_registrations(event)))


def _xlsx_value(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters openpyxl refuses
    return value


def _write_sheet(sheet, headers: Sequence[str], rows: list[list]) -> None:
    """A header row in bold, frozen, columns wide enough for their text (up to a limit)."""
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = [len(header) for header in headers]
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column, value=_xlsx_value(value))
            if isinstance(value, str):
                cell.data_type = "s"  # "=HYPERLINK(...)" stays text, never a formula
                if cell.value.startswith(FORMULA_PREFIXES):
                    cell.quotePrefix = True  # and stays text when someone edits the cell
            elif isinstance(value, datetime):
                cell.number_format = XLSX_DATETIME_FORMAT
            width = 16 if isinstance(value, datetime) else len(str(value or ""))
            widths[column - 1] = max(widths[column - 1], width)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, XLSX_MAX_WIDTH)


def attendees_xlsx(*, event: Event) -> bytes:
    """Sheet "Attendees" (confirmed) and sheet "Waitlist", same columns (two queries)."""
    registrations = _attendee_registrations(event)
    workbook = Workbook()
    attendees = workbook.active
    attendees.title = "Attendees"
    waitlist = workbook.create_sheet("Waitlist")
    for sheet, status in (
        (attendees, Registration.Status.CONFIRMED),
        (waitlist, Registration.Status.WAITLISTED),
    ):
        rows = [_attendee_cells(r) for r in registrations if r.status == status]
        _write_sheet(sheet, ATTENDEE_HEADERS, rows)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# Invite list and schedules -----------------------------------------------------------------


def _invitation_cells(invitation: Invitation) -> list:
    return [
        invitation.rank,
        *_business_cells(invitation.business),
        f"{invitation.score:.3f}",
        invitation.get_status_display(),
        invitation.get_source_display(),
        "; ".join(str(reason) for reason in invitation.reasons or ()),
        invitation.sent_at,
        invitation.responded_at,
    ]


def invite_list_csv(*, event: Event) -> bytes:
    """The invite list as the coordinator sees it: not removed, best ranked first (one query)."""
    invitations = Invitation.objects.filter(event=event).on_list().select_related("business")
    return _csv_bytes(INVITE_HEADERS, map(_invitation_cells, invitations))


def table_schedule_csv(*, table: BuyerTable) -> bytes:
    """Every slot of the table, empty ones with blank cells (one query; table with event)."""
    rows = [
        [
            row.number,
            row.starts_at,
            row.ends_at,
            row.business.name if row.meeting else "",
            row.attendee_name,
            _yes_no(row.wanted) if row.meeting else "",
        ]
        for row in reports.table_schedule(table=table)
    ]
    return _csv_bytes(TABLE_SCHEDULE_HEADERS, rows)


def business_schedule_csv(*, registration: Registration) -> bytes:
    """The registration's meetings in time order (one query)."""
    rows = [
        [
            row.number,
            row.starts_at,
            row.ends_at,
            row.table.number,
            row.table.name,
            row.institution_name,
            row.buyers,
            _yes_no(row.wanted),
        ]
        for row in reports.business_schedule(registration=registration)
    ]
    return _csv_bytes(BUSINESS_SCHEDULE_HEADERS, rows)


# Calendar ----------------------------------------------------------------------------------


def _uid(*parts) -> str:
    """A UID that stays the same when the file is downloaded again (RFC 5545 3.8.4.7)."""
    host = urlsplit(settings.SITE_URL).hostname or "locallots"
    return "-".join(["locallots", *map(str, parts)]) + f"@{host}"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _location(event: Event) -> str:
    if event.is_online:
        return event.online_url
    lines = [event.venue_name, *event.venue_address.splitlines()]
    if event.venue_postcode and event.venue_postcode not in event.venue_address:
        lines.append(event.venue_postcode)
    return ", ".join(line.strip() for line in lines if line.strip())


def _ics_status(event: Event, registration: Registration) -> str:
    if event.cancelled_at or registration.status == Registration.Status.CANCELLED:
        return "CANCELLED"
    if registration.status == Registration.Status.WAITLISTED:
        return "TENTATIVE"
    return "CONFIRMED"


def _meeting_line(row: reports.BusinessScheduleRow) -> str:
    start = timezone.localtime(row.starts_at).strftime("%H:%M")
    end = timezone.localtime(row.ends_at).strftime("%H:%M")
    return f"{start}-{end} Table {row.table.number}: {row.table.name} ({row.institution_name})"


def _event_description(event: Event, registration: Registration, rows) -> str:
    parts = [event.description.strip(), f"Attending: {registration.attendee_name}"]
    if registration.status == Registration.Status.WAITLISTED:
        parts.append("You are on the waitlist: we will email you if a place comes up.")
    if event.online_url and not event.is_online:
        parts.append(f"Join online: {event.online_url}")
    if rows:
        parts.append("Your 1:1 meetings:\n" + "\n".join(map(_meeting_line, rows)))
    return "\n\n".join(part for part in parts if part)


def _vevent(*, uid, stamp, starts_at, ends_at, summary, location, description, status):
    vevent = icalendar.Event()
    vevent.add("uid", uid)
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", _utc(starts_at))
    vevent.add("dtend", _utc(ends_at))
    vevent.add("summary", summary)
    if location:
        vevent.add("location", location)
    vevent.add("description", description)
    vevent.add("status", status)
    return vevent


def registration_ics(*, registration: Registration) -> bytes:
    """A calendar with the event and each 1:1 meeting, times in UTC (one query; pass the
    registration with its event loaded). A meeting's UID is the registration and the table,
    so a moved meeting updates the calendar entry instead of adding a second one."""
    event = registration.event
    rows = reports.business_schedule(registration=registration)
    stamp = _utc(timezone.now().replace(microsecond=0))
    status = _ics_status(event, registration)
    location = _location(event)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", event.title)
    calendar.add_component(
        _vevent(
            uid=_uid("event", event.pk, "registration", registration.pk),
            stamp=stamp,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            summary=event.title,
            location=location,
            description=_event_description(event, registration, rows),
            status=status,
        )
    )
    for row in rows:
        where = f"Table {row.table.number}" + (f", {location}" if location else "")
        buyers = f"\nBuyers: {row.buyers}" if row.buyers else ""
        calendar.add_component(
            _vevent(
                uid=_uid("event", event.pk, "registration", registration.pk, "table", row.table.pk),
                stamp=stamp,
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                summary=f"Meeting: {row.institution_name}, {row.table.name}",
                location=where,
                description=f"1:1 meeting at {event.title}, table {row.table.number}.{buyers}",
                status=status,
            )
        )
    return calendar.to_ical()
