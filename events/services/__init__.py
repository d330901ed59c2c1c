"""Writes for Meet the Buyer events (see the modules for the rules each one keeps).

The scheduler's services live in ``events.services.schedule`` and are imported from there.
"""

from events.services.attendance import (
    registration_attendance_reset,
    registration_check_in,
    registration_mark_no_show,
)
from events.services.events import (
    event_cancel,
    event_close_registration,
    event_create,
    event_publish,
    event_update,
    table_add,
    table_remove,
    table_update,
)
from events.services.invitations import (
    invitation_add,
    invitation_decline,
    invitation_from_token,
    invitation_remove,
    invitation_token,
    invitations_send,
    invite_list_generate,
)
from events.services.registrations import (
    registration_cancel,
    registration_create,
    registration_update_choices,
)
from events.services.reminders import event_reminders_send

__all__ = [
    "event_cancel",
    "event_close_registration",
    "event_create",
    "event_publish",
    "event_reminders_send",
    "event_update",
    "invitation_add",
    "invitation_decline",
    "invitation_from_token",
    "invitation_remove",
    "invitation_token",
    "invitations_send",
    "invite_list_generate",
    "registration_attendance_reset",
    "registration_cancel",
    "registration_check_in",
    "registration_create",
    "registration_mark_no_show",
    "registration_update_choices",
    "table_add",
    "table_remove",
    "table_update",
]
