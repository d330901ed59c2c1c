"""Interests and matches, mounted at ``/api/v1/`` (``interests/...``, ``matches/``)."""

from django.urls import path

from core.api import IdConverter  # noqa: F401  (registers the <id:...> converter)
from matching.apis import (
    InterestDeclineApi,
    InterestListApi,
    InterestShortlistApi,
    InterestWithdrawApi,
    MatchListApi,
)

app_name = "matching-api"

urlpatterns = [
    path("interests/", InterestListApi.as_view(), name="interest-list"),
    path("interests/<id:pk>/withdraw/", InterestWithdrawApi.as_view(), name="interest-withdraw"),
    path("interests/<id:pk>/shortlist/", InterestShortlistApi.as_view(), name="interest-shortlist"),
    path("interests/<id:pk>/decline/", InterestDeclineApi.as_view(), name="interest-decline"),
    path("matches/", MatchListApi.as_view(), name="match-list"),
]
