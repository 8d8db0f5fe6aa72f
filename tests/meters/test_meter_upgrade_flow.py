"""Meter size upgrade (charter §3.5): the new-connection steps on an existing
account, whose meter is replaced (the CA number stays)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from meters.models import ElectricityAccount, MeterSize
from meters.services import installation_record
from payments.services import payment_record_cash, request_quote_fees
from requests_app import services as rs
from requests_app.models import ServiceRequest
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(customer, office):
    return factories.account_for(customer, office, meter_code="5(15)-1")


def _file(account, size_code="30(100)-1"):
    return factories.submit_account_request(
        service_code="meter-upgrade", account=account,
        meter_size=MeterSize.objects.get(code=size_code),
    )  # fmt: skip


def test_an_upgrade_replaces_the_meter_and_keeps_the_account(
    account, counter, surveyor, technician
):
    ca = account.ca_number
    r = rs.request_accept(request=_file(account), user=counter)
    r = rs.request_book_survey(
        request=r, user=counter, scheduled_for=timezone.now() + timedelta(hours=3)
    )
    r = rs.request_record_survey(request=r, user=surveyor, passed=True)
    invoice = request_quote_fees(request=r, user=counter)
    assert invoice.total == Decimal("1605.00")  # the meter fee of the new size
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    r = rs.request_book_installation(
        request=ServiceRequest.objects.get(pk=r.pk), user=counter,
        scheduled_for=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    r = installation_record(
        request=r, user=technician, serial="UP-1", first_reading=Decimal("0")
    )
    account = ElectricityAccount.objects.get(pk=account.pk)
    assert r.state == "closed"
    assert (account.ca_number, account.meter.serial) == (ca, "UP-1")
    assert account.meter.size.code == "30(100)-1"
    assert ElectricityAccount.objects.count() == 1  # no new account


def test_the_upgrade_promises_installation_in_2_working_days(
    account, counter, surveyor
):
    r = rs.request_accept(request=_file(account), user=counter)
    r = rs.request_book_survey(
        request=r, user=counter, scheduled_for=timezone.now() + timedelta(hours=3)
    )
    r = rs.request_record_survey(request=r, user=surveyor, passed=True)
    invoice = request_quote_fees(request=r, user=counter)
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    r = rs.request_book_installation(
        request=ServiceRequest.objects.get(pk=r.pk), user=counter,
        scheduled_for=timezone.now() + timedelta(hours=1),
    )  # fmt: skip
    from core import calendar

    assert r.due_at >= calendar.end_of_working_day(r.paid_at, 2)


def test_the_form_wants_a_larger_meter(client, customer, account):
    client.force_login(customer)
    from requests_app.models import ServiceType
    from requests_app.services import required_document_types

    service = ServiceType.objects.get(code="meter-upgrade")
    data = {
        "account": account.pk, "contact_phone": "0812345678",
        "new_meter_size": MeterSize.objects.get(code="5(15)-1").pk,
    }  # fmt: skip
    for dt in required_document_types(
        service=service, applicant_kind="individual", by_representative=False
    ):
        data[f"doc_{dt.pk}"] = factories.pdf()
    response = client.post(reverse("requests:file", args=["meter-upgrade"]), data)
    assert response.status_code == 200
    assert "new_meter_size" in response.context["form"].errors
    assert not ServiceRequest.objects.exists()
