from django.apps import AppConfig


class NetworkConfig(AppConfig):
    verbose_name = "Network dashboards"
    default_auto_field = "django.db.models.BigAutoField"
    name = "network"
