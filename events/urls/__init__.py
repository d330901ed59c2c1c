"""Meet the Buyer's addresses, mounted at ``events/`` (namespace ``events``): the public and
business pages (``events.urls.public``) and the coordinators' pages at ``events/manage/``
(``events.urls.manage``, names starting ``manage_``). Emails link to these names. The API's
are ``events.api_urls``, as every app's are."""

from django.urls import include, path

from events.urls import public

app_name = "events"

urlpatterns = [
    path("manage/", include("events.urls.manage")),
    *public.urlpatterns,
]
