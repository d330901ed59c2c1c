from django.apps import AppConfig


class EventsConfig(AppConfig):
    verbose_name = "Meet the Buyer events"
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
