from django.urls import path

from core.api import IdConverter  # noqa: F401  (registers the <id:...> converter)
from suppliers.apis import BusinessDetailApi, BusinessListApi

app_name = "suppliers-api"

urlpatterns = [
    path("", BusinessListApi.as_view(), name="business-list"),
    path("<id:pk>/", BusinessDetailApi.as_view(), name="business-detail"),
]
