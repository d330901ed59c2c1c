from django.urls import path

from accounts.apis import TokenApi

app_name = "accounts-api"

urlpatterns = [
    path("token/", TokenApi.as_view(), name="token"),
]
