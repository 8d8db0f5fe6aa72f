from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "sla"

    def ready(self):
        from sla import signals  # noqa: F401
