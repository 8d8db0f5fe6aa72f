"""Adjusted bill for a faulty or tampered meter (charter §3.10): PEA opens the
case; acknowledgment and first notice; second notice; payment or disconnection."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from meters.models import Disconnection
from meters.services import (
    adjusted_bill_compute,
    adjusted_bill_open,
    adjusted_bill_order_disconnection,
)
from payments.services import payment_record_cash
from requests_app import services as rs
from requests_app.exceptions import TransitionRefused
from requests_app.models import ServiceRequest
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(customer, office):
    return factories.account_for(customer, office)


def _open(account, counter):
    return adjusted_bill_open(
        account=account, user=counter, evidence="ซีลมิเตอร์ถูกตัด",
        history_kwh=[Decimal(210), Decimal(198), Decimal(225)], months=4,
        billed_kwh=Decimal("300.0"), rate=Decimal("4.1"),
    )  # fmt: skip


def test_the_bill_uses_the_average_of_3_to_6_months():
    average, kwh, amount = adjusted_bill_compute(
        history_kwh=[210, 198, 225], months=4, billed_kwh=300, rate=Decimal("4.1")
    )
    assert (average, kwh, amount) == (
        Decimal("211.00"),
        Decimal("544.00"),
        Decimal("2230.40"),
    )
    for history in ([200, 200], [1] * 7):
        with pytest.raises(ValidationError):
            adjusted_bill_compute(history_kwh=history, months=1, billed_kwh=0, rate=1)


def test_a_case_runs_from_first_notice_to_payment(account, counter, customer):
    r = _open(account, counter)
    assert r.applicant == customer and r.created_by == counter
    assert r.invoices.get().total == Decimal("2230.40")
    r = rs.request_step(
        request=r, user=counter, name="send_first_notice", note="signed"
    )
    r = rs.request_step(request=r, user=counter, name="send_second_notice")
    invoice = r.invoices.get()
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    assert ServiceRequest.objects.get(pk=r.pk).state == "closed"


def test_no_payment_after_two_notices_orders_the_disconnection(account, counter):
    r = _open(account, counter)
    r = rs.request_step(request=r, user=counter, name="send_first_notice")
    with pytest.raises(TransitionRefused):  # not before the second notice
        adjusted_bill_order_disconnection(request=r, user=counter)
    r = rs.request_step(request=r, user=counter, name="send_second_notice")
    r = adjusted_bill_order_disconnection(request=r, user=counter)
    cut = Disconnection.objects.get(account=account)
    assert r.state == "closed"
    assert cut.outstanding == Decimal("2230.40") and cut.reconnected_at is None
    assert r.invoices.get().status == "cancelled"  # the debt moved to the bills


def test_only_staff_of_the_office_open_a_case(account, customer, other_counter):
    for user in (customer, other_counter):
        with pytest.raises(PermissionDenied):
            _open(account, user)


def test_customers_cannot_file_it_but_see_it(client, account, customer, counter):
    r = _open(account, counter)
    client.force_login(customer)
    assert (
        client.get(reverse("requests:file", args=["adjusted-bill"])).status_code == 404
    )
    assert client.get(r.get_absolute_url()).status_code == 200
    assert "adjusted-bill" not in client.get(reverse("home")).content.decode()


def test_staff_open_a_case_from_the_screen(client, account, counter):
    client.force_login(counter)
    response = client.post(
        reverse("staff:adjusted_bill_new"),
        {"ca_number": account.ca_number, "evidence": "ดัดแปลงวงจร",
         "history_kwh": "210, 198, 225", "months": "4", "billed_kwh": "300",
         "rate": "4.1"},
    )  # fmt: skip
    r = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == r.staff_url()
    bad = client.post(
        reverse("staff:adjusted_bill_new"),
        {"ca_number": account.ca_number, "evidence": "x", "history_kwh": "210, 198",
         "months": "4", "billed_kwh": "300", "rate": "4.1"},
    )  # fmt: skip
    assert bad.status_code == 200 and "history_kwh" in bad.context["form"].errors
