"""The network coordinator's Meet the Buyer pages, under ``/events/manage/`` (``events.urls.manage``):
the events, each event's overview and lifecycle, buyer tables, invite list, registrations, the
1:1 schedule, check-in on the day, the outcome report and the downloads.

Thin views: parse a form, call one service or selector, render. Only coordinators get in (403
for anyone else signed in, sign-in for visitors); officers of the institution at a table may
also read that table's printable schedule and CSV. Each business's schedule (printable and
CSV) is the coordinators' alone here: the business reads its own from ``events.views.public``. A
service's refusal is shown in a GOV.UK error summary on the page it came from; every change
redirects with a message (POST, redirect, GET), so a reload never repeats it.
"""

from events.views.manage.events import (
    event_cancel,
    event_close_registration,
    event_create,
    event_edit,
    event_list,
    event_overview,
    event_publish,
    outcomes,
)
from events.views.manage.invitations import (
    invitation_add,
    invitation_remove,
    invitations,
    invitations_csv,
    invitations_generate,
    invitations_send,
)
from events.views.manage.registrations import (
    attendance_record,
    attendees_csv,
    attendees_xlsx,
    checkin,
    registration_cancel,
    registration_schedule,
    registration_schedule_csv,
    registrations,
)
from events.views.manage.schedule import (
    meeting_move,
    meeting_pin,
    meeting_remove,
    meeting_unpin,
    schedule,
    schedule_generate,
    schedule_send,
)
from events.views.manage.tables import (
    table_add,
    table_edit,
    table_remove,
    table_schedule,
    table_schedule_csv,
    tables,
)

__all__ = [
    "attendance_record",
    "attendees_csv",
    "attendees_xlsx",
    "checkin",
    "event_cancel",
    "event_close_registration",
    "event_create",
    "event_edit",
    "event_list",
    "event_overview",
    "event_publish",
    "invitation_add",
    "invitation_remove",
    "invitations",
    "invitations_csv",
    "invitations_generate",
    "invitations_send",
    "meeting_move",
    "meeting_pin",
    "meeting_remove",
    "meeting_unpin",
    "outcomes",
    "registration_cancel",
    "registration_schedule",
    "registration_schedule_csv",
    "registrations",
    "schedule",
    "schedule_generate",
    "schedule_send",
    "table_add",
    "table_edit",
    "table_remove",
    "table_schedule",
    "table_schedule_csv",
    "tables",
]
