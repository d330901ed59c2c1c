from django.conf import settings
from django.urls import path
from django.views.generic import TemplateView

from ocds import views

app_name = "ocds"

urlpatterns = [
    path(
        "",
        TemplateView.as_view(
            template_name="ocds/policy.html", extra_context={"licence": settings.OCDS["LICENSE"]}
        ),
        name="policy",
    ),
    path("releases.json", views.releases_json, name="releases"),
]
