"""Business pages, mounted at ``business/``: the profile and its question pages."""

from django.urls import path

from suppliers import views

app_name = "suppliers"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/check/", views.profile_check, name="profile_check"),
    path("profile/done/", views.profile_done, name="profile_done"),
    path("profile/<slug:step>/", views.profile_step, name="profile_step"),
]
