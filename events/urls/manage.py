"""The coordinators' pages' addresses (``events.views.manage``), under ``events/manage/``
(namespace ``events``; every name here starts ``manage_``). Officers of a participating
institution may open their tables' printable schedules and CSVs; everything else, each
business's schedule included, is for network coordinators."""

from django.urls import path

from events.views import manage as views

urlpatterns = [
    path("", views.event_list, name="manage_list"),
    path("new/", views.event_create, name="manage_create"),
    path("<int:pk>/", views.event_overview, name="manage_detail"),
    path("<int:pk>/edit/", views.event_edit, name="manage_edit"),
    path("<int:pk>/publish/", views.event_publish, name="manage_publish"),
    path(
        "<int:pk>/close-registration/",
        views.event_close_registration,
        name="manage_close_registration",
    ),
    path("<int:pk>/cancel/", views.event_cancel, name="manage_cancel"),
    # Buyer tables
    path("<int:pk>/tables/", views.tables, name="manage_tables"),
    path("<int:pk>/tables/new/", views.table_add, name="manage_table_add"),
    path("<int:pk>/tables/<int:table_pk>/edit/", views.table_edit, name="manage_table_edit"),
    path("<int:pk>/tables/<int:table_pk>/remove/", views.table_remove, name="manage_table_remove"),
    path(
        "<int:pk>/tables/<int:table_pk>/schedule/",
        views.table_schedule,
        name="manage_table_schedule",
    ),
    path(
        "<int:pk>/tables/<int:table_pk>/schedule.csv",
        views.table_schedule_csv,
        name="manage_table_schedule_csv",
    ),
    # Invite list
    path("<int:pk>/invitations/", views.invitations, name="manage_invitations"),
    path(
        "<int:pk>/invitations/generate/",
        views.invitations_generate,
        name="manage_invitations_generate",
    ),
    path("<int:pk>/invitations/add/", views.invitation_add, name="manage_invitation_add"),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/remove/",
        views.invitation_remove,
        name="manage_invitation_remove",
    ),
    path("<int:pk>/invitations/send/", views.invitations_send, name="manage_invitations_send"),
    path("<int:pk>/invitations.csv", views.invitations_csv, name="manage_invitations_csv"),
    # Registrations
    path("<int:pk>/registrations/", views.registrations, name="manage_registrations"),
    path(
        "<int:pk>/registrations/<int:registration_pk>/cancel/",
        views.registration_cancel,
        name="manage_registration_cancel",
    ),
    path(
        "<int:pk>/registrations/<int:registration_pk>/schedule/",
        views.registration_schedule,
        name="manage_registration_schedule",
    ),
    path(
        "<int:pk>/registrations/<int:registration_pk>/schedule.csv",
        views.registration_schedule_csv,
        name="manage_registration_schedule_csv",
    ),
    path("<int:pk>/attendees.csv", views.attendees_csv, name="manage_attendees_csv"),
    path("<int:pk>/attendees.xlsx", views.attendees_xlsx, name="manage_attendees_xlsx"),
    # Schedule
    path("<int:pk>/schedule/", views.schedule, name="manage_schedule"),
    path("<int:pk>/schedule/generate/", views.schedule_generate, name="manage_schedule_generate"),
    path("<int:pk>/schedule/send/", views.schedule_send, name="manage_schedule_send"),
    path("<int:pk>/meetings/<int:meeting_pk>/pin/", views.meeting_pin, name="manage_meeting_pin"),
    path(
        "<int:pk>/meetings/<int:meeting_pk>/unpin/",
        views.meeting_unpin,
        name="manage_meeting_unpin",
    ),
    path(
        "<int:pk>/meetings/<int:meeting_pk>/move/", views.meeting_move, name="manage_meeting_move"
    ),
    path(
        "<int:pk>/meetings/<int:meeting_pk>/remove/",
        views.meeting_remove,
        name="manage_meeting_remove",
    ),
    # On the day and after
    path("<int:pk>/check-in/", views.checkin, name="manage_checkin"),
    path(
        "<int:pk>/check-in/<int:registration_pk>/",
        views.attendance_record,
        name="manage_attendance",
    ),
    path("<int:pk>/outcomes/", views.outcomes, name="manage_outcomes"),
]
