"""Drill 4: two beat schedulers at once (as when a second beat container is
started by mistake, or an old one lingers during a deploy): two `celery beat`
processes with the project's schedule, their own schedule and pid files (the
default pid file only stops a second beat on the same host), and one worker
with three pool processes so their tasks overlap (started once both beats
have queued sweeps, so that several run at once). The SLA sweep runs every
second from each beat; 20 clocks are past due; 40 notifications are left
pending in the outbox (their tasks were lost), for the two beats' outbox
flushes of the next minute to race over.

Must hold: each clock escalated once (one SMS per supervisor), every SMS
delivered once: the sweep claims each clock with a conditional UPDATE, the
delivery claims each outbox row with SELECT ... FOR UPDATE SKIP LOCKED."""

from __future__ import annotations

import re

import pytest

from drills import seed, services, stack
from drills.conftest import use_database

pytestmark = pytest.mark.drill(name="4. two beat schedulers")

DB = "drill_beat"
LATE = 20


def test_two_beats_escalate_and_send_once(report):
    from django.db import connections

    from notifications.models import OutboxMessage, SentSMS
    from sla.models import Clock

    use_database(DB)
    stack.flush_broker()
    actors = seed.people()
    at = seed.filed_in_the_past()
    late = [seed.late_request(actors, at=at).pk for _ in range(LATE)]
    stack.flush_broker()  # the filing's delivery tasks are lost: rows stay pending
    pending = list(
        OutboxMessage.objects.filter(status="pending").values_list("pk", flat=True)
    )
    connections["default"].close()

    env = stack.app_env(
        db=DB, storage=services.DIR / "beat-drill" / "private", SLA_SWEEP_SECONDS="1"
    )
    # The beats first: their sweeps wait in the queue, so the worker's three
    # pool processes start on several of them at once, over the same clocks.
    beats = [stack.beat(f"drill-beat-{n}", env) for n in (1, 2)]
    queued = stack.wait_until(
        lambda: all(b.log().count("Sending due task sla-sweep") >= 2 for b in beats),
        60,
        proc=beats,
    )
    assert queued is not None, "the beats sent no sweep"
    worker = stack.worker("drill-worker-beat", env, concurrency=3)
    procs = [worker, *beats]

    def settled() -> bool:
        return (
            not Clock.objects.filter(
                request__in=late, step_code="accept", breach_notified_at__isnull=True
            ).exists()
            and not OutboxMessage.objects.filter(status="pending").exists()
            and all("notifications-flush-outbox" in b.log() for b in beats)
        )

    try:
        took = stack.wait_until(settled, 130, every=1, proc=procs)
        stack.wait_until(lambda: False, 5)  # more sweeps and flushes: no second go
        logs = [b.log() for b in beats]
        worker_log = worker.log()
    finally:
        for proc in procs:
            proc.stop()

    sweeps = [len(re.findall(r"Sending due task sla-sweep", log)) for log in logs]
    flushes = [
        len(re.findall(r"Sending due task notifications-flush-outbox", log))
        for log in logs
    ]
    report.row(
        "two `celery beat` processes, same schedule, SLA sweep every 1 s, one "
        "worker with 3 pool processes",
        "both beats send the sweep and the outbox flush (the race is real)",
        f"sweeps sent per beat {sweeps}, outbox flushes per beat {flushes}; "
        + (f"all settled after {took:.0f} s" if took is not None else "not settled"),
        all(n >= 3 for n in sweeps) and all(n >= 1 for n in flushes),
    )
    claims = [int(n) for n in re.findall(r"'breached': (\d+)", worker_log)]
    breached = sum(claims)  # each sweep's result: the clocks it claimed
    swept = len(re.findall(r"sla\.tasks\.sweep\[[\w-]+\] succeeded", worker_log))
    escalations = OutboxMessage.objects.filter(
        event="sla_breached", channel="sms", request__in=late
    )
    per_clock = sorted(escalations.filter(request=pk).count() for pk in late)
    report.row(
        f"{LATE} clocks past due, swept by both beats' sweeps in parallel",
        "each clock claimed by one sweep; one escalation SMS per supervisor",
        f"{swept} sweeps ran, clocks they claimed in all: {breached} (split "
        f"{[n for n in claims if n]} between the sweeps that found any); "
        f"escalation SMS per clock: {sorted(set(per_clock))} (x{len(per_clock)})",
        took is not None and breached == LATE and per_clock == [2] * LATE,
    )
    flush_counts = [
        int(n)
        for n in re.findall(
            r"outbox_flush\[[\w-]+\] succeeded in [\d.]+s: (\d+)", worker_log
        )
    ]
    flushed = OutboxMessage.objects.filter(pk__in=pending)
    sms = OutboxMessage.objects.filter(channel="sms")
    per_sms = sorted({SentSMS.objects.filter(outbox=m).count() for m in sms})
    report.row(
        f"{len(pending)} notifications left pending, delivered by the two beats' "
        "outbox flushes and the escalations' own tasks at the same time",
        "every SMS delivered once (the fake gateway's record), none pending, "
        "no message written twice",
        f"pending ones now sent: {flushed.filter(status='sent').count()}/"
        f"{len(pending)} (delivered per flush run: {flush_counts}); SMS: "
        f"{sms.count()}, deliveries per SMS {per_sms}; "
        f"distinct (request, event, to): "
        f"{sms.values('request', 'event', 'to').distinct().count()}",
        flushed.filter(status="sent").count() == len(pending)
        and per_sms == [1]
        and SentSMS.objects.filter(outbox__in=sms).count() == sms.count()
        and sms.values("request", "event", "to").distinct().count() == sms.count(),
    )
    report.assert_all()
