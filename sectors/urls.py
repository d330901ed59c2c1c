from django.urls import path

from sectors import views

app_name = "sectors"

urlpatterns = [
    path("", views.browse, name="browse"),
]
