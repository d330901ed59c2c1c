from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    verbose_name = "Opportunities (public search and detail)"
    default_auto_field = "django.db.models.BigAutoField"
    name = "opportunities"
