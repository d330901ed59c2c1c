"""Matching pages. Included at the site root: the paths are the ones DESIGN section 5 names
(``/business/...``, ``/buyer/...``) and the email links rely on their names."""

from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("business/matches/", views.my_matches, name="my_matches"),
    path("business/matches/<int:pk>/", views.match_detail, name="match_detail"),
    path("business/matches/<int:pk>/dismiss/", views.match_dismiss, name="match_dismiss"),
    path(
        "business/lots/<int:lot_id>/interest/",
        views.interest_register,
        name="interest_register",
    ),
    path("business/interests/", views.my_interests, name="my_interests"),
    path(
        "business/interests/<int:pk>/withdraw/",
        views.interest_withdraw,
        name="interest_withdraw",
    ),
    path("buyer/lots/", views.officer_lots, name="officer_lots"),
    path("buyer/lots/<int:lot_id>/", views.officer_lot_detail, name="officer_lot_detail"),
    path(
        "buyer/lots/<int:lot_id>/interests/<int:pk>/decide/",
        views.interest_decide,
        name="interest_decide",
    ),
    path("account/alerts/", views.alert_preferences, name="alert_preferences"),
    path("alerts/unsubscribe/<str:token>/", views.digest_unsubscribe, name="digest_unsubscribe"),
]
