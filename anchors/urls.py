"""The buyer workspace, mounted at ``/buyer/``. The officer's lot page (matches, interests,
questions) is ``matching:officer_lot_detail`` at ``/buyer/lots/<id>/``."""

from django.urls import path

from anchors import views

app_name = "anchors"

urlpatterns = [
    path("contracts/", views.contracts, name="contracts"),
    path("contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/split/", views.contract_split, name="contract_split"),
    path("contracts/<int:pk>/split/lots/", views.contract_split_lots, name="contract_split_lots"),
    path("contracts/<int:pk>/publish/", views.contract_publish, name="contract_publish"),
    path("contracts/<int:pk>/cancel/", views.contract_cancel, name="contract_cancel"),
    path("lots/<int:pk>/edit/", views.lot_edit, name="lot_edit"),
    path(
        "lots/<int:pk>/reservation-check/",
        views.reservation_check,
        name="reservation_check",
    ),
    path("lots/<int:pk>/award/", views.award_record, name="award_record"),
]
