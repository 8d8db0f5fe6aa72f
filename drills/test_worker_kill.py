"""Drill 1: a Celery worker killed with SIGKILL in the middle of a receipt, an
SMS and an escalation; each must happen exactly once in effect.

The worker runs the project's app with the drills' pause points
(drills/hooks.py): the receipt task stops after its PDF is in storage and the
row says rendered, the SMS task after the fake gateway (DatabaseSMSBackend's
SentSMS table) recorded the delivery, the SLA sweep after it claimed a late
clock and wrote the escalations to the outbox; none has committed. There is
no beat: the tasks can only come back by redelivery.

Two ways to die:
A. the whole worker (main process and its pool) is SIGKILLed, as the kernel's
   OOM killer or a lost container does; nothing acknowledged the tasks
   (acks_late), so Redis gives them to a new worker once the visibility
   timeout (CELERY_VISIBILITY_TIMEOUT, 10 s in the drills) has passed;
B. only the pool process running each task is SIGKILLed; the worker sees the
   child lost and puts the task back at once (task_reject_on_worker_lost).
"""

from __future__ import annotations

import os
import re
import signal
import time

import pytest

from drills import seed, services, stack
from drills.conftest import use_database

pytestmark = pytest.mark.drill(name="1. worker SIGKILL mid-task")

POINTS = ("receipt", "sms", "escalation")
DB = "drill_worker"


def _work(actors):
    """A paid request (receipt to render, SMS to send) and a late clock,
    queued while no worker runs; then the sweep that escalates it."""
    from pea_portal.celery import app

    _req, receipt = seed.paid_request(actors)
    late = seed.late_request(actors)
    app.send_task("sla.tasks.sweep")
    return receipt, late


def _settled(receipt, late) -> bool:
    from notifications.models import OutboxMessage
    from payments.models import Receipt
    from sla.models import Clock

    if Receipt.objects.filter(pk=receipt.pk, rendered_at__isnull=True).exists():
        return False
    if OutboxMessage.objects.filter(status="pending").exists():
        return False
    return Clock.objects.filter(
        request=late, step_code="accept", breach_notified_at__isnull=False
    ).exists()


def _receipt_files(storage, receipt) -> list[str]:
    return sorted(
        p.name
        for p in storage.glob(f"receipts/**/{receipt.number}*.pdf")
        if "-copy" not in p.name
    )


def _markers(folder) -> dict[str, tuple[int, str, int]]:
    """point: (pid, task id, the row it was working on)."""
    out = {}
    for point in POINTS:
        path = folder / point
        fields = path.read_text().split() if path.exists() else []
        if len(fields) == 3:
            out[point] = (int(fields[0]), fields[1], int(fields[2]))
    return out


def _gateway_calls(folder, outbox_id: int) -> int:
    path = folder / "sms-calls"
    lines = path.read_text().split() if path.exists() else []
    return lines.count(str(outbox_id))


def _check_once(report, label, storage, receipt, late, markers, found):
    """What must hold after recovery: one of everything."""
    from notifications.models import OutboxMessage, SentSMS
    from payments.models import Receipt

    receipt = Receipt.objects.get(pk=receipt.pk)
    files = _receipt_files(storage, receipt)
    report.row(
        f"{label}: receipt render killed after its PDF was written, before commit",
        "one Receipt row, rendered, one PDF file",
        f"{Receipt.objects.filter(payment=receipt.payment).count()} row, rendered="
        f"{receipt.rendered_at is not None}, files: {', '.join(files) or 'none'}",
        Receipt.objects.filter(payment=receipt.payment).count() == 1
        and receipt.rendered_at is not None
        and len(files) == 1
        and receipt.pdf.name.endswith(files[0]),
    )
    sms = OutboxMessage.objects.filter(channel="sms")
    sent_per = [SentSMS.objects.filter(outbox=m).count() for m in sms]
    dupes = (
        sms.values("request", "event", "to", "body").distinct().count() != sms.count()
    )
    killed = found["sms"][2]
    report.row(
        f"{label}: SMS delivery killed after the gateway recorded it, before commit",
        "every SMS sent, the gateway's record shows one delivery per message",
        f"{sms.count()} SMS, {sms.filter(status='sent').count()} sent, deliveries "
        f"per message: {sorted(set(sent_per))}, duplicate messages: {dupes}; the "
        f"killed message's send() was called {_gateway_calls(markers, killed)}x "
        "(the first call's record rolled back with its transaction)",
        sms.exclude(status="sent").count() == 0
        and set(sent_per) == {1}
        and SentSMS.objects.filter(outbox__in=sms).count() == sms.count()
        and not dupes,
    )
    esc = OutboxMessage.objects.filter(request=late, event="sla_breached")
    esc_sms = esc.filter(channel="sms")
    report.row(
        f"{label}: SLA sweep killed after claiming a late clock, before commit",
        "the clock escalated once: one SMS per supervisor, each delivered once",
        f"{esc_sms.count()} escalation SMS to {sorted(esc_sms.values_list('to', flat=True))}"
        f", deliveries: {SentSMS.objects.filter(outbox__in=esc_sms).count()}",
        esc_sms.count() == 2
        and esc_sms.values("to").distinct().count() == 2
        and SentSMS.objects.filter(outbox__in=esc_sms).count() == 2,
    )


def _redelivered(report, label, markers, proc):
    log = proc.log()
    done = {
        point: bool(re.search(rf"\[{re.escape(task)}\] succeeded", log))
        for point, (_pid, task, _ref) in markers.items()
    }
    report.row(
        f"{label}: the killed tasks came back",
        "each killed task (same task id) ran again and succeeded",
        ", ".join(f"{p}: {'yes' if ok else 'no'}" for p, ok in done.items()),
        all(done.values()) and len(done) == len(POINTS),
    )


def _pause_all(report, label, name, env, markers):
    proc = stack.worker(name, env, app="drills.celery_app", concurrency=3)
    took = stack.wait_until(
        lambda: len(_markers(markers)) == len(POINTS), 120, proc=proc
    )
    found = _markers(markers)
    stuck = (
        ""
        if took
        else f"; lock waits: {stack.db_waits(DB) or 'none'}; unfinished: "
        f"{', '.join(stack.unfinished_tasks(proc)) or 'none'}"
    )
    report.row(
        f"{label}: receipt, SMS and escalation tasks started",
        "all three tasks paused mid-way (marker files with pid and task id)",
        f"{len(found)}/3 paused, {took:.1f} s after start"
        if took
        else f"{len(found)}/3 paused ({', '.join(found)}){stuck}",
        took is not None,
    )
    return proc, found


def test_a_worker_killed_mid_task_does_each_thing_exactly_once(report):
    from notifications.models import SentSMS
    from payments.models import Receipt
    from sla.models import Clock

    use_database(DB)
    storage = services.DIR / "worker" / "private"
    actors = seed.people()
    base = stack.app_env(db=DB, storage=storage)

    # A. The whole worker is killed; a new worker gets the tasks back. -------
    label = "A (worker killed)"
    stack.flush_broker()
    receipt, late = _work(actors)
    markers = services.DIR / "worker" / "markers-a"
    markers.mkdir(parents=True)
    env = {**base, "DRILL_PAUSE": ",".join(POINTS), "DRILL_MARKERS": str(markers)}
    w1, found = _pause_all(report, label, "drill-w1", env, markers)
    w2 = None
    try:
        if len(found) == len(POINTS):
            before = _receipt_files(storage, receipt)
            pids = [w1.pid, *w1.children()]
            w1.kill_group(signal.SIGKILL)
            killed_at = time.monotonic()
            gone = stack.wait_until(
                lambda: not any(stack.pid_alive(p) for p in pids), 10
            )
            rolled_back = (
                Receipt.objects.get(pk=receipt.pk).rendered_at is None
                and not SentSMS.objects.filter(outbox=found["sms"][2]).exists()
                and Clock.objects.get(request=late, step_code="accept")
                .breach_notified_at is None
            )  # fmt: skip
            report.row(
                f"{label}: SIGKILL to the worker's process group ({len(pids)} "
                "processes) while all three paused",
                "every process gone; nothing of the three committed",
                f"gone in {gone:.1f} s; rolled back: {rolled_back}; "
                f"PDF files left in storage by the killed render: {len(before)}"
                if gone is not None
                else "processes still alive",
                gone is not None and rolled_back,
            )
            # The markers are there: no pause now, only the gateway's calls kept.
            w2 = stack.worker("drill-w2", env, app="drills.celery_app", concurrency=2)
            took = stack.wait_until(lambda: _settled(receipt, late), 120, proc=w2)
            report.row(
                f"{label}: new worker started (visibility timeout "
                f"{stack.VISIBILITY_TIMEOUT} s)",
                "receipt rendered, SMS sent, clock escalated, without beat",
                f"all done {time.monotonic() - killed_at:.1f} s after the kill"
                if took is not None
                else "not done after 120 s",
                took is not None,
            )
            time.sleep(2)  # anything late and doubled would show now
            _check_once(report, label, storage, receipt, late, markers, found)
            _redelivered(report, label, found, w2)
    finally:
        w1.stop()
        if w2:
            w2.stop()

    # B. Only the pool processes die; the same worker puts the tasks back. ---
    label = "B (pool child killed)"
    stack.flush_broker()
    receipt, late = _work(actors)
    markers = services.DIR / "worker" / "markers-b"
    markers.mkdir(parents=True)
    env = {**base, "DRILL_PAUSE": ",".join(POINTS), "DRILL_MARKERS": str(markers)}
    w3, found = _pause_all(report, label, "drill-w3", env, markers)
    try:
        if len(found) == len(POINTS):
            children = sorted({pid for pid, _task, _ref in found.values()})
            for pid in children:
                os.kill(pid, signal.SIGKILL)
            killed_at = time.monotonic()
            took = stack.wait_until(lambda: _settled(receipt, late), 90, proc=w3)
            lost = w3.log().count("Task handler raised error: WorkerLostError")
            report.row(
                f"{label}: SIGKILL to the {len(children)} pool processes running "
                "the three tasks; the worker's main process lives on",
                "worker lost reported, tasks put back at once (reject on worker "
                "lost) and done by new pool processes; main process unchanged",
                (
                    f"done {time.monotonic() - killed_at:.1f} s after the kill; "
                    f"WorkerLostError for {lost} tasks; main pid {w3.pid} alive: "
                    f"{w3.alive()}"
                )
                if took is not None
                else "not done after 90 s",
                took is not None and lost == len(children) and w3.alive(),
            )
            time.sleep(2)
            _check_once(report, label, storage, receipt, late, markers, found)
            _redelivered(report, label, found, w3)
    finally:
        w3.stop()
    report.assert_all()
