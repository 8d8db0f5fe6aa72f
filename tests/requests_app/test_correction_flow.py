"""Corrections of the distribution system (charter §3.11, §3.12): free; survey,
approval, a planned outage 7 days ahead (3 for high voltage), work in 1 day."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core import calendar
from requests_app import services as rs
from requests_app.exceptions import TransitionRefused
from requests_app.models import CorrectionBudget, ServiceRequest, ServiceType
from tests import factories

pytestmark = pytest.mark.django_db


def _approved(customer, office, counter, surveyor, code="correction-premises"):
    r = factories.submit_request(customer=customer, office=office, service_code=code)
    r = rs.request_accept(request=r, user=counter)
    r = rs.request_book_survey(
        request=r, user=counter, scheduled_for=timezone.now() + timedelta(hours=2)
    )
    r = rs.request_record_site_survey(request=r, user=surveyor, findings="เสาเอียง")
    return rs.request_approve(request=r, user=counter)


@pytest.mark.parametrize("code", ["correction-public", "correction-premises"])
def test_a_correction_runs_to_the_work_done_free_of_charge(
    code, customer, office, counter, surveyor, technician
):
    r = _approved(customer, office, counter, surveyor, code)
    if code == "correction-premises":
        r = _funded(r, counter)
    outage = timezone.now() + timedelta(days=8)
    r = rs.request_announce_outage(request=r, user=counter, outage_at=outage)
    assert r.due_at == calendar.end_of_working_day(outage, 1)
    r = rs.request_finish(request=r, user=technician, name="finish_work")
    assert r.state == "closed"
    assert not r.invoices.exists()
    assert not ServiceType.objects.get(code=code).fees.exists()


def _funded(r, counter):
    r = rs.request_budget_request(
        request=r, user=counter, amount=Decimal("48500.00"), request_number="B-0001"
    )
    return rs.request_budget_approve(request=r, user=counter, approval_number="A-77")


@pytest.mark.parametrize(
    ("days", "high_voltage", "ok"),
    [(6, False, False), (7.01, False, True), (2, True, False), (3.01, True, True)],
)
def test_the_outage_is_announced_7_days_ahead_or_3_for_high_voltage(
    customer, office, counter, surveyor, days, high_voltage, ok
):
    r = _funded(_approved(customer, office, counter, surveyor), counter)
    outage = timezone.now() + timedelta(days=days)
    if ok:
        r = rs.request_announce_outage(
            request=r, user=counter, outage_at=outage, high_voltage=high_voltage
        )
        assert r.state == "outage_announced"
    else:
        with pytest.raises(ValidationError):
            rs.request_announce_outage(
                request=r, user=counter, outage_at=outage, high_voltage=high_voltage
            )
        assert ServiceRequest.objects.get(pk=r.pk).state == "budget_approved"


def test_refused_steps(customer, office, counter, surveyor, technician, other_counter):
    r = factories.submit_request(
        customer=customer, office=office, service_code="correction-public"
    )
    with pytest.raises(TransitionRefused):
        rs.request_approve(request=r, user=counter)
    with pytest.raises(PermissionDenied):
        rs.request_accept(request=r, user=other_counter)
    r = _funded(_approved(customer, office, counter, surveyor), counter)
    with pytest.raises(PermissionDenied):
        rs.request_finish(request=r, user=customer, name="finish_work")
    with pytest.raises(TransitionRefused):
        rs.request_finish(request=r, user=technician, name="finish_work")


# Charter §3.12: on the customer's premises the budget is a step of its own,
# requested once the estimate is approved; the outage notice waits for it.


def test_on_the_premises_the_outage_waits_for_the_budget(
    customer, office, counter, surveyor, supervisor
):
    r = _approved(customer, office, counter, surveyor)
    outage = timezone.now() + timedelta(days=8)
    with pytest.raises(TransitionRefused):
        rs.request_announce_outage(request=r, user=counter, outage_at=outage)
    with pytest.raises(ValidationError) as exc:
        rs.request_budget_request(
            request=r, user=counter, amount=Decimal("0"), request_number="B-1"
        )
    assert "amount" in exc.value.message_dict
    r = rs.request_budget_request(
        request=r, user=counter, amount=Decimal("48500.00"), request_number="B-0001"
    )
    assert r.state == "budget_requested"
    with pytest.raises(TransitionRefused):
        rs.request_announce_outage(request=r, user=counter, outage_at=outage)
    r = rs.request_budget_approve(request=r, user=supervisor, approval_number="A-77")
    assert r.state == "budget_approved"
    budget = CorrectionBudget.objects.get(request=r)
    assert (budget.amount, budget.request_number, budget.approval_number) == (
        Decimal("48500.00"), "B-0001", "A-77",
    )  # fmt: skip
    assert (budget.requested_by, budget.approved_by) == (counter, supervisor)
    r = rs.request_announce_outage(request=r, user=counter, outage_at=outage)
    assert r.state == "outage_announced"
    steps = list(r.events.values_list("action", flat=True))
    assert steps.index("request_budget") < steps.index("approve_budget")
    assert steps.index("approve_budget") < steps.index("announce_outage")


def test_in_a_public_area_there_is_no_budget_step(customer, office, counter, surveyor):
    r = _approved(customer, office, counter, surveyor, "correction-public")
    with pytest.raises(TransitionRefused):
        rs.request_budget_request(
            request=r, user=counter, amount=Decimal("100"), request_number="B-2"
        )
    r = rs.request_announce_outage(
        request=r, user=counter, outage_at=timezone.now() + timedelta(days=8)
    )
    assert r.state == "outage_announced"


def test_the_charter_page_shows_the_budget_step_before_the_outage_notice(client):
    service = ServiceType.objects.get(code="correction-premises")
    codes = list(service.steps.values_list("code", flat=True))
    assert codes.index("approve") < codes.index("budget") < codes.index("announce")
    client.cookies["pea_language"] = "en"
    html = client.get(f"/charter/{service.code}/").content.decode()
    assert "Request the budget" in html
    assert html.index("Request the budget") < html.index("Announce the planned outage")


def test_staff_take_the_budget_steps_from_the_request_page(
    client, customer, office, counter, surveyor
):
    r = _approved(customer, office, counter, surveyor)
    client.force_login(counter)
    client.cookies["pea_language"] = "en"
    page = client.get(r.staff_url()).content.decode()
    assert "Request the budget" in page
    assert "Announce the planned outage" not in page
    url = f"/staff/requests/{r.reference}/act/request_budget/"
    client.post(url, {"expected_state": "approved", "request_budget-amount": "48500",
                      "request_budget-request_number": "B-0009"})  # fmt: skip
    assert ServiceRequest.objects.get(pk=r.pk).state == "budget_requested"
    url = f"/staff/requests/{r.reference}/act/approve_budget/"
    client.post(url, {"expected_state": "budget_requested",
                      "approve_budget-approval_number": "A-9"})  # fmt: skip
    page = client.get(r.staff_url()).content.decode()
    assert ServiceRequest.objects.get(pk=r.pk).state == "budget_approved"
    assert "Announce the planned outage" in page
    assert "B-0009" in page and "A-9" in page
