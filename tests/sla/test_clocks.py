"""SLA clocks on the Thai business calendar: the acceptance cases of issue 4,
hand-computed, plus the catalog walk and the clock's life (pause, resume, stop,
new policy version)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from core.calendar import BusinessCalendar, calendar_for
from payments.services import payment_record_cash, request_quote_fees
from requests_app import services as rs
from requests_app.models import ServiceRequest, ServiceStep, ServiceType
from sla.clocks import current_policies, policy_publish
from sla.models import Clock, DayOff, WorkingHours
from tests import factories
from tests.meters.test_meter_test_flow import account as finished_account  # noqa: F401

BKK = ZoneInfo("Asia/Bangkok")


def bkk(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=BKK)


@pytest.fixture
def clock_at(monkeypatch):
    """Set the time the services see."""

    def set_(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_


def _clock(r, step):
    return Clock.objects.get(request=r, step_code=step)


# 1. The calendar cases, hand-computed ---------------------------------------------


@pytest.mark.django_db
def test_filed_friday_16_00_before_a_monday_holiday(customer, office, clock_at):
    # Mon 7 Dec 2026 is the in-lieu day of the King's birthday (Sat 5 Dec):
    # 30 minutes on Friday, the other 1.5 hours from Tuesday's opening.
    clock_at(bkk(2026, 12, 4, 16, 0))
    r = factories.submit_request(customer=customer, office=office)
    assert _clock(r, "accept").due_at == bkk(2026, 12, 8, 10, 0)
    assert r.due_at == bkk(2026, 12, 8, 10, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "filed, due",
    [
        (bkk(2026, 11, 24, 22, 0), bkk(2026, 11, 25, 9, 30)),  # Tue night → Wed
        (bkk(2026, 12, 31, 22, 0), bkk(2027, 1, 4, 9, 30)),  # New Year, weekend
        (bkk(2026, 11, 21, 10, 0), bkk(2026, 11, 23, 9, 30)),  # Saturday → Monday
    ],
)
def test_filed_at_night_is_accepted_by_09_30_next_working_day(
    customer, office, clock_at, filed, due
):
    clock_at(filed)
    r = factories.submit_request(customer=customer, office=office)
    assert _clock(r, "accept").due_at == due


def test_songkran_is_skipped():
    cal = BusinessCalendar()
    # Songkran 2026: Mon 13 - Wed 15 April. Paid Friday 10 April 15:00.
    assert cal.end_of_working_day(bkk(2026, 4, 10, 15), 1) == bkk(2026, 4, 16, 16, 30)
    assert cal.add_working_hours(bkk(2026, 4, 10, 15, 30), 2) == bkk(2026, 4, 16, 9, 30)
    assert cal.working_seconds_between(bkk(2026, 4, 10, 16), bkk(2026, 4, 16, 9)) == (
        3600  # 16:00-16:30 Friday and 08:30-09:00 Thursday
    )


@pytest.mark.django_db
def test_two_days_waiting_on_documents_do_not_count(
    customer, office, counter, clock_at
):
    clock_at(bkk(2026, 11, 16, 9, 0))  # Monday
    r = factories.submit_request(customer=customer, office=office)
    assert _clock(r, "accept").due_at == bkk(2026, 11, 16, 11, 0)
    clock_at(bkk(2026, 11, 16, 10, 0))  # one hour used, then back to the customer
    r = rs.request_return_for_documents(request=r, user=counter, reason="สำเนาไม่ชัด")
    c = _clock(r, "accept")
    assert c.status == "paused" and ServiceRequest.objects.get(pk=r.pk).due_at is None
    clock_at(bkk(2026, 11, 18, 10, 0))  # Wednesday: documents back
    r = rs.request_resubmit(request=r, user=customer)
    c = _clock(r, "accept")
    assert c.status == "running" and c.paused_seconds == 16 * 3600
    assert c.due_at == bkk(2026, 11, 18, 11, 0)  # the hour left, from Wednesday
    clock_at(bkk(2026, 11, 18, 10, 30))
    rs.request_accept(request=r, user=counter)
    c = _clock(r, "accept")
    assert (c.status, c.stopped_at) == ("met", bkk(2026, 11, 18, 10, 30))


# Office hours and announced days off ----------------------------------------------


@pytest.mark.django_db
def test_days_off_and_office_hours_come_from_the_data(offices, office):
    province = office.parent
    DayOff.objects.create(day=date(2026, 11, 17), name="PEA day off")
    DayOff.objects.create(day=date(2026, 11, 18), office=province, name="local")
    DayOff.objects.create(
        day=date(2026, 11, 19), office=offices["other_branch"], name="x"
    )
    WorkingHours.objects.create(office=office, opens=time(8, 0), closes=time(16, 0))
    cal = calendar_for(office)
    assert cal.days_off == {date(2026, 11, 17), date(2026, 11, 18)}
    # Mon 15:00 + 2 h: one hour on Monday (closes 16:00), Tue and Wed off,
    # Thursday opens 08:00.
    assert cal.add_working_hours(bkk(2026, 11, 16, 15), 2) == bkk(2026, 11, 19, 9, 0)
    assert not calendar_for(offices["other_branch"]).is_working_day(date(2026, 11, 19))


# 2. Every promised step has a policy ----------------------------------------------

# Timed steps that are not a clock on PEA's work, with the reason.
NOT_A_CLOCK = {
    "announce": "a notice period: the outage must be announced 7 (3) days ahead, "
    "checked when the outage is booked",
}


@pytest.mark.django_db
def test_every_timed_charter_step_has_a_policy_with_the_published_target():
    missing = []
    for step in ServiceStep.objects.filter(actor="pea").exclude(time_unit=""):
        if step.code in NOT_A_CLOCK:
            continue
        policies = {p.step_code: p for p in current_policies(step.service)}
        policy = policies.get(step.code)
        if policy is None:
            missing.append(f"{step.service.code}:{step.code}")
            continue
        unit = policy.target_unit
        if unit == "acceptance":  # 2 working hours, or 09:30 when filed at night
            unit = "working_hours"
        assert (policy.target_value, unit) == (step.time_value, step.time_unit), (
            f"{step.service.code}:{step.code}"
        )
    assert not missing


@pytest.mark.django_db
def test_every_smart_plus_sla_has_its_clock_on_a_new_connection():
    service = ServiceType.objects.get(code="new-connection")
    numbers = {p.smart_plus for p in current_policies(service)} - {None}
    assert numbers == {1, 3, 4, 5, 6}  # SLA 2 is the night half of SLA 1's target
    accept = next(p for p in current_policies(service) if p.step_code == "accept")
    assert accept.target_unit == "acceptance"


# The clock's life ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_connection_runs_its_clocks_one_after_another(
    customer, office, counter, surveyor, clock_at
):
    clock_at(bkk(2026, 11, 16, 9, 0))
    r = factories.submit_request(
        customer=customer, office=office, preferred_date=date(2026, 11, 20)
    )
    clock_at(bkk(2026, 11, 16, 10, 0))
    r = rs.request_accept(request=r, user=counter)
    assert _clock(r, "callback").due_at == bkk(2026, 11, 16, 11, 0)
    assert _clock(r, "inspect").due_at == bkk(2026, 11, 18, 16, 30)
    r = ServiceRequest.objects.get(pk=r.pk)
    assert r.due_at == bkk(2026, 11, 16, 11, 0)  # the earliest promise
    # The customer asked for Friday and got it: the promise moves to that day.
    r = rs.request_book_survey(
        request=r, user=counter, scheduled_for=bkk(2026, 11, 20, 9, 0)
    )
    assert _clock(r, "callback").status == "met"
    assert _clock(r, "inspect").due_at == bkk(2026, 11, 20, 16, 30)
    clock_at(bkk(2026, 11, 20, 9, 30))
    r = rs.request_record_survey(request=r, user=surveyor, passed=True)
    assert _clock(r, "inspect").status == "met"


@pytest.mark.django_db
def test_a_late_step_is_missed_and_a_cancelled_one_does_not_count(
    customer, office, counter, clock_at
):
    clock_at(bkk(2026, 11, 16, 9, 0))
    late = factories.submit_request(customer=customer, office=office)
    gone = factories.submit_request(customer=customer, office=office)
    clock_at(bkk(2026, 11, 16, 15, 0))
    rs.request_accept(request=late, user=counter)
    rs.request_cancel(request=gone, user=customer, reason="ย้ายบ้าน")
    assert _clock(late, "accept").status == "missed"
    assert _clock(gone, "accept").status == "void"


@pytest.mark.django_db
def test_a_new_policy_version_keeps_the_time_spent_paused(
    customer, office, counter, clock_at
):
    clock_at(bkk(2026, 11, 16, 9, 0))
    r = factories.submit_request(customer=customer, office=office)
    clock_at(bkk(2026, 11, 16, 9, 30))
    r = rs.request_accept(request=r, user=counter)
    invoice = request_quote_fees(request=r, user=counter)
    r = ServiceRequest.objects.get(pk=r.pk)
    # Fees asked before the inspection: the inspection clock waits on payment.
    assert _clock(r, "inspect").status == "paused"
    clock_at(bkk(2026, 11, 17, 9, 30))  # paid a working day later
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    r = ServiceRequest.objects.get(pk=r.pk)
    r = rs.request_book_survey(
        request=r, user=counter, scheduled_for=bkk(2026, 11, 17, 13, 0)
    )
    c = _clock(r, "inspect")
    assert c.paused_seconds == 8 * 3600
    assert c.due_at == bkk(2026, 11, 19, 16, 30)  # 2 days from Mon, + 1 day paused
    inspect = c.policy
    new = policy_publish(current=inspect, target_value=Decimal("3"))
    c.refresh_from_db()
    assert (c.policy, new.version) == (new, inspect.version + 1)
    assert c.paused_seconds == 8 * 3600
    assert c.due_at == bkk(2026, 11, 20, 16, 30)  # 3 days from Mon, + 1 day paused
    running = Clock.objects.filter(request=r, status="running").exclude(
        step_code="payment-sms"  # automatic, not a promise shown
    )
    assert ServiceRequest.objects.get(pk=r.pk).due_at == min(x.due_at for x in running)


@pytest.mark.django_db
def test_the_payment_sms_stops_smart_plus_sla_4(
    customer, office, counter, surveyor, clock_at
):
    from notifications.models import OutboxMessage
    from notifications.services import outbox_deliver_one

    clock_at(bkk(2026, 11, 16, 9, 0))
    r = factories.submit_request(customer=customer, office=office)
    r = rs.request_accept(request=r, user=counter)
    invoice = request_quote_fees(request=r, user=counter)
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    sms = _clock(r, "payment-sms")
    assert (sms.status, sms.due_at) == ("running", bkk(2026, 11, 16, 10, 0))
    rs.request_book_survey(
        request=ServiceRequest.objects.get(pk=r.pk), user=counter,
        scheduled_for=bkk(2026, 11, 16, 13, 0),
    )  # fmt: skip
    assert _clock(r, "payment-sms").status == "running"  # a step does not stop it
    clock_at(bkk(2026, 11, 16, 9, 20))
    for message in OutboxMessage.objects.filter(request=r, channel="sms"):
        outbox_deliver_one(message_id=message.pk)
    sms = _clock(r, "payment-sms")
    assert (sms.status, sms.stopped_at) == ("met", bkk(2026, 11, 16, 9, 20))


@pytest.mark.django_db
def test_no_clock_outlives_its_request(finished_account):  # noqa: F811
    """A connection walked to its end (survey, payment, installation)."""
    r = finished_account.request
    assert r.state == "closed"
    assert Clock.objects.filter(request=r).count() >= 5
    assert not Clock.objects.filter(request=r, status__in=("running", "paused"))
    assert ServiceRequest.objects.get(pk=r.pk).due_at is None


@pytest.mark.django_db
def test_staff_see_each_promised_time_of_the_request(
    client, submitted_request, counter
):
    from sla.clocks import current_policies

    client.force_login(counter)
    client.cookies["pea_language"] = "en"
    rs.request_accept(request=submitted_request, user=counter)
    html = client.get(submitted_request.staff_url()).content.decode()
    names = {
        p.step_code: p.name_en for p in current_policies(submitted_request.service)
    }
    assert names["accept"] in html and names["callback"] in html
    assert "clock-met" in html and "clock-running" in html


@pytest.mark.django_db
def test_a_running_clock_past_due_shows_late(submitted_request, monkeypatch):
    clock = _clock(submitted_request, "accept")
    assert clock.shown_status[0] == "running"
    monkeypatch.setattr(timezone, "now", lambda: clock.due_at + timedelta(minutes=1))
    assert clock.shown_status[0] == "missed"
