"""Public and business pages of Meet the Buyer events, mounted at ``events/``; the coordinators'
pages are in ``events.urls_manage`` at ``events/manage/``. Emails link to these names."""

from django.urls import include, path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("manage/", include("events.urls_manage")),
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
