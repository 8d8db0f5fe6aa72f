from django.apps import AppConfig


class BillsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bills"
    verbose_name = "Electricity bills"

    def ready(self):
        from bills import checks  # noqa: F401  (registers the system checks)
