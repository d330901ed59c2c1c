from django.urls import path

from places.apis import PostcodeDetailApi

app_name = "places-api"

urlpatterns = [
    path("postcodes/<str:postcode>/", PostcodeDetailApi.as_view(), name="postcode-detail"),
]
