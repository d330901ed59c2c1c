from django.urls import path

from opportunities import views

app_name = "opportunities"

urlpatterns = [
    path("", views.home, name="home"),
    path("opportunities/", views.search, name="search"),
    path("opportunities/<int:lot_id>/", views.detail, name="detail"),
    path("opportunities/<int:lot_id>/ask/", views.ask, name="ask"),
    path("buyer/lots/<int:lot_id>/questions/", views.officer_questions, name="officer_questions"),
    path("buyer/questions/<int:pk>/answer/", views.answer, name="answer"),
]
