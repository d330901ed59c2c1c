"""The buyer workspace, mounted at ``/buyer/``. The officer's lot page (matches, interests,
questions) is ``matching:officer_lot_detail`` at ``/buyer/lots/<id>/``."""

from django.urls import path

from anchors.views import awards, contracts, lots, splitting

app_name = "anchors"

urlpatterns = [
    path("contracts/", contracts.contracts, name="contracts"),
    path("contracts/new/", contracts.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", contracts.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", contracts.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/split/", splitting.contract_split, name="contract_split"),
    path(
        "contracts/<int:pk>/split/lots/", splitting.contract_split_lots, name="contract_split_lots"
    ),
    path("contracts/<int:pk>/publish/", contracts.contract_publish, name="contract_publish"),
    path("contracts/<int:pk>/cancel/", contracts.contract_cancel, name="contract_cancel"),
    path("lots/<int:pk>/edit/", lots.lot_edit, name="lot_edit"),
    path(
        "lots/<int:pk>/reservation-check/",
        lots.reservation_check,
        name="reservation_check",
    ),
    path("lots/<int:pk>/award/", awards.award_record, name="award_record"),
]
