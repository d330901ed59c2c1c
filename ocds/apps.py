from django.apps import AppConfig


class OcdsConfig(AppConfig):
    verbose_name = "Open contracting data (OCDS)"
    default_auto_field = "django.db.models.BigAutoField"
    name = "ocds"
