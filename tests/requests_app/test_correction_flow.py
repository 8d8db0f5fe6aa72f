"""Corrections of the distribution system (charter §3.11, §3.12): free; survey,
approval, a planned outage 7 days ahead (3 for high voltage), work in 1 day."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from requests_app import services as rs
from requests_app.exceptions import TransitionRefused
from requests_app.models import ServiceRequest, ServiceType
from sla import calendar
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
    outage = timezone.now() + timedelta(days=8)
    r = rs.request_announce_outage(request=r, user=counter, outage_at=outage)
    assert r.due_at == calendar.end_of_working_day(outage, 1)
    r = rs.request_finish(request=r, user=technician, name="finish_work")
    assert r.state == "closed"
    assert not r.invoices.exists()
    assert not ServiceType.objects.get(code=code).fees.exists()


@pytest.mark.parametrize(
    ("days", "high_voltage", "ok"),
    [(6, False, False), (7.01, False, True), (2, True, False), (3.01, True, True)],
)
def test_the_outage_is_announced_7_days_ahead_or_3_for_high_voltage(
    customer, office, counter, surveyor, days, high_voltage, ok
):
    r = _approved(customer, office, counter, surveyor)
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
        assert ServiceRequest.objects.get(pk=r.pk).state == "approved"


def test_refused_steps(customer, office, counter, surveyor, technician, other_counter):
    r = factories.submit_request(
        customer=customer, office=office, service_code="correction-public"
    )
    with pytest.raises(TransitionRefused):
        rs.request_approve(request=r, user=counter)
    with pytest.raises(PermissionDenied):
        rs.request_accept(request=r, user=other_counter)
    r = _approved(customer, office, counter, surveyor)
    with pytest.raises(PermissionDenied):
        rs.request_finish(request=r, user=customer, name="finish_work")
    with pytest.raises(TransitionRefused):
        rs.request_finish(request=r, user=technician, name="finish_work")
