"""Broken-meter replacement (charter §3.8): natural (free, 3 working days from
the report) or caused by the user (a debt, 3 working days from payment);
form มต.75 either way."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core import calendar
from meters.models import ElectricityAccount, MeterReplacement
from meters.services import (
    broken_meter_book,
    broken_meter_raise_debt,
    broken_meter_replace,
)
from payments.models import FeeItem
from payments.services import payment_record_cash
from requests_app import services as rs
from requests_app.exceptions import TransitionRefused
from requests_app.models import ServiceRequest
from tests import factories

pytestmark = pytest.mark.django_db
SOON = timedelta(hours=3)


@pytest.fixture
def account(customer, office):
    return factories.account_for(customer, office, meter_code="30(100)-1")


def _report(account):
    return factories.submit_account_request(
        service_code="broken-meter", account=account
    )


def test_natural_wear_is_replaced_free_within_3_working_days_of_the_report(
    account, counter, technician
):
    r = rs.request_accept(request=_report(account), user=counter)
    assert r.due_at == calendar.end_of_working_day(r.created_at, 3)
    r = broken_meter_book(request=r, user=counter, scheduled_for=timezone.now() + SOON)
    r = broken_meter_replace(
        request=r, user=technician, old_reading=Decimal("5120.5"), new_serial="nb-77",
        new_reading=Decimal("0"), left_in_mailbox=True,
    )  # fmt: skip
    form = MeterReplacement.objects.get(request=r)
    account = ElectricityAccount.objects.get(pk=account.pk)
    assert r.state == "closed" and not r.invoices.exists()
    assert (form.cause, form.old_reading, form.new_meter.serial) == (
        "natural", Decimal("5120.5"), "NB-77",
    )  # fmt: skip
    assert account.meter.serial == "NB-77"


def test_user_caused_damage_is_charged_then_replaced_3_days_after_payment(
    account, counter, technician
):
    r = rs.request_accept(request=_report(account), user=counter)
    r = broken_meter_raise_debt(
        request=r, user=counter, amount=Decimal("1500.00"), cause_details="ฝาครอบแตก"
    )
    invoice = r.invoices.get()
    assert (r.state, invoice.total) == ("fees_quoted", Decimal("1500.00"))
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    r = ServiceRequest.objects.get(pk=r.pk)
    assert r.due_at == calendar.end_of_working_day(r.paid_at, 3)
    r = broken_meter_book(request=r, user=counter, scheduled_for=timezone.now() + SOON)
    r = broken_meter_replace(
        request=r, user=technician, old_reading=Decimal(1), new_serial="U-1",
        new_reading=Decimal(0),
    )  # fmt: skip
    assert MeterReplacement.objects.get(request=r).cause == "user"


def test_an_expired_price_list_still_prices_a_report_from_its_time(
    account, counter, monkeypatch
):
    """Prices valid until 31 Dec 2015 charge a report made in 2015, not today's."""
    r = _report(account)
    ServiceRequest.objects.filter(pk=r.pk).update(
        created_at=timezone.make_aware(timezone.datetime(2015, 12, 30, 10, 0))
    )
    r = rs.request_accept(request=ServiceRequest.objects.get(pk=r.pk), user=counter)
    r = broken_meter_raise_debt(request=r, user=counter, cause_details="overload")
    assert r.invoices.get().total == Decimal("1448.00")


def test_with_no_price_in_force_staff_must_enter_the_amount(account, counter):
    assert not FeeItem.objects.filter(
        service__code="broken-meter", effective_to__gte=timezone.localdate()
    ).exists()
    r = rs.request_accept(request=_report(account), user=counter)
    with pytest.raises(ValidationError) as exc:
        broken_meter_raise_debt(request=r, user=counter, cause_details="overload")
    assert "amount" in exc.value.message_dict
    assert ServiceRequest.objects.get(pk=r.pk).state == "accepted"


def test_refused_steps(account, counter, technician, other_counter, customer):
    r = _report(account)
    with pytest.raises(TransitionRefused):
        broken_meter_book(request=r, user=counter, scheduled_for=timezone.now() + SOON)
    with pytest.raises(PermissionDenied):
        rs.request_accept(request=r, user=other_counter)
    r = rs.request_accept(request=r, user=counter)
    with pytest.raises(PermissionDenied):
        broken_meter_raise_debt(request=r, user=technician, amount=Decimal(1))
    r = broken_meter_book(request=r, user=counter, scheduled_for=timezone.now() + SOON)
    with pytest.raises(PermissionDenied):
        broken_meter_replace(
            request=r, user=customer, old_reading=1, new_serial="X", new_reading=0
        )


def test_the_customer_and_staff_can_open_the_printable_form(
    client, account, customer, counter, technician, other_customer
):
    r = rs.request_accept(request=_report(account), user=counter)
    r = broken_meter_book(request=r, user=counter, scheduled_for=timezone.now() + SOON)
    r = broken_meter_replace(
        request=r, user=technician, old_reading=Decimal("88.0"), new_serial="P-1",
        new_reading=Decimal("0"),
    )  # fmt: skip
    url = reverse("requests:mt75", args=[r.reference])
    for user in (customer, counter):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200
        assert "P-1" in page.content.decode() and "88.0" in page.content.decode()
    client.force_login(other_customer)
    assert client.get(url).status_code == 404
