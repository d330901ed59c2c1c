from django.urls import path

from core.api import IdConverter  # noqa: F401  (registers the <id:...> converter)
from opportunities.apis import OpportunityDetailApi, OpportunityListApi

app_name = "opportunities-api"

urlpatterns = [
    path("", OpportunityListApi.as_view(), name="list"),
    path("<id:pk>/", OpportunityDetailApi.as_view(), name="detail"),
]
