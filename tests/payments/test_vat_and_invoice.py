"""VAT is split once, in one function; an invoice follows the fee schedule
(SPEC §3.1: 5(15) single phase = deposit 300 + inspection 107 + meter 321)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from payments.models import Invoice, Payment
from payments.services import payment_record_cash, request_quote_fees
from payments.vat import split_vat
from requests_app.models import RequestEvent, ServiceRequest, State
from requests_app.services import (
    request_accept,
    request_book_survey,
    request_record_survey,
)

D = Decimal


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def surveyed_request(submitted_request, counter, surveyor):
    sr = request_accept(request=submitted_request, user=counter)
    sr = request_book_survey(
        request=sr, user=counter, scheduled_for=timezone.now() + timedelta(days=1)
    )
    return request_record_survey(request=sr, user=surveyor, passed=True)


@pytest.fixture
def invoice(surveyed_request, counter):
    return request_quote_fees(request=surveyed_request, user=counter)


# split_vat --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "gross, net, vat",
    [
        ("107.00", "100.00", "7.00"),
        ("321.00", "300.00", "21.00"),
        ("160.50", "150.00", "10.50"),
        ("214.00", "200.00", "14.00"),
        ("0.00", "0.00", "0.00"),
        ("1.00", "0.93", "0.07"),
        ("100.00", "93.46", "6.54"),
    ],
)
def test_it_splits_a_vat_inclusive_amount_into_net_and_vat(gross, net, vat):
    assert split_vat(D(gross)) == (D(net), D(vat))


@pytest.mark.parametrize(
    "gross", ["0.01", "0.99", "33.33", "999.99", "2407.50", "1605.00"]
)
def test_net_and_vat_always_add_up_to_the_amount_paid(gross):
    net, vat = split_vat(D(gross))

    assert net + vat == D(gross)
    assert net.as_tuple().exponent == vat.as_tuple().exponent == -2


def test_it_accepts_a_string_or_an_integer_amount():
    assert split_vat("107") == split_vat(107) == (D("100.00"), D("7.00"))


# The quote ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_quote_for_a_5_15_single_phase_meter_totals_728_baht(
    invoice, customer, counter
):
    assert invoice.total == D("728.00")
    assert invoice.status == Invoice.Status.UNPAID
    assert invoice.customer == customer
    assert invoice.created_by == counter
    assert invoice.office == invoice.request.office
    assert invoice.number.startswith(f"INV{invoice.office.code}-")
    assert invoice.due_date == timezone.localdate() + timedelta(days=30)
    lines = {line.fee_item.code: line for line in invoice.lines.all()}
    assert {
        code: (line.kind, line.amount, line.net, line.vat)
        for code, line in lines.items()
    } == {
        "deposit": ("deposit", D("300.00"), D("300.00"), D("0.00")),
        "inspection": ("fee", D("107.00"), D("100.00"), D("7.00")),
        "meter": ("fee", D("321.00"), D("300.00"), D("21.00")),
    }
    assert invoice.net_total == D("700.00")
    assert invoice.vat_total == D("28.00")
    assert sum(line.amount for line in lines.values()) == invoice.total


@pytest.mark.django_db
def test_the_quote_moves_the_request_to_fees_quoted(invoice):
    assert ServiceRequest.objects.get(pk=invoice.request_id).state == State.FEES_QUOTED


@pytest.mark.django_db
def test_invoice_numbers_run_on_per_office(customer, office, counter, surveyor):
    from tests import factories

    numbers = []
    for _ in range(2):
        sr = factories.submit_request(customer=customer, office=office)
        request_accept(request=sr, user=counter)
        numbers.append(request_quote_fees(request=sr, user=counter).number)

    assert numbers[0] != numbers[1]
    assert int(numbers[1][-6:]) == int(numbers[0][-6:]) + 1


# Cash at the counter ----------------------------------------------------------------------


@pytest.mark.django_db
def test_it_takes_the_exact_cash_amount(invoice, counter):
    payment = payment_record_cash(invoice=invoice, user=counter, amount=D("728.00"))

    assert payment.amount == D("728.00")
    assert payment.method == Payment.Method.CASH
    assert payment.received_by == counter
    assert payment.office == counter.office
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice.paid_at is not None
    sr = ServiceRequest.objects.get(pk=invoice.request_id)
    assert sr.state == State.PAID
    assert sr.paid_at == invoice.paid_at


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["727.99", "728.01", "700.00", "0", "1456.00"])
def test_it_refuses_a_wrong_cash_amount_and_records_nothing(invoice, counter, amount):
    with pytest.raises(ValidationError) as exc:
        payment_record_cash(invoice=invoice, user=counter, amount=D(amount))

    assert "amount" in exc.value.message_dict
    assert "728.00" in exc.value.message_dict["amount"][0]
    assert not Payment.objects.exists()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.UNPAID
    assert invoice.paid_at is None
    assert ServiceRequest.objects.get(pk=invoice.request_id).state == State.FEES_QUOTED
    assert not RequestEvent.objects.filter(action="record_payment").exists()


def test_ct_meter_classes_carry_the_charter_test_and_reconnection_fees(db):
    """SPEC §3.6/§3.7: CT-connected 535.00, CT/VT-connected 2,140.00, VAT included;
    the classes stay out of the size pickers."""
    from django.utils import timezone

    from meters.models import MeterSize
    from payments.selectors import fees_in_force
    from requests_app.models import ServiceType

    for service_code in ("meter-test", "reconnection"):
        service = ServiceType.objects.get(code=service_code)
        amounts = {
            size: fees_in_force(
                service, on_date=timezone.localdate(),
                meter_size=MeterSize.objects.get(code=size),
            ).get().amount
            for size in ("CT-LV", "CTVT-HV")
        }  # fmt: skip
        assert amounts == {"CT-LV": Decimal("535.00"), "CTVT-HV": Decimal("2140.00")}
    assert not MeterSize.objects.filter(code__in=["CT-LV", "CTVT-HV"], is_active=True)
    assert MeterSize.objects.get(code="CT-LV").label == "CT"
