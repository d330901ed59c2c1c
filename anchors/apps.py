from django.apps import AppConfig


class AnchorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "anchors"
