"""Issue 16, cases 1-4: each service driven through its own services with the
time frozen, each due time computed by hand from SPEC ("How promised times are
counted", §3). Thai holidays met on the way: Sat 5 Dec 2026 (in lieu Mon 7 Dec),
Thu 10 Dec (Constitution Day), Thu 31 Dec and Fri 1 Jan 2027."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from meters.models import MeterSize
from payments.services import (
    estimate_decide,
    estimate_send,
    payment_record_cash,
    request_quote_fees,
)
from requests_app import services as rs
from requests_app.models import ServiceRequest
from sla.models import Clock, Policy
from tests import factories

BKK = ZoneInfo("Asia/Bangkok")
pytestmark = pytest.mark.django_db


def bkk(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=BKK)


@pytest.fixture
def clock_at(monkeypatch):
    def set_(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_


def _clock(r, step) -> Clock:
    return Clock.objects.get(request=r, step_code=step)


def _fresh(r):
    return ServiceRequest.objects.get(pk=r.pk)


# 1. The inspection clock runs while PEA owes the survey ----------------------------


def test_paid_before_the_inspection_waits_on_pea_not_on_the_customer(
    customer, office, counter, clock_at
):
    clock_at(bkk(2026, 12, 4, 16, 0))  # Friday; Monday 7 Dec is a holiday
    r = factories.submit_request(customer=customer, office=office)
    clock_at(bkk(2026, 12, 8, 9, 0))
    r = rs.request_accept(request=r, user=counter)
    # 2 working days from Tuesday: Wed 9, (Thu 10 Constitution Day), Fri 11.
    assert _clock(r, "inspect").due_at == bkk(2026, 12, 11, 16, 30)
    clock_at(bkk(2026, 12, 8, 9, 30))
    invoice = request_quote_fees(request=r, user=counter)
    assert _clock(r, "inspect").status == "paused"  # the customer owes the payment
    clock_at(bkk(2026, 12, 8, 10, 0))
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    c = _clock(r, "inspect")
    assert c.status == "running"  # paid: PEA owes the survey now
    assert c.paused_seconds == 30 * 60
    clock_at(bkk(2026, 12, 8, 15, 0))
    r = rs.request_book_survey(
        request=_fresh(r), user=counter, scheduled_for=bkk(2026, 12, 9, 9, 0)
    )
    c = _clock(r, "inspect")
    assert (c.status, c.paused_seconds) == ("running", 30 * 60)
    # Fri 11 Dec 16:30 + the half hour that waited on the customer.
    assert c.due_at == bkk(2026, 12, 14, 9, 0)


def test_no_policy_pauses_in_a_state_where_pea_owes_the_work():
    from requests_app.models import CUSTOMER_STATES

    owed_by_pea = {
        p.service.code + ":" + p.step_code: set(p.pause_states) - set(CUSTOMER_STATES)
        for p in Policy.objects.select_related("service")
        if p.pk in {x.pk for x in _current()}
    }
    assert {k: v for k, v in owed_by_pea.items() if v} == {}


def _current():
    from requests_app.models import ServiceType
    from sla.clocks import current_policies

    return [p for s in ServiceType.objects.all() for p in current_policies(s)]


# 2. Paused time is counted once, with or without an appointment --------------------


@pytest.mark.parametrize("preferred", [None, date(2026, 12, 17)])
def test_paused_time_is_counted_once_when_a_survey_is_booked(
    customer, office, counter, surveyor, clock_at, preferred
):
    clock_at(bkk(2026, 12, 14, 9, 0))  # Monday
    account = factories.account_for(customer, office)
    r = factories.submit_account_request(
        service_code="meter-upgrade", account=account,
        meter_size=MeterSize.objects.get(code="30(100)-1"), preferred_date=preferred,
    )  # fmt: skip
    clock_at(bkk(2026, 12, 14, 9, 30))
    r = rs.request_accept(request=r, user=counter)
    assert _clock(r, "inspect").due_at == bkk(2026, 12, 15, 16, 30)
    r = rs.request_book_survey(
        request=r, user=counter, scheduled_for=bkk(2026, 12, 15, 9, 0)
    )
    clock_at(bkk(2026, 12, 15, 9, 30))
    r = rs.request_record_survey(
        request=r, user=surveyor, passed=False, findings="สายดินเล็กเกินไป"
    )
    assert _clock(r, "inspect").status == "paused"  # 7 working hours left
    clock_at(bkk(2026, 12, 17, 9, 30))
    r = rs.request_book_survey(
        request=_fresh(r), user=counter, scheduled_for=bkk(2026, 12, 17, 14, 0)
    )
    c = _clock(r, "inspect")
    assert c.paused_seconds == 16 * 3600  # Tue 09:30 → Thu 09:30
    # Thu 09:30 + the 7 working hours left; the booked day ends at the same time.
    assert c.due_at == bkk(2026, 12, 17, 16, 30)


# 3. Only the customer's date moves a promise ---------------------------------------


def _upgrade_accepted(customer, office, counter, clock_at, **extra):
    clock_at(bkk(2026, 12, 14, 9, 0))
    account = factories.account_for(customer, office)
    r = factories.submit_account_request(
        service_code="meter-upgrade", account=account,
        meter_size=MeterSize.objects.get(code="30(100)-1"), **extra,
    )  # fmt: skip
    clock_at(bkk(2026, 12, 14, 9, 30))
    return rs.request_accept(request=r, user=counter)


def test_a_survey_staff_book_past_the_promise_is_a_late_promise(
    customer, office, counter, clock_at
):
    r = _upgrade_accepted(customer, office, counter, clock_at)
    clock_at(bkk(2026, 12, 14, 10, 0))
    r = rs.request_book_survey(
        request=r, user=counter, scheduled_for=bkk(2027, 1, 5, 9, 0)
    )
    c = _clock(r, "inspect")
    assert c.due_at == bkk(2026, 12, 15, 16, 30)  # unchanged: nobody asked for 5 Jan
    assert _fresh(r).due_at == bkk(2026, 12, 15, 16, 30)
    assert c.at_risk_at == bkk(2026, 12, 14, 10, 0)  # at risk from the booking
    from sla.selectors import drill_down

    at_risk = drill_down(
        office_ids=[office.pk], kind="at_risk", now=bkk(2026, 12, 14, 10, 5), weeks=4
    )
    assert c in at_risk  # the dashboard lists it at once


def test_the_date_the_customer_asked_for_moves_the_promise(
    customer, office, counter, clock_at
):
    r = _upgrade_accepted(
        customer, office, counter, clock_at, preferred_date=date(2027, 1, 5)
    )
    r = rs.request_book_survey(
        request=r, user=counter, scheduled_for=bkk(2027, 1, 5, 9, 0)
    )
    c = _clock(r, "inspect")
    assert c.due_at == bkk(2027, 1, 5, 16, 30)
    assert c.at_risk_at > bkk(2026, 12, 15, 16, 30)  # not a late promise


def test_another_date_than_the_customers_does_not_move_the_promise(
    customer, office, counter, clock_at
):
    r = _upgrade_accepted(
        customer, office, counter, clock_at, preferred_date=date(2027, 1, 5)
    )
    r = rs.request_book_survey(
        request=r, user=counter, scheduled_for=bkk(2027, 1, 6, 9, 0)
    )
    assert _clock(r, "inspect").due_at == bkk(2026, 12, 15, 16, 30)


# 4. A grid extension is built in 30 working days -----------------------------------


def test_a_grid_extension_is_built_within_30_working_days_of_payment(
    customer, office, counter, surveyor, clock_at
):
    clock_at(bkk(2026, 12, 14, 9, 0))
    r = factories.submit_request(
        customer=customer, office=office, service_code="grid-extension"
    )
    r = rs.request_accept(request=r, user=counter)
    r = rs.request_book_survey(
        request=r, user=counter, scheduled_for=bkk(2026, 12, 15, 9, 0)
    )
    clock_at(bkk(2026, 12, 15, 10, 0))
    r = rs.request_record_site_survey(request=r, user=surveyor, findings="4 poles")
    r = estimate_send(request=r, user=counter, amount=Decimal("10700.00"))
    r = estimate_decide(request=r, user=customer, accept=True)
    clock_at(bkk(2026, 12, 17, 11, 0))  # Thursday
    invoice = r.invoices.get()
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    build = _clock(r, "build")
    # Dec: 18, 21-25, 28-30 (9); Jan: 4-8, 11-15, 18-22, 25-29 (20); Mon 1 Feb.
    assert build.due_at == bkk(2027, 2, 1, 16, 30)
    assert _fresh(r).due_at == bkk(2027, 2, 1, 16, 30)
    step = r.service.steps.get(code="build")
    assert (step.time_value, step.time_unit) == (Decimal("30"), "working_days")
    assert (build.policy.target_value, build.policy.version) == (Decimal("30"), 2)


def test_the_charter_reads_30_working_days_for_the_build(client):
    from django.urls import reverse

    client.cookies["pea_language"] = "en"
    html = client.get(reverse("charter_detail", args=["grid-extension"]))
    assert "within 30 working days" in html.content.decode()


def test_the_migration_moves_a_clock_paused_in_paid_to_the_new_version(
    customer, office, counter, clock_at
):
    """Case 1 on a database where the old policy already paused the clock."""
    import importlib

    from django.apps import apps

    from sla.clocks import current_policies, policy_publish

    migration = importlib.import_module(
        "sla.migrations.0006_policies_v2_customer_waits"
    )
    inspect = next(
        p for p in current_policies(_service("new-connection"))
        if p.step_code == "inspect"
    )  # fmt: skip
    old = policy_publish(
        current=inspect, run_states=["accepted", "survey_booked"],
        pause_states=["wiring_failed", "fees_quoted", "paid"],
    )  # fmt: skip
    clock_at(bkk(2026, 12, 4, 16, 0))
    r = factories.submit_request(customer=customer, office=office)
    clock_at(bkk(2026, 12, 8, 9, 0))
    r = rs.request_accept(request=r, user=counter)
    clock_at(bkk(2026, 12, 8, 9, 30))
    invoice = request_quote_fees(request=r, user=counter)
    clock_at(bkk(2026, 12, 8, 10, 0))
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    assert _clock(r, "inspect").status == "paused"  # the old policy's fault
    clock_at(bkk(2026, 12, 8, 11, 0))
    migration.forwards(apps, None)
    c = _clock(r, "inspect")
    assert c.policy.version == old.version + 1 and "paid" in c.policy.run_states
    assert (c.status, c.paused_seconds) == ("running", 30 * 60)
    assert c.due_at == bkk(2026, 12, 14, 9, 0)
    assert _fresh(r).due_at is not None


def _service(code):
    from requests_app.models import ServiceType

    return ServiceType.objects.get(code=code)


# Review of the pause states: a clock counted from filing --------------------------


def test_a_clock_counted_from_filing_skips_the_time_returned_for_documents(
    customer, office, counter, clock_at
):
    """§3.13: the rental is quoted within 1 working day of the request; the two
    days it went back to the customer for documents are not PEA's."""
    clock_at(bkk(2026, 12, 14, 9, 0))  # Monday
    r = factories.file_covers(customer=customer, office=office)
    clock_at(bkk(2026, 12, 14, 10, 0))
    r = rs.request_return_for_documents(request=r, user=counter, reason="ไม่ชัด")
    clock_at(bkk(2026, 12, 16, 10, 0))  # Wednesday: 16 working hours later
    r = rs.request_resubmit(request=r, user=customer)
    clock_at(bkk(2026, 12, 16, 10, 30))
    r = rs.request_accept(request=r, user=counter)
    cost = _clock(r, "cost")
    assert (cost.started_at, cost.paused_seconds) == (bkk(2026, 12, 14, 9), 16 * 3600)
    # Tue 15 Dec 16:30 (1 working day from Monday) + the 16 hours returned.
    assert cost.due_at == bkk(2026, 12, 17, 16, 30)
