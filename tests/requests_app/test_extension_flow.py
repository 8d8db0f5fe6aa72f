"""Grid extensions (charter §3.2–§3.4): survey, an estimate the customer
accepts or declines, payment, construction."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core import calendar
from payments.models import Estimate
from payments.services import estimate_decide, estimate_send, payment_record_cash
from requests_app import services as rs
from requests_app.exceptions import TransitionRefused
from requests_app.models import ServiceRequest
from tests import factories

pytestmark = pytest.mark.django_db


def _fresh(r):
    return ServiceRequest.objects.get(pk=r.pk)


def _to_estimate(customer, office, counter, surveyor, code="grid-extension"):
    r = factories.submit_request(customer=customer, office=office, service_code=code)
    r = rs.request_accept(request=r, user=counter)
    r = rs.request_book_survey(
        request=r, user=counter, scheduled_for=timezone.now() + timedelta(hours=2)
    )
    r = rs.request_record_site_survey(request=r, user=surveyor, findings="4 poles")
    return estimate_send(
        request=r, user=counter, amount=Decimal("10700.00"), details="4 poles"
    )


@pytest.mark.parametrize(
    "code", ["grid-extension", "dedicated-extension-pea", "dedicated-extension-self"]
)
def test_every_extension_service_runs_from_filing_to_construction_done(
    code, customer, office, counter, surveyor, technician
):
    r = _to_estimate(customer, office, counter, surveyor, code)
    assert r.state == "estimate_sent" and r.due_at is None  # waits on the customer
    r = estimate_decide(request=r, user=customer, accept=True)
    invoice = r.invoices.get()
    assert (r.state, invoice.total) == ("fees_quoted", Decimal("10700.00"))
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    r = _fresh(r)
    build = r.service.steps.get(code="build")
    assert r.due_at == calendar.due_after(r.paid_at, build.time_value, build.time_unit)
    r = rs.request_start_construction(
        request=r, user=counter, scheduled_for=timezone.now() + timedelta(days=1)
    )
    r = rs.request_finish(request=r, user=technician, name="finish_construction")
    assert r.state == "closed"


def test_the_grid_extension_promises_construction_within_30_working_days(
    customer, office, counter, surveyor
):
    # A charter "day" is a working day (SPEC §3); issue 16 has the dated case.
    r = _to_estimate(customer, office, counter, surveyor)
    r = estimate_decide(request=r, user=customer, accept=True)
    payment_record_cash(
        invoice=r.invoices.get(), user=counter, amount=Decimal("10700.00")
    )
    r = _fresh(r)
    assert r.due_at == calendar.end_of_working_day(r.paid_at, 30)


def test_declining_the_estimate_ends_the_request_without_an_invoice(
    customer, office, counter, surveyor
):
    r = _to_estimate(customer, office, counter, surveyor)
    r = estimate_decide(request=r, user=customer, accept=False, reason="แพงเกินไป")
    assert r.state == "cancelled"
    assert not r.invoices.exists()
    assert Estimate.objects.get(request=r).accepted is False


def test_only_the_applicant_answers_the_estimate(
    customer, other_customer, office, counter, surveyor
):
    r = _to_estimate(customer, office, counter, surveyor)
    for user in (other_customer, counter):
        with pytest.raises(PermissionDenied):
            estimate_decide(request=r, user=user, accept=True)


def test_an_estimate_needs_an_amount(customer, office, counter, surveyor):
    r = factories.submit_request(
        customer=customer, office=office, service_code="grid-extension"
    )
    r = rs.request_accept(request=r, user=counter)
    r = rs.request_book_survey(
        request=r, user=counter, scheduled_for=timezone.now() + timedelta(hours=2)
    )
    r = rs.request_record_site_survey(request=r, user=surveyor)
    with pytest.raises(ValidationError):
        estimate_send(request=r, user=counter, amount=Decimal("0"))
    assert _fresh(r).state == "surveyed"


def test_refused_steps(customer, office, counter, surveyor, technician, other_counter):
    r = factories.submit_request(
        customer=customer, office=office, service_code="grid-extension"
    )
    with pytest.raises(TransitionRefused):
        estimate_send(request=r, user=counter, amount=Decimal("1"))
    with pytest.raises(PermissionDenied):
        rs.request_accept(request=r, user=other_counter)
    with pytest.raises(PermissionDenied):
        rs.request_accept(request=r, user=technician)


def test_the_self_built_extension_asks_for_the_engineers_documents():
    from requests_app.models import ServiceType

    service = ServiceType.objects.get(code="dedicated-extension-self")
    codes = {
        dt.code
        for dt in rs.required_document_types(
            service=service, applicant_kind="individual", by_representative=False
        )
    }
    assert {
        "engineer-certificates",
        "engineer-licences",
        "single-line-diagram",
    } <= codes


def test_the_customer_answers_the_estimate_from_the_request_page(
    client, customer, office, counter, surveyor
):
    r = _to_estimate(customer, office, counter, surveyor)
    client.force_login(customer)
    page = client.get(r.get_absolute_url()).content.decode()
    assert "10,700.00" in page
    assert reverse("requests:action", args=[r.reference, "accept_estimate"]) in page
    client.post(
        reverse("requests:action", args=[r.reference, "accept_estimate"]),
        {"expected_state": "estimate_sent"},
    )
    assert _fresh(r).state == "fees_quoted"
