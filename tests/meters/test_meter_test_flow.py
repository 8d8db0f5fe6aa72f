"""Meter accuracy test (charter §3.6): fee, booking, comparison meter with the
customer's signature, normal → closed, faulty → refund → closed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.errors import ServiceError
from meters.models import ElectricityAccount, MeterTest
from meters.services import (
    installation_record,
    meter_test_install_comparison,
    meter_test_record_result,
)
from payments.models import Refund
from payments.services import (
    payment_record_cash,
    refund_approve,
    refund_record_paid,
    request_quote_fees,
)
from requests_app import services as rs
from requests_app.exceptions import TransitionRefused
from requests_app.models import RequestEvent, ServiceRequest, ServiceType
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(customer, office, counter, technician):
    """An account from a new connection driven to its end."""
    later = timezone.now() + timedelta(days=1)
    r = factories.submit_request(customer=customer, office=office)
    r = rs.request_accept(request=r, user=counter)
    r = rs.request_book_survey(request=r, user=counter, scheduled_for=later)
    r = rs.request_record_survey(request=r, user=counter, passed=True)
    invoice = request_quote_fees(request=r, user=counter)
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    r = ServiceRequest.objects.get(pk=r.pk)
    r = rs.request_book_installation(request=r, user=counter, scheduled_for=later)
    installation_record(request=r, user=technician, serial="M-1", first_reading=0)
    return ElectricityAccount.objects.get(request=r)


def _file(customer, account):
    service = ServiceType.objects.get(code="meter-test")
    return rs.request_submit(
        applicant=customer,
        service=service,
        data={
            "office": account.office,
            "premises_address": account.premises_address,
            "meter_size": account.meter.size,
            "account": account,
            "contact_phone": customer.phone,
        },
        documents=factories.documents_for(service),
        created_by=customer,
    )


def _fresh(r):
    return ServiceRequest.objects.get(pk=r.pk)


def _to_comparison_installed(r, counter, technician):
    r = rs.request_accept(request=r, user=counter)
    invoice = request_quote_fees(request=r, user=counter)
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    r = rs.request_book_test(
        request=_fresh(r), user=counter,
        scheduled_for=timezone.now() + timedelta(days=1), assignee=technician,
    )  # fmt: skip
    return meter_test_install_comparison(
        request=r, user=technician, comparison_serial="cmp-9",
        meter_start=Decimal("100.0"), comparison_start=Decimal("0.0"),
        customer_signed=True,
    )  # fmt: skip


def test_the_test_fee_follows_the_meter_class(customer, account, counter):
    r = rs.request_accept(request=_file(customer, account), user=counter)
    invoice = request_quote_fees(request=r, user=counter)
    assert invoice.total == Decimal("107.00")  # 1-phase 5(15)
    assert [(line.net, line.vat) for line in invoice.lines.all()] == [
        (Decimal("100.00"), Decimal("7.00"))
    ]


def test_paying_sets_the_booking_promise_one_working_day_out(
    customer, account, counter
):
    r = rs.request_accept(request=_file(customer, account), user=counter)
    invoice = request_quote_fees(request=r, user=counter)
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    r = _fresh(r)
    assert r.state == "paid"
    assert r.due_at is not None and r.due_at > r.paid_at


def test_a_normal_meter_closes_the_request_with_no_refund(
    customer, account, counter, technician
):
    r = _to_comparison_installed(_file(customer, account), counter, technician)
    r = meter_test_record_result(
        request=r, user=technician, faulty=False, meter_end=Decimal("200.0"),
        comparison_end=Decimal("100.0"), customer_signed=True,
    )  # fmt: skip
    assert r.state == "closed"
    assert MeterTest.objects.get(request=r).error_percent == Decimal("0.00")
    assert not Refund.objects.exists()


def test_a_faulty_meter_owes_the_fee_back_and_closes_when_refunded(
    customer, account, counter, technician, supervisor
):
    r = _to_comparison_installed(_file(customer, account), counter, technician)
    r = meter_test_record_result(
        request=r, user=technician, faulty=True, meter_end=Decimal("215.0"),
        comparison_end=Decimal("100.0"), customer_signed=True,
    )  # fmt: skip
    assert r.state == "refund_pending"
    assert MeterTest.objects.get(request=r).error_percent == Decimal("15.00")
    refund = Refund.objects.get()
    assert (refund.amount, refund.status) == (Decimal("107.00"), "due")
    assert r.due_at is not None  # the 7-day promise

    with pytest.raises(ServiceError):  # a supervisor approves it first
        refund_record_paid(request=_fresh(r), user=counter)
    with pytest.raises(PermissionDenied):
        refund_approve(refund=refund, user=counter)
    refund = refund_approve(refund=refund, user=supervisor)
    r = refund_record_paid(request=_fresh(r), user=counter)
    refund.refresh_from_db()
    assert r.state == "closed"
    assert refund.status == "paid" and refund.paid_by == counter
    assert list(
        RequestEvent.objects.filter(request=r, kind="transition").values_list(
            "action", flat=True
        )
    ) == [
        "submit", "accept", "quote_fees", "record_payment", "book_test",
        "install_comparison", "record_test_faulty", "record_refund",
    ]  # fmt: skip


def test_the_comparison_meter_needs_the_customers_signature(
    customer, account, counter, technician
):
    r = rs.request_accept(request=_file(customer, account), user=counter)
    invoice = request_quote_fees(request=r, user=counter)
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    r = rs.request_book_test(
        request=_fresh(r),
        user=counter,
        scheduled_for=timezone.now() + timedelta(days=1),
    )
    with pytest.raises(ValidationError) as exc:
        meter_test_install_comparison(
            request=r, user=technician, comparison_serial="C1",
            meter_start=Decimal(1), comparison_start=Decimal(0), customer_signed=False,
        )  # fmt: skip
    assert "customer_signed" in exc.value.message_dict
    assert _fresh(r).state == "test_booked"
    assert not MeterTest.objects.exists()


def test_end_readings_below_the_start_are_refused(
    customer, account, counter, technician
):
    r = _to_comparison_installed(_file(customer, account), counter, technician)
    with pytest.raises(ValidationError) as exc:
        meter_test_record_result(
            request=r, user=technician, faulty=True, meter_end=Decimal("50.0"),
            comparison_end=Decimal("100.0"), customer_signed=True,
        )  # fmt: skip
    assert "meter_end" in exc.value.message_dict
    assert _fresh(r).state == "comparison_installed"


def test_refused_steps(customer, other_counter, account, counter, technician):
    r = _file(customer, account)
    with pytest.raises(TransitionRefused):
        rs.request_book_test(
            request=r, user=counter, scheduled_for=timezone.now() + timedelta(days=1)
        )
    with pytest.raises(PermissionDenied):
        rs.request_accept(request=r, user=technician)
    with pytest.raises(PermissionDenied):
        rs.request_accept(request=r, user=other_counter)
    with pytest.raises(PermissionDenied):
        rs.request_accept(request=r, user=customer)
    r = _to_comparison_installed(r, counter, technician)
    with pytest.raises(TransitionRefused):
        refund_record_paid(request=r, user=counter)
    with pytest.raises(TransitionRefused):
        rs.request_cancel(request=r, user=customer)


def test_customers_cancel_before_paying(customer, account, counter):
    r = rs.request_accept(request=_file(customer, account), user=counter)
    request_quote_fees(request=r, user=counter)
    r = rs.request_cancel(request=_fresh(r), user=customer, reason="ไม่ต้องการแล้ว")
    assert r.state == "cancelled"
    assert r.invoices.get().status == "cancelled"
