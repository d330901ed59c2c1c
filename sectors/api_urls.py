from django.urls import path

from sectors.apis import CpvDetailApi, CpvSearchApi

app_name = "sectors-api"

urlpatterns = [
    path("cpv/", CpvSearchApi.as_view(), name="cpv-search"),
    path("cpv/<str:code>/", CpvDetailApi.as_view(), name="cpv-detail"),
]
