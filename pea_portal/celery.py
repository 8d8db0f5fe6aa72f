import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pea_portal.settings")

app = Celery("pea_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
