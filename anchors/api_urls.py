"""Officers' contracts and lots, mounted at ``/api/v1/`` (``contracts/...``, ``lots/...``)."""

from django.urls import path

from anchors.apis import (
    ContractCancelApi,
    ContractDetailApi,
    ContractListApi,
    ContractPublishApi,
    ContractSplitApi,
    LotDetailApi,
)
from core.api import IdConverter  # noqa: F401  (registers the <id:...> converter)

app_name = "anchors-api"

urlpatterns = [
    path("contracts/", ContractListApi.as_view(), name="contract-list"),
    path("contracts/<id:pk>/", ContractDetailApi.as_view(), name="contract-detail"),
    path("contracts/<id:pk>/split/", ContractSplitApi.as_view(), name="contract-split"),
    path("contracts/<id:pk>/publish/", ContractPublishApi.as_view(), name="contract-publish"),
    path("contracts/<id:pk>/cancel/", ContractCancelApi.as_view(), name="contract-cancel"),
    path("lots/<id:pk>/", LotDetailApi.as_view(), name="lot-detail"),
]
