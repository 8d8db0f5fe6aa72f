"""Pause points for the worker the drills kill. Installed only in a worker
started with `-A drills.celery_app`; the app's code has none.

DRILL_PAUSE names the points (receipt, sms, escalation), DRILL_MARKERS a
folder. The first task to reach a point writes a marker file there (its pid
and task id) and sleeps, so the drill knows the task is in the middle of its
work and can kill it there; a point pauses only once, so the task runs
through when it is delivered again. Each point is after the task's side
effect is written and before its transaction commits: the hardest moment
to die."""

import os
import time
from pathlib import Path


def _pause(point: str, ref: object = "") -> None:
    points = os.environ.get("DRILL_PAUSE", "").split(",")
    if point not in points:
        return
    marker = Path(os.environ["DRILL_MARKERS"]) / point
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return  # paused once already: run through
    from celery import current_task

    task_id = current_task.request.id if current_task else ""
    os.write(fd, f"{os.getpid()} {task_id} {ref}\n".encode())
    os.close(fd)
    time.sleep(float(os.environ.get("DRILL_PAUSE_SECONDS", "300")))


def install() -> None:
    from notifications.backends import DatabaseSMSBackend
    from payments.models import Receipt
    from sla import sweep

    # Receipt: the PDF is in storage and the row says rendered, uncommitted.
    receipt_save = Receipt.save

    def save(self, *args, **kwargs):
        receipt_save(self, *args, **kwargs)
        if "rendered_at" in (kwargs.get("update_fields") or ()):
            _pause("receipt", self.pk)

    Receipt.save = save

    # SMS: the gateway's record of the delivery is written, uncommitted.
    sms_send = DatabaseSMSBackend.send

    def send(self, message):
        # Every call, committed or not, as a gateway outside our transaction
        # would see it.
        if os.environ.get("DRILL_MARKERS"):
            with open(Path(os.environ["DRILL_MARKERS"]) / "sms-calls", "a") as f:
                f.write(f"{message.pk}\n")
        sms_send(self, message)
        _pause("sms", message.pk)

    DatabaseSMSBackend.send = send

    # Escalation: the clock is claimed and its messages are in the outbox,
    # uncommitted.
    notify = sweep._notify

    def _notify(clock, event, recipients):
        notify(clock, event, recipients)
        if event == "sla_breached":
            _pause("escalation", clock.pk)

    sweep._notify = _notify
