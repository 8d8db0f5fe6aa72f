"""Escalation end to end: a real Celery worker with beat, over Redis and
PostgreSQL, sweeps a late clock and delivers the escalation SMS once."""

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from notifications.models import OutboxMessage, SentSMS
from sla.models import Clock
from tests import factories
from tests.worker import celery_worker

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_beat_sweeps_and_the_worker_delivers_the_escalation(
    tmp_path, offices, customer, supervisor, monkeypatch
):
    supervisor.phone = "0899990000"
    supervisor.save()
    filed = datetime(2026, 11, 16, 9, 0, tzinfo=ZoneInfo("Asia/Bangkok"))
    monkeypatch.setattr(timezone, "now", lambda: filed)
    req = factories.submit_request(customer=customer, office=offices["branch"])
    monkeypatch.undo()  # it is now long past the 11:00 acceptance promise

    with celery_worker(
        tmp_path, beat=True, env_extra={"SLA_SWEEP_SECONDS": "1"}
    ) as worker:
        deadline = time.monotonic() + 90
        sms = None
        while time.monotonic() < deadline:
            sms = OutboxMessage.objects.filter(
                event="sla_breached", channel="sms", status="sent"
            ).first()
            if sms is not None:
                break
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.5)
        time.sleep(3)  # a few more sweeps: they must not escalate again

    assert sms is not None, "no escalation was delivered"
    assert sms.to == supervisor.phone and req.reference in sms.body
    assert SentSMS.objects.filter(outbox=sms).count() == 1
    assert (
        OutboxMessage.objects.filter(event="sla_breached", channel="sms").count() == 1
    )
    clock = Clock.objects.get(request=req, step_code="accept")
    assert clock.breach_notified_at is not None
