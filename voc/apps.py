from django.apps import AppConfig


class VocConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "voc"
    verbose_name = "Voice of the customer"
