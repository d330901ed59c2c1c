"""Meet the Buyer events and registrations, mounted at ``/api/v1/``."""

from django.urls import path

from core.api import IdConverter  # noqa: F401  (registers the <id:...> converter)
from events.apis import (
    EventDetailApi,
    EventListApi,
    RegistrationCancelApi,
    RegistrationDetailApi,
    RegistrationListApi,
)

app_name = "events-api"

urlpatterns = [
    path("events/", EventListApi.as_view(), name="event-list"),
    path("events/<id:pk>/", EventDetailApi.as_view(), name="event-detail"),
    path("registrations/", RegistrationListApi.as_view(), name="registration-list"),
    path("registrations/<id:pk>/", RegistrationDetailApi.as_view(), name="registration-detail"),
    path(
        "registrations/<id:pk>/cancel/",
        RegistrationCancelApi.as_view(),
        name="registration-cancel",
    ),
]
