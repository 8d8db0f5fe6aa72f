"""The SLA sweep: at risk → assignee and office supervisor; breached → the
department head above the branch. Each escalation once, whatever the number
of sweeps, concurrent or repeated, and after downtime."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from notifications.models import OutboxMessage
from requests_app import services as rs
from sla.models import Clock
from sla.sweep import sla_sweep
from tests import factories

BKK = ZoneInfo("Asia/Bangkok")
MON_9 = datetime(2026, 11, 16, 9, 0, tzinfo=BKK)


@pytest.fixture
def people(offices, office, supervisor):
    """A counter with an e-mail, the branch's own supervisor and the province's
    (the department head)."""
    counter = factories.StaffFactory(office=office, email="counter@pea.test")
    branch_head = factories.StaffFactory(
        role="supervisor", office=office, email="branch@pea.test", phone=""
    )
    supervisor.email = "province@pea.test"
    supervisor.save()
    return counter, branch_head, supervisor


def _filed(customer, office, counter, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: MON_9)
    r = factories.submit_request(customer=customer, office=office)
    rs.request_assign(request=r, user=counter, assignee=counter)
    monkeypatch.undo()
    return r


def _mail(event):
    return sorted(
        OutboxMessage.objects.filter(event=event, channel="email").values_list(
            "to", flat=True
        )
    )


@pytest.mark.django_db
def test_at_risk_then_breached_each_told_once(customer, office, people, monkeypatch):
    counter, branch_head, province_head = people
    r = _filed(customer, office, counter, monkeypatch)
    clock = Clock.objects.get(request=r, step_code="accept")  # due 11:00
    assert clock.at_risk_at == MON_9 + timedelta(minutes=90)

    assert sla_sweep(now=MON_9 + timedelta(minutes=80)).at_risk == 0
    first = sla_sweep(now=MON_9 + timedelta(minutes=95))
    again = sla_sweep(now=MON_9 + timedelta(minutes=96))
    assert (first.at_risk, again.at_risk) == (1, 0)
    assert _mail("sla_at_risk") == [
        "branch@pea.test", "counter@pea.test", "province@pea.test",
    ]  # fmt: skip

    late = sla_sweep(now=MON_9 + timedelta(hours=2, minutes=1))
    assert (late.breached, sla_sweep(now=MON_9 + timedelta(hours=3)).breached) == (1, 0)
    assert _mail("sla_breached") == ["province@pea.test"]  # the department head
    body = OutboxMessage.objects.get(event="sla_breached", channel="email").body
    assert r.reference in body and "/staff/requests/" in body


@pytest.mark.django_db
def test_after_downtime_a_late_clock_is_escalated_once_as_breached(
    customer, office, people, monkeypatch
):
    counter, *_ = people
    _filed(customer, office, counter, monkeypatch)
    result = sla_sweep(now=MON_9 + timedelta(days=3))
    assert (result.at_risk, result.breached) == (0, 1)
    assert _mail("sla_at_risk") == []


@pytest.mark.django_db
def test_a_stopped_clock_is_not_escalated(customer, office, people, monkeypatch):
    counter, *_ = people
    r = _filed(customer, office, counter, monkeypatch)
    rs.request_accept(request=r, user=counter)
    result = sla_sweep(now=MON_9 + timedelta(days=3))
    breached = Clock.objects.filter(request=r, breach_notified_at__isnull=False)
    assert result.breached == breached.count()
    assert not breached.filter(step_code="accept").exists()


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_escalation_once(
    customer, office, people, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    counter, *_ = people
    for _ in range(12):
        _filed(customer, office, counter, monkeypatch)
    when = MON_9 + timedelta(days=3)
    results, barrier = [], threading.Barrier(2)

    def run():
        barrier.wait()
        try:
            results.append(sla_sweep(now=when))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.breached for r in results) == 12
    sent = OutboxMessage.objects.filter(event="sla_breached")
    assert sent.filter(channel="email").count() == 12  # one per clock
    assert sent.values("request").distinct().count() == 12
