from django.apps import AppConfig


class OutagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outages"
    verbose_name = "Outage reports"
