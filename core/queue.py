"""Services fire Celery tasks through here, so the broker-down fallback is
written once.

A task is named by its dotted path ("payments.tasks.receipt_render") or given
as the task itself; a path is imported only when the task is sent, so a
service never imports its tasks module (the tasks import the services).

If the broker cannot be reached, nothing is raised: the work is left where a
beat sweep (or a page that offers to run it again) finds it, and `warning` is
logged on the caller's logger, %-formatted with the task's arguments.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.module_loading import import_string


def delay(task, *args, warning: str, logger: logging.Logger) -> None:
    """Send `task` with `args` now; on a broker error log `warning` instead."""
    if isinstance(task, str):
        task = import_string(task)
    try:
        task.delay(*args)
    except Exception:  # broker down: a sweep or the page picks the work up later
        logger.warning(warning, *args)


def delay_on_commit(task, *args, warning: str, logger: logging.Logger) -> None:
    """`delay` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: delay(task, *args, warning=warning, logger=logger))
