import io

import pytest
from django.core.management import call_command

from meters.models import ElectricityAccount
from requests_app.models import (
    Appointment,
    RequestEvent,
    ServiceRequest,
    ServiceType,
    State,
)

pytestmark = pytest.mark.django_db


def test_demo_data_has_every_state_and_every_service_built_through_the_services():
    call_command("demo_seed", stdout=open("/dev/null", "w"))

    states = set(ServiceRequest.objects.values_list("state", flat=True))
    # "installed" is passed through in the same transaction as the close.
    assert states == set(State.values) - {State.INSTALLED}
    # Every request has its submission and each later step logged.
    assert RequestEvent.objects.filter(action="submit").count() == (
        ServiceRequest.objects.count()
    )
    closed = ServiceRequest.objects.filter(
        state=State.CLOSED, service__flow="new_connection"
    )
    assert (
        ElectricityAccount.objects.filter(request__in=closed).count() == closed.count()
    )

    # Every service in several states, and field work open and done.
    states: dict[str, set] = {
        code: set() for code in ServiceType.objects.values_list("code", flat=True)
    }
    for code, state in ServiceRequest.objects.values_list("service__code", "state"):
        states[code].add(state)
    thin = {code: s for code, s in states.items() if len(s) < 3}
    assert not thin, thin
    orders = set(Appointment.objects.values_list("kind", "status"))
    for kind in ("survey", "test", "removal", "reconnection", "disconnection"):
        assert {(kind, "open"), (kind, "done")} & orders, kind

    _breaches_reach_the_demo_heads()


def _breaches_reach_the_demo_heads():
    """Swept a month later, each breach goes to the head its charter names: the
    branch's own meter head, the province's billing and service heads."""
    from datetime import timedelta

    from django.utils import timezone

    from notifications.models import OutboxMessage
    from sla.sweep import sla_sweep

    assert sla_sweep(now=timezone.now() + timedelta(days=30)).breached
    told: dict[str, set] = {}
    for code, username in OutboxMessage.objects.filter(
        event="sla_breached"
    ).values_list("request__service__code", "recipient__username"):
        told.setdefault(code, set()).add(username)
    assert told["meter-test"] == {"head.meter"}
    assert told["reconnection"] == {"head.billing"}
    assert told["new-connection"] == {"head.service"}


def test_demo_seed_twice_adds_nothing():
    call_command("demo_seed", stdout=open("/dev/null", "w"))
    count = ServiceRequest.objects.count()
    call_command("demo_seed", stdout=open("/dev/null", "w"))
    assert ServiceRequest.objects.count() == count


def test_demo_customers_have_linked_accounts_with_a_year_of_bills_one_overdue():
    from django.utils import timezone

    from bills.models import Bill

    out = io.StringIO()
    call_command("demo_seed", stdout=out)
    today = timezone.localdate()

    alice = ElectricityAccount.objects.filter(
        customer__username="0812345671", source="billing"
    ).order_by("ca_number")
    assert [a.nickname for a in alice] == ["บ้าน", "ร้าน"]
    assert all(a.holder_id == "1101700203450" and a.meter_serial for a in alice)
    bills = Bill.objects.filter(account__in=alice)
    assert {a.bills.count() for a in alice} == {12}
    overdue = bills.filter(status="unpaid", due_date__lt=today)
    assert overdue.count() == 1
    assert bills.filter(status="unpaid").count() == 3  # the newest two + one
    assert not bills.filter(status="paid", paid_at__isnull=True).exists()
    for account in alice:  # readings run on from bill to bill
        rows = list(account.bills.order_by("period"))
        for before, after in zip(rows, rows[1:], strict=False):
            assert after.previous_reading == before.reading
            assert after.read_from == before.read_on
            assert after.reading - after.previous_reading == after.kwh

    bob = ElectricityAccount.objects.get(
        customer__username="0898765432", source="billing"
    )
    assert bob.bills.count() == 12
    company = ElectricityAccount.objects.get(
        customer__username="0861112222", source="billing"
    )
    assert company.holder_id == "0405559000123" and company.bills.count() == 12

    unlinked = ElectricityAccount.objects.filter(customer__isnull=True)
    assert set(unlinked.values_list("holder_id", flat=True)) == {
        "1101700203450",  # alice's own, not linked yet: the automatic link
        "3101600456786",  # someone else's: linked with a proof from a bill
    }
    assert all(a.bills.count() == 12 for a in unlinked)
    # The newest bills of the linked accounts were told of (the outbox).
    from notifications.models import OutboxMessage

    told = OutboxMessage.objects.filter(event="bill_issued", channel="sms")
    assert set(told.values_list("to", flat=True)) == {
        "0812345671",
        "0898765432",
        "0861112222",
    }
    assert told.filter(to="0812345671").count() == 2  # home and shop
    printed = out.getvalue()
    assert all(a.ca_number in printed for a in unlinked)


def test_demo_seed_twice_issues_no_more_bills():
    from bills.models import Bill

    call_command("demo_seed", stdout=open("/dev/null", "w"))
    count = Bill.objects.count()
    call_command("demo_seed", stdout=open("/dev/null", "w"))
    assert Bill.objects.count() == count == 72
