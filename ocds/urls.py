from django.urls import path

from ocds import views

app_name = "ocds"

urlpatterns = [
    path("releases.json", views.releases_json, name="releases"),
]
