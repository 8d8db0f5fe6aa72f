"""Deposit refund on ending the contract (charter §3.9)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import CustomerProfile
from core.errors import ServiceError
from payments.models import DepositSettlement, Refund
from payments.services import (
    deposit_record_call,
    deposit_record_meter_removal,
    deposit_record_payout,
    deposit_settle,
    payout_method,
    refund_approve,
)
from requests_app import selectors as rs_selectors
from requests_app import services as rs
from requests_app.exceptions import TransitionRefused
from requests_app.models import ServiceRequest
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "juristic", "representative", "method"),
    [
        ("0.00", False, False, "cash"),
        ("15000.00", False, False, "cash"),
        ("15000.01", False, False, "cheque"),
        ("100.00", True, False, "cheque"),
        ("100.00", False, True, "cheque"),
    ],
)
def test_cash_up_to_15000_to_the_holder_in_person_else_a_cheque(
    amount, juristic, representative, method
):
    assert (
        payout_method(
            amount=Decimal(amount), juristic=juristic, by_representative=representative
        )
        == method
    )


def _refund_request(customer, office, deposit="300.00", **extra):
    account = factories.account_for(customer, office, deposit=deposit)
    return factories.submit_account_request(
        service_code="deposit-refund", account=account, **extra
    )


def _to_meter_removed(r, counter, technician):
    # A juristic holder's company certificate: issued today (issue 16).
    today = {"company-certificate": timezone.localdate()}
    r = rs.request_accept(request=r, user=counter, issued_on=today)
    return deposit_record_meter_removal(
        request=r, user=technician, final_reading=Decimal("8812.5")
    )


def _approve(r, supervisor):
    return refund_approve(refund=Refund.objects.get(request=r), user=supervisor)


def test_a_small_refund_is_paid_in_cash_to_the_holder(
    customer, office, counter, technician, supervisor
):
    r = _to_meter_removed(_refund_request(customer, office), counter, technician)
    r = deposit_settle(request=r, user=counter, final_bill=Decimal("120.50"))
    s = DepositSettlement.objects.get(request=r)
    assert (s.deposit, s.refund_amount, s.method) == (
        Decimal("300.00"), Decimal("179.50"), "cash",
    )  # fmt: skip
    # Its own document, approved by a supervisor, before any money moves.
    refund = Refund.objects.get(request=r)
    assert (refund.amount, refund.status, refund.number) == (
        Decimal("179.50"), "due", None,
    )  # fmt: skip
    with pytest.raises(ServiceError):
        deposit_record_payout(request=r, user=counter, holder_id_checked=True)
    assert _approve(r, supervisor).number.startswith(f"RF{office.code}-")
    with pytest.raises(ValidationError) as exc:
        deposit_record_payout(request=r, user=counter)
    assert "holder_id_checked" in exc.value.message_dict
    r = deposit_record_payout(
        request=ServiceRequest.objects.get(pk=r.pk),
        user=counter,
        holder_id_checked=True,
    )
    assert r.state == "closed"
    assert DepositSettlement.objects.get(request=r).paid_out_by == counter
    assert Refund.objects.get(request=r).status == "paid"


@pytest.mark.parametrize(
    ("final_bill", "method"), [("5000.00", "cash"), ("4999.99", "cheque")]
)
def test_the_cash_limit_applies_to_what_is_left_after_the_final_bill(
    customer, office, counter, technician, final_bill, method
):
    r = _refund_request(customer, office, deposit="20000.00")
    r = _to_meter_removed(r, counter, technician)
    r = deposit_settle(request=r, user=counter, final_bill=Decimal(final_bill))
    assert DepositSettlement.objects.get(request=r).method == method


def test_a_cheque_needs_its_number(customer, office, counter, technician, supervisor):
    r = _refund_request(customer, office, deposit="20000.00")
    r = deposit_settle(
        request=_to_meter_removed(r, counter, technician), user=counter,
        final_bill=Decimal("0"),
    )  # fmt: skip
    _approve(r, supervisor)
    with pytest.raises(ValidationError) as exc:
        deposit_record_payout(request=r, user=counter)
    assert "cheque_number" in exc.value.message_dict
    r = deposit_record_payout(
        request=ServiceRequest.objects.get(pk=r.pk),
        user=counter,
        cheque_number="0012345",
    )
    assert r.state == "closed"


def test_a_juristic_holder_always_gets_a_cheque(office, counter, technician):
    company = factories.CustomerFactory(username="co", profile=None)
    CustomerProfile.objects.create(
        user=company, kind="juristic", company_name="บริษัท ทดสอบ จำกัด",
        juristic_registration_no="0105555000111",
    )  # fmt: skip
    r = _to_meter_removed(_refund_request(company, office), counter, technician)
    r = deposit_settle(request=r, user=counter, final_bill=Decimal("0"))
    assert DepositSettlement.objects.get(request=r).method == "cheque"


def test_a_bill_larger_than_the_deposit_refunds_nothing(
    customer, office, counter, technician
):
    r = _to_meter_removed(_refund_request(customer, office), counter, technician)
    r = deposit_settle(request=r, user=counter, final_bill=Decimal("999.00"))
    assert DepositSettlement.objects.get(request=r).refund_amount == Decimal("0.00")
    assert deposit_record_payout(request=r, user=counter).state == "closed"


def test_the_pay_out_promise_is_15_working_days_and_holds_until_paid(
    customer, office, counter, technician
):
    r = rs.request_accept(request=_refund_request(customer, office), user=counter)
    due = r.due_at
    assert due is not None
    r = deposit_record_meter_removal(
        request=r, user=technician, final_reading=Decimal(1)
    )
    r = deposit_settle(request=r, user=counter, final_bill=Decimal(0))
    assert r.due_at == due


def test_refused_steps(customer, office, counter, technician, other_counter):
    r = _refund_request(customer, office)
    with pytest.raises(TransitionRefused):
        deposit_settle(request=r, user=counter, final_bill=Decimal(0))
    with pytest.raises(PermissionDenied):
        rs.request_accept(request=r, user=other_counter)
    r = _to_meter_removed(r, counter, technician)
    with pytest.raises(PermissionDenied):
        deposit_settle(request=r, user=technician, final_bill=Decimal(0))
    with pytest.raises(TransitionRefused):
        rs.request_cancel(request=r, user=customer)


# Charter §3.9: once the refund is approved the customer is told by SMS when it
# is paid in cash, and by a phone call from the counter when it is a cheque.


def test_a_cash_refund_is_told_by_sms_once_approved(
    customer, office, counter, technician, supervisor
):
    from notifications.models import OutboxMessage

    r = _to_meter_removed(_refund_request(customer, office), counter, technician)
    r = deposit_settle(request=r, user=counter, final_bill=Decimal("120.50"))
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    _approve(r, supervisor)
    sms = OutboxMessage.objects.exclude(pk__in=before).filter(channel="sms").get()
    assert (sms.event, sms.to, sms.request_id) == (
        "deposit_refund_cash", customer.phone, r.pk,
    )  # fmt: skip
    assert "179.50" in sms.body and r.reference in sms.body
    assert not r.appointments.filter(kind="call").exists()
    r = ServiceRequest.objects.get(pk=r.pk)
    assert "record_call" not in {
        a["name"] for a in rs_selectors.actions_for(r, counter, "staff")
    }


def test_a_cheque_refund_gives_the_counter_a_call_task(
    client, customer, office, counter, technician, supervisor
):
    from notifications.models import OutboxMessage

    r = _refund_request(customer, office, deposit="20000.00")
    r = deposit_settle(
        request=_to_meter_removed(r, counter, technician), user=counter,
        final_bill=Decimal("0"),
    )  # fmt: skip
    with pytest.raises(TransitionRefused):  # nothing to call about yet
        deposit_record_call(request=r, user=counter)
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    _approve(r, supervisor)
    assert not OutboxMessage.objects.exclude(pk__in=before).exists()
    task = r.appointments.get(kind="call")
    # To the clerk who settled it, in their list of appointments.
    assert (task.status, task.assignee) == ("open", counter)
    client.force_login(counter)
    client.cookies["pea_language"] = "en"
    mine = client.get("/staff/my-work/").content.decode()
    assert r.reference in mine and "Phone call to the customer" in mine
    page = client.get(r.staff_url()).content.decode()
    assert "Customer called: the cheque is ready" in page
    response = client.post(
        f"/staff/requests/{r.reference}/act/record_call/",
        {"expected_state": "settled", "record_call-reached": "on",
         "record_call-note": "มารับวันจันทร์"},
    )  # fmt: skip
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.done_by) == ("done", counter)
    assert "มารับวันจันทร์" in task.shown_outcome
    r = ServiceRequest.objects.get(pk=r.pk)
    assert r.state == "settled"
    r = deposit_record_payout(request=r, user=counter, cheque_number="0012345")
    assert r.state == "closed"


def test_the_call_needs_the_customer_reached(
    client, customer, office, counter, technician, supervisor
):
    r = _refund_request(customer, office, deposit="20000.00")
    r = deposit_settle(
        request=_to_meter_removed(r, counter, technician), user=counter,
        final_bill=Decimal("0"),
    )  # fmt: skip
    _approve(r, supervisor)
    client.force_login(counter)
    response = client.post(
        f"/staff/requests/{r.reference}/act/record_call/",
        {"expected_state": "settled", "record_call-note": "ไม่รับสาย"},
    )
    assert response.status_code == 400
    assert r.appointments.get(kind="call").status == "open"
