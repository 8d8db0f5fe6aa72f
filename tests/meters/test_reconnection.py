"""Reconnection after disconnection (charter §3.7): the day rules at their
boundaries, the invoice, the promise after payment, and the refusals."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from core.calendar import end_of_working_day
from meters.models import Disconnection
from meters.services import (
    disconnection_record,
    reconnection_record_done,
    reconnection_rule,
)
from payments.services import payment_record_cash
from requests_app.exceptions import TransitionRefused
from requests_app.models import ServiceRequest
from tests import factories

pytestmark = pytest.mark.django_db
BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def account(customer, office):
    return factories.account_for(customer, office)


@pytest.mark.parametrize(
    ("days", "rule"),
    [(0, "same_day"), (7, "same_day"), (8, "next_day"), (29, "next_day"),
     (30, "new_deposit"), (89, "new_deposit"), (90, "new_connection"),
     (400, "new_connection")],
)  # fmt: skip
def test_the_rule_follows_the_days_disconnected(days, rule):
    assert reconnection_rule(days) == rule


def _lines(request):
    invoice = request.invoices.get()
    return {(line.kind, line.amount) for line in invoice.lines.all()}, invoice.total


def test_filing_issues_the_invoice_at_once_with_bills_and_fee(account, counter):
    r = factories.file_reconnection(account=account, days=10, staff=counter)
    lines, total = _lines(r)
    assert r.state == "fees_quoted"
    assert lines == {("bill", Decimal("850.00")), ("fee", Decimal("107.00"))}
    assert total == Decimal("957.00")
    assert r.events.filter(action="issue_invoice", actor__isnull=True).exists()


@pytest.mark.parametrize(("days", "deposit"), [(29, False), (30, True), (89, True)])
def test_a_new_deposit_is_due_from_30_days_when_the_old_one_was_offset(
    account, counter, days, deposit
):
    r = factories.file_reconnection(
        account=account, days=days, staff=counter, deposit_offset=True
    )
    lines, _ = _lines(r)
    assert (("deposit", Decimal("300.00")) in lines) is deposit


def test_no_new_deposit_when_the_old_one_was_kept(account, counter):
    r = factories.file_reconnection(account=account, days=45, staff=counter)
    lines, _ = _lines(r)
    assert not any(kind == "deposit" for kind, _ in lines)


def test_ninety_days_or_more_is_refused_with_a_pointer_to_a_new_connection(
    account, counter
):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        factories.file_reconnection(account=account, days=90, staff=counter)
    assert "new connection" in str(exc.value.message_dict["account"][0])
    assert not ServiceRequest.objects.exists()


@pytest.fixture
def pay(monkeypatch, counter):
    """Pay the invoice at a given moment (the promise counts from payment)."""

    def _pay(r, at):
        monkeypatch.setattr(timezone, "now", lambda: at)
        invoice = r.invoices.get()
        payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
        monkeypatch.undo()
        return ServiceRequest.objects.get(pk=r.pk)

    return _pay


def _today_at(hour):
    return datetime.combine(timezone.localdate(), datetime.min.time(), BANGKOK).replace(
        hour=hour
    )


def test_up_to_7_days_the_promise_is_20_00_on_the_day_of_payment(account, counter, pay):
    r = factories.file_reconnection(account=account, days=7, staff=counter)
    paid_at = _today_at(11)
    r = pay(r, paid_at)
    assert timezone.localtime(r.due_at) == paid_at.replace(hour=20)


def test_paid_after_20_00_the_promise_is_20_00_the_next_day(account, counter, pay):
    r = factories.file_reconnection(account=account, days=3, staff=counter)
    paid_at = _today_at(21)
    r = pay(r, paid_at)
    assert timezone.localtime(r.due_at) == (paid_at + timedelta(days=1)).replace(
        hour=20
    )


@pytest.mark.parametrize("days", [8, 29, 30, 89])
def test_from_8_days_the_promise_is_one_working_day(account, counter, pay, days):
    r = factories.file_reconnection(account=account, days=days, staff=counter)
    paid_at = _today_at(10)
    r = pay(r, paid_at)
    assert r.due_at == end_of_working_day(paid_at, 1)


def test_the_technician_reconnects_and_the_disconnection_closes(
    account, counter, technician, pay
):
    r = factories.file_reconnection(account=account, days=12, staff=counter)
    r = pay(r, timezone.now())
    r = reconnection_record_done(request=r, user=technician, note="ต่อกลับแล้ว")
    assert r.state == "closed"
    assert Disconnection.objects.get().reconnected_at is not None
    assert [e.action for e in r.events.filter(kind="transition")] == [
        "submit", "issue_invoice", "record_payment", "record_reconnection",
    ]  # fmt: skip


def test_refused_steps(account, counter, other_counter, technician, customer):
    r = factories.file_reconnection(account=account, days=12, staff=counter)
    with pytest.raises(TransitionRefused):
        reconnection_record_done(request=r, user=technician)
    invoice = r.invoices.get()
    with pytest.raises(PermissionDenied):
        payment_record_cash(invoice=invoice, user=other_counter, amount=invoice.total)
    with pytest.raises(PermissionDenied):
        reconnection_record_done(request=r, user=customer)


def test_only_staff_of_the_office_record_a_disconnection(
    account, customer, other_counter
):
    for user in (customer, other_counter):
        with pytest.raises(PermissionDenied):
            disconnection_record(
                account=account, disconnected_on=timezone.localdate(),
                outstanding=Decimal("1"), deposit_offset=False, user=user,
            )  # fmt: skip


def test_a_second_open_disconnection_and_a_future_date_are_refused(account, counter):
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        disconnection_record(
            account=account, disconnected_on=today + timedelta(days=1),
            outstanding=Decimal("1"), deposit_offset=False, user=counter,
        )  # fmt: skip
    disconnection_record(
        account=account, disconnected_on=today, outstanding=Decimal("1"),
        deposit_offset=False, user=counter,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        disconnection_record(
            account=account, disconnected_on=today, outstanding=Decimal("1"),
            deposit_offset=False, user=counter,
        )  # fmt: skip
