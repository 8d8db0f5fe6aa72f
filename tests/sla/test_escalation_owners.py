"""A breach goes to the escalation owner the charter names (SPEC §3.x: "head
of the meter department", "head of accounting & billing", "head of customer
service"): the head of that department at the request's office, or at the
nearest office above it that has one, and not to the supervisors of the
other departments. The dashboard still shows every breach to every
supervisor in scope."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.selectors import department_heads
from notifications.models import OutboxMessage
from payments.services import payment_record_cash
from sla.models import Clock
from sla.sweep import sla_sweep
from tests import factories

pytestmark = pytest.mark.django_db

BKK = ZoneInfo("Asia/Bangkok")
MON_9 = datetime(2026, 11, 16, 9, 0, tzinfo=BKK)
LATER = MON_9 + timedelta(days=10)  # every clock these tests start is past due


@pytest.fixture
def staff(offices, office):
    """The branch B111's supervisors of each department (none a head), the
    heads the charter names at different levels of the tree, and a head of
    customer service at another province (never told of B111's requests)."""
    made = {}
    for dept in ("network", "service", "billing", "metering"):
        made[f"{dept}_supervisor"] = factories.StaffFactory(
            username=f"{dept}.sup", role="supervisor", office=offices["province"],
            department=dept,
        )  # fmt: skip
    for key, dept, where in (
        ("meter_head", "metering", "branch"),  # at the request's own office
        ("billing_head", "billing", "province"),  # the branch has none
        ("service_head", "service", "region"),  # two levels up
        ("other_service_head", "service", "other_province"),
    ):
        made[key] = factories.StaffFactory(
            username=key.replace("_", "."), role="supervisor", office=offices[where],
            department=dept, is_department_head=True,
        )  # fmt: skip
    made["counter"] = factories.StaffFactory(role="counter", office=office)
    return made


def _at(monkeypatch, when):
    monkeypatch.setattr(timezone, "now", lambda: when)


def _told(event="sla_breached") -> list[str]:
    return sorted(
        set(
            OutboxMessage.objects.filter(event=event).values_list(
                "recipient__username", flat=True
            )
        )
    )


def _breached_once(monkeypatch) -> list[str]:
    """Sweep long after every promise, then again: who was told, once."""
    monkeypatch.undo()
    first, again = sla_sweep(now=LATER), sla_sweep(now=LATER + timedelta(hours=1))
    assert (first.breached, again.breached) == (1, 0)
    sent = OutboxMessage.objects.filter(event="sla_breached", channel="email")
    assert sent.count() == 1  # one head, one e-mail, one breach
    return _told()


def test_a_meter_test_breach_reaches_the_head_of_the_meter_department(
    customer, office, staff, monkeypatch
):
    account = factories.account_for(customer, office)
    _at(monkeypatch, MON_9)
    r = factories.submit_account_request(service_code="meter-test", account=account)
    assert list(
        Clock.objects.filter(request=r, status="running").values_list(
            "step_code", flat=True
        )
    ) == ["accept"]

    assert _breached_once(monkeypatch) == ["meter.head"]


def test_a_reconnection_breach_reaches_the_billing_head_of_the_province(
    customer, office, staff, monkeypatch
):
    account = factories.account_for(customer, office)
    _at(monkeypatch, MON_9)
    r = factories.file_reconnection(account=account, days=10, staff=staff["counter"])
    invoice = r.invoices.get()
    payment_record_cash(invoice=invoice, user=staff["counter"], amount=invoice.total)
    running = Clock.objects.filter(request=r, status="running")
    assert list(running.values_list("step_code", flat=True)) == ["reconnect-29"]

    assert _breached_once(monkeypatch) == ["billing.head"]


def test_a_new_connection_breach_reaches_the_service_head_of_the_region(
    customer, office, staff, monkeypatch
):
    _at(monkeypatch, MON_9)
    factories.submit_request(customer=customer, office=office)

    assert _breached_once(monkeypatch) == ["service.head"]


def test_without_a_head_up_the_tree_the_supervisors_above_the_branch_are_told(
    customer, office, offices, monkeypatch
):
    province_sup = factories.StaffFactory(
        username="prov.sup", role="supervisor", office=offices["province"]
    )
    factories.StaffFactory(username="branch.sup", role="supervisor", office=office)
    factories.StaffFactory(  # a head of another department only
        username="net.head", role="supervisor", office=office, department="network",
        is_department_head=True,
    )  # fmt: skip
    _at(monkeypatch, MON_9)
    factories.submit_request(customer=customer, office=office)

    assert _breached_once(monkeypatch) == [province_sup.username]


def test_the_nearest_office_with_a_head_wins_and_inactive_heads_do_not_count(
    offices, office
):
    region = factories.StaffFactory(
        role="supervisor", office=offices["region"], department="service",
        is_department_head=True,
    )  # fmt: skip
    branch = factories.StaffFactory(
        role="supervisor", office=office, department="service",
        is_department_head=True, is_active=False,
    )  # fmt: skip
    assert department_heads(office=office, department="service") == [region]
    branch.is_active = True
    branch.save()
    assert department_heads(office=office, department="service") == [branch]
    assert department_heads(office=offices["other_branch"], department="service") == [
        region
    ]


def test_a_head_must_have_an_office_and_a_department(offices):
    from django.db import IntegrityError, transaction

    with transaction.atomic(), pytest.raises(IntegrityError):
        User.objects.create(
            username="nodept", role="supervisor", office=offices["branch"],
            is_department_head=True,
        )  # fmt: skip


def test_the_dashboard_still_shows_the_breach_to_every_supervisor_in_scope(
    client, customer, office, staff, monkeypatch
):
    account = factories.account_for(customer, office)
    _at(monkeypatch, MON_9)
    r = factories.submit_account_request(service_code="meter-test", account=account)
    monkeypatch.undo()
    sla_sweep(now=timezone.now())
    assert _told() == ["meter.head"]

    url = reverse("sla:list", args=["breached"])
    for key in ("network_supervisor", "billing_supervisor", "service_head",
                "metering_supervisor", "meter_head"):  # fmt: skip
        client.force_login(staff[key])
        page = client.get(url)
        assert page.status_code == 200, key
        assert r.reference in page.content.decode(), key
    client.force_login(staff["other_service_head"])  # another province
    assert r.reference not in client.get(url).content.decode()


def test_a_head_is_told_in_their_own_language(customer, office, staff, monkeypatch):
    staff["meter_head"].preferred_language = "en"
    staff["meter_head"].save()
    account = factories.account_for(customer, office)
    _at(monkeypatch, MON_9)
    r = factories.submit_account_request(service_code="meter-test", account=account)
    monkeypatch.undo()
    sla_sweep(now=LATER)
    mail = OutboxMessage.objects.get(event="sla_breached", channel="email")
    assert mail.recipient == staff["meter_head"] and mail.language == "en"
    assert r.reference in mail.body
