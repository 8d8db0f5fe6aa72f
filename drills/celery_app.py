"""The project's Celery app (pea_portal/celery.py) with the drills' pause
points installed: `celery -A drills.celery_app worker`, in drills only."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pea_portal.settings")
django.setup()

from drills import hooks  # noqa: E402
from pea_portal.celery import app  # noqa: E402

hooks.install()

__all__ = ["app"]
