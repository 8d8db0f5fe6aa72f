import os
import sys

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pea_portal.settings")

app = Celery("pea_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _refuse_unsafe_start(**kwargs) -> None:
    """A worker applies payment callbacks: it does not start on the development
    defaults that DEBUG off refuses (core/checks.py), as gunicorn does not."""
    import django
    from django.apps import apps

    if not apps.ready:  # Celery's Django fixup has normally set it up already
        django.setup()
    from django.core.exceptions import ImproperlyConfigured

    from core.checks import refuse_unsafe_start

    try:
        refuse_unsafe_start()
    except ImproperlyConfigured as exc:
        # Celery logs and ignores a receiver's exception: exit instead.
        print(f"celery worker: {exc}", file=sys.stderr)
        raise SystemExit(1) from exc
