"""Rental of line-insulation covers (charter §3.13)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from meters.models import CoverRental
from meters.services import covers_quote, covers_record
from payments.services import payment_record_cash
from requests_app import services as rs
from requests_app.exceptions import TransitionRefused
from requests_app.models import ServiceRequest
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_charge_is_500_plus_10_per_cover_per_day(customer, office, counter):
    r = factories.file_covers(customer=customer, office=office, covers=4, days=5)
    r = rs.request_accept(request=r, user=counter)
    covers_quote(request=r, user=counter)
    invoice = ServiceRequest.objects.get(pk=r.pk).invoices.get()
    assert sorted(line.amount for line in invoice.lines.all()) == [
        Decimal("200.00"), Decimal("500.00"),
    ]  # fmt: skip
    assert invoice.total == Decimal("700.00")


def test_a_rental_runs_from_quote_to_the_covers_removed(
    customer, office, counter, technician
):
    r = factories.file_covers(customer=customer, office=office)
    r = rs.request_accept(request=r, user=counter)
    assert r.due_at is not None  # cost within 1 working day of the request
    covers_quote(request=r, user=counter)
    r = ServiceRequest.objects.get(pk=r.pk)
    payment_record_cash(
        invoice=r.invoices.get(), user=counter, amount=Decimal("700.00")
    )
    r = rs.request_book_covers(
        request=ServiceRequest.objects.get(pk=r.pk), user=counter,
        scheduled_for=timezone.now() + timedelta(days=1), assignee=technician,
    )  # fmt: skip
    r = covers_record(request=r, user=technician, name="install_covers")
    assert CoverRental.objects.get(request=r).installed_at is not None
    r = covers_record(request=r, user=technician, name="remove_covers")
    assert r.state == "closed"
    assert CoverRental.objects.get(request=r).removed_at is not None


def test_covers_and_days_must_be_positive(customer, office):
    with pytest.raises(ValidationError):
        factories.file_covers(customer=customer, office=office, covers=0)
    with pytest.raises(ValidationError):
        factories.file_covers(customer=customer, office=office, days=0)
    assert not ServiceRequest.objects.exists()


def test_refused_steps(customer, office, counter, technician, other_counter):
    r = factories.file_covers(customer=customer, office=office)
    with pytest.raises(TransitionRefused):
        covers_record(request=r, user=technician, name="install_covers")
    with pytest.raises(PermissionDenied):
        rs.request_accept(request=r, user=other_counter)
    r = rs.request_accept(request=r, user=counter)
    with pytest.raises(PermissionDenied):
        covers_quote(request=r, user=technician)


def test_the_customer_files_covers_and_days_on_the_web(client, customer, office):
    from requests_app.models import ServiceType
    from requests_app.services import required_document_types

    service = ServiceType.objects.get(code="insulation-covers")
    client.force_login(customer)
    page = client.get(reverse("requests:file", args=["insulation-covers"]))
    for name in ("covers", "days", "line_length_m"):  # the page asks for them
        assert f'name="{name}"' in page.content.decode()
    data = {
        "office": office.pk, "premises_address": "ซอย 9", "premises_province": "ขอนแก่น",
        "contact_phone": "0812345678", "covers": "3", "days": "2",
    }  # fmt: skip
    for dt in required_document_types(
        service=service, applicant_kind="individual", by_representative=False
    ):
        data[f"doc_{dt.pk}"] = factories.pdf(f"{dt.code}.pdf")
    response = client.post(reverse("requests:file", args=["insulation-covers"]), data)
    r = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert (r.cover_rental.covers, r.cover_rental.days) == (3, 2)
