from django.apps import AppConfig


class FakepayConfig(AppConfig):
    name = "fakepay"
    verbose_name = "Fake payment provider (development, demo, tests)"
