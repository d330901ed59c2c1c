"""The public and business pages' addresses (``events.views.public``), under ``events/``."""

from django.urls import path

from events.views import public as views

urlpatterns = [
    path("", views.event_list, name="list"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/register/", views.register, name="register"),
    path("rsvp/<str:token>/", views.rsvp, name="rsvp"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration"),
    path(
        "registrations/<int:pk>/choices/",
        views.registration_choices,
        name="registration_choices",
    ),
    path("registrations/<int:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("registrations/<int:pk>/calendar.ics", views.registration_ics, name="registration_ics"),
    path(
        "registrations/<int:pk>/schedule/",
        views.registration_schedule,
        name="registration_schedule",
    ),
    path(
        "registrations/<int:pk>/schedule.csv",
        views.registration_schedule_csv,
        name="registration_schedule_csv",
    ),
]
