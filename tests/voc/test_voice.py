"""The voice of the customer: complaints routed to a department of an office,
their acknowledge (1 working day) and resolve (15 working days) clocks run
and escalate through the SLA engine and follow an edited target; ratings of
closed requests aggregate per office, service and staff member; a low rating
becomes a complaint."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from core.errors import ServiceError
from notifications.models import OutboxMessage
from requests_app import services as rs
from requests_app.flows import as_flow
from requests_app.models import ServiceStep
from sla.models import Clock
from sla.sweep import sla_sweep
from tests import factories
from voc import selectors
from voc.models import Category, Rating
from voc.services import complaint_from_rating, rating_submit, voice_submit

pytestmark = pytest.mark.django_db

BKK = ZoneInfo("Asia/Bangkok")
MON_9 = datetime(2026, 11, 16, 9, 0, tzinfo=BKK)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _complaint(customer, office, kind="complaint", code="bill", **kw):
    return voice_submit(
        customer=customer, kind=kind, category=Category.objects.get(code=code),
        office=office, subject="บิลค่าไฟสูงผิดปกติ", body="เดือนนี้ค่าไฟสูงกว่าปกติสามเท่า", **kw,
    )  # fmt: skip


def test_a_complaint_goes_to_its_department_with_both_clocks(customer, office):
    r = _complaint(customer, office)
    assert (r.service.code, r.office, r.state) == ("complaint", office, "submitted")
    assert (r.voice.department, r.voice.kind) == ("billing", "complaint")
    steps = sorted(Clock.objects.filter(request=r).values_list("step_code", flat=True))
    assert steps == ["acknowledge", "resolve"]
    network = _complaint(customer, office, code="trees-poles")
    assert network.voice.department == "network"
    # Suggestions and compliments are acknowledged, not "resolved".
    thanks = _complaint(customer, office, kind="compliment", code="staff-service")
    assert thanks.service.code == "feedback"
    assert list(
        Clock.objects.filter(request=thanks).values_list("step_code", flat=True)
    ) == ["acknowledge"]


def test_acknowledging_and_resolving_stop_their_clocks(customer, office, counter):
    r = _complaint(customer, office)
    r = rs.request_step(request=as_flow(r), user=counter, name="acknowledge")
    clocks = dict(Clock.objects.filter(request=r).values_list("step_code", "status"))
    assert clocks == {"acknowledge": "met", "resolve": "running"}
    r = rs.request_finish(request=r, user=counter, name="resolve", note="ปรับบิลแล้ว")
    assert r.state == "closed"
    assert Clock.objects.get(request=r, step_code="resolve").status == "met"


def test_complaint_clocks_escalate_through_the_sla_engine(
    customer, office, supervisor, monkeypatch
):
    counter = factories.StaffFactory(office=office, email="counter@pea.test")
    supervisor.email = "province@pea.test"
    supervisor.save()
    monkeypatch.setattr(timezone, "now", lambda: MON_9)
    r = _complaint(customer, office)
    rs.request_assign(request=r, user=counter, assignee=counter)
    monkeypatch.undo()
    ack = Clock.objects.get(request=r, step_code="acknowledge")
    resolve = Clock.objects.get(request=r, step_code="resolve")
    # Working days end when the office closes: filed Monday 09:00, 1 working
    # day is Tuesday at 16:30; 15 working days are three weeks on.
    assert timezone.localtime(ack.due_at, BKK) == datetime(
        2026, 11, 17, 16, 30, tzinfo=BKK
    )
    assert timezone.localtime(resolve.due_at, BKK) == datetime(
        2026, 12, 8, 16, 30, tzinfo=BKK
    )

    result = sla_sweep(now=ack.due_at + timedelta(minutes=1))
    assert result.breached >= 1
    breached = OutboxMessage.objects.filter(event="sla_breached", request=r)
    assert "province@pea.test" in set(breached.values_list("to", flat=True))
    again = sla_sweep(now=ack.due_at + timedelta(minutes=2))
    assert again.breached == 0  # escalated once


def test_an_edited_target_publishes_a_new_policy_the_clock_follows(customer, office):
    r = _complaint(customer, office)
    before = Clock.objects.get(request=r, step_code="resolve").due_at
    step = ServiceStep.objects.get(service__code="complaint", code="resolve")
    rs.catalog_step_change(step=step, time_value=Decimal("10"))
    after = Clock.objects.get(request=r, step_code="resolve")
    assert after.policy.version == 2 and after.policy.target_value == 10
    assert after.due_at < before


def test_ratings_aggregate_per_office_service_and_staff(
    customer, other_customer, office, other_office, counter, supervisor
):
    other_counter = factories.StaffFactory(username="otto", office=other_office)
    scores = []
    for i, (who, where, clerk, score) in enumerate([
        (customer, office, counter, 5), (other_customer, office, counter, 2),
        (customer, office, counter, 4), (customer, other_office, other_counter, 1),
    ]):  # fmt: skip
        r = _complaint(who, where, code="other")
        r = rs.request_finish(request=as_flow(r), user=clerk, name="resolve", note="ok")
        rating = rating_submit(request=r, user=who, score=score, comment=f"c{i}")
        assert rating.staff == clerk and rating.office == where
        scores.append(rating)
    since = timezone.now() - timedelta(days=1)
    admin = factories.StaffFactory(username="root", role="admin")
    s = selectors.ratings_summary(admin, since)
    assert s["overall"]["n"] == 4 and s["overall"]["avg"] == pytest.approx(3.0)
    assert s["overall"]["low"] == 2
    by_office = {
        r["office__code"]: (r["n"], r["avg"], r["low"]) for r in s["by_office"]
    }
    assert by_office == {office.code: (3, pytest.approx(11 / 3), 1),
                         other_office.code: (1, pytest.approx(1.0), 1)}  # fmt: skip
    by_staff = {r["staff__id"]: r["avg"] for r in s["by_staff"]}
    assert by_staff == {counter.pk: pytest.approx(11 / 3), other_counter.pk: 1.0}
    assert [r["service__code"] for r in s["by_service"]] == ["complaint"]
    # A supervisor sees only the offices under them.
    scoped = selectors.ratings_summary(supervisor, since)
    assert [r["office__code"] for r in scoped["by_office"]] == [office.code]
    # Once per request, only by its customer, only when closed.
    with pytest.raises(ServiceError):
        rating_submit(request=scores[0].request, user=customer, score=3)
    with pytest.raises(PermissionDenied):
        rating_submit(request=scores[1].request, user=customer, score=3)
    with pytest.raises(ServiceError):
        rating_submit(request=_complaint(customer, office), user=customer, score=3)


def test_a_low_rating_becomes_a_complaint_about_the_request(
    customer, office, counter, other_office
):
    r = _complaint(customer, office, code="other")
    r = rs.request_finish(request=as_flow(r), user=counter, name="resolve", note="ok")
    low = rating_submit(request=r, user=customer, score=1, comment="พนักงานไม่สุภาพ")
    outsider = factories.StaffFactory(username="olga", office=other_office)
    with pytest.raises(PermissionDenied):
        complaint_from_rating(rating=low, user=outsider)
    complaint = complaint_from_rating(rating=low, user=counter)
    assert (complaint.applicant, complaint.voice.about) == (customer, r)
    assert complaint.voice.category.code == "staff-service"  # a person was rated
    assert complaint.note == "พนักงานไม่สุภาพ" and complaint.channel == "rating"
    assert Rating.objects.get(pk=low.pk).complaint == complaint
    with pytest.raises(ServiceError):
        complaint_from_rating(rating=low, user=counter)


def test_the_customer_files_rates_and_staff_see_the_ratings(
    client, customer, office, counter, supervisor
):
    client.force_login(customer)
    client.cookies["pea_language"] = "en"
    page = client.get(reverse("voice_new"))
    assert page.status_code == 200
    response = client.post(reverse("voice_new"), {
        "kind": "complaint", "category": Category.objects.get(code="meter").pk,
        "office": office.pk, "subject": "มิเตอร์หมุนเร็ว", "body": "หมุนแม้ปิดไฟ",
    })  # fmt: skip
    assert response.status_code == 302
    r = customer.requests.get(service__code="complaint")
    assert r.voice.department == "metering"
    # Rejected input keeps what was typed.
    kept = client.post(reverse("voice_new"), {"kind": "complaint", "body": "ยังอยู่"})
    assert kept.status_code == 200 and "ยังอยู่" in kept.content.decode()

    r = rs.request_finish(request=as_flow(r), user=counter, name="resolve", note="ok")
    sms = OutboxMessage.objects.filter(request=r, event="request_status", channel="sms")
    assert "Rate our service" in sms.last().body or "ให้คะแนน" in sms.last().body
    detail = client.get(r.get_absolute_url()).content.decode()
    assert "data-rate" in detail
    client.post(reverse("requests:rate", args=[r.reference]), {"score": "2",
                                                                "comment": "ช้า"})  # fmt: skip
    detail = client.get(r.get_absolute_url()).content.decode()
    assert 'data-rated="2"' in detail

    client.force_login(supervisor)
    html = client.get(reverse("staff:ratings")).content.decode()
    assert 'data-kpi="n">1<' in html and "data-open-complaint" in html


def test_staff_filter_the_queue_by_department(client, customer, office, counter):
    bill = _complaint(customer, office, code="bill")
    tree = _complaint(customer, office, code="trees-poles")
    client.force_login(counter)
    html = client.get(reverse("staff:queue") + "?department=billing").content.decode()
    assert bill.reference in html and tree.reference not in html
    html = client.get(reverse("staff:queue") + "?department=network").content.decode()
    assert tree.reference in html and bill.reference not in html
    detail = client.get(reverse("staff:detail", args=[bill.reference])).content.decode()
    assert 'data-department="billing"' in detail
