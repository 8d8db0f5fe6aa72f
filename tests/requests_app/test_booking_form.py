"""Issue 16, "not modelled": when staff book a visit, the date the customer
asked for is offered first, and a time outside the office's working hours
warns before it is saved (a second press books it, with what staff typed)."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app import services as rs
from requests_app.models import Appointment, ServiceRequest
from sla.models import DayOff
from tests import factories

BKK = ZoneInfo("Asia/Bangkok")
pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(customer, office, counter, monkeypatch):
    """Filed Mon 14 Dec 2026 09:00 asking for Wed 16 Dec; accepted at 09:30."""
    now = datetime(2026, 12, 14, 9, 30, tzinfo=BKK)
    monkeypatch.setattr(timezone, "now", lambda: now)
    r = factories.submit_request(
        customer=customer, office=office, preferred_date=date(2026, 12, 16)
    )
    return rs.request_accept(request=r, user=counter)


def _book(client, req, when: str, **extra):
    data = {"expected_state": req.state, "book_survey-scheduled_for": when}
    data.update({f"book_survey-{k}": v for k, v in extra.items()})
    return client.post(reverse("staff:act", args=[req.reference, "book_survey"]), data)


def _input_value(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    found = re.search(r'value="([^"]*)"', tag)
    return found.group(1) if found else ""


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_customers_date_is_offered_first(client, counter, accepted, language):
    client.force_login(counter)
    client.cookies["pea_language"] = language
    html = client.get(accepted.staff_url()).content.decode()
    assert _input_value(html, "book_survey-scheduled_for") == "2026-12-16T08:30"
    expected = "16 Dec 2026" if language == "en" else "16 ธ.ค. 2569"
    assert expected in html.split('name="book_survey-scheduled_for"')[0][-600:]


def test_no_date_is_offered_when_the_customer_asked_for_none(
    client, counter, customer, office, monkeypatch
):
    now = datetime(2026, 12, 14, 9, 30, tzinfo=BKK)
    monkeypatch.setattr(timezone, "now", lambda: now)
    r = rs.request_accept(
        request=factories.submit_request(customer=customer, office=office),
        user=counter,
    )
    client.force_login(counter)
    html = client.get(r.staff_url()).content.decode()
    assert _input_value(html, "book_survey-scheduled_for") == ""


def test_a_working_time_books_at_the_first_press(client, counter, accepted):
    client.force_login(counter)
    response = _book(client, accepted, "2026-12-16T10:00")
    assert response.status_code == 302
    assert ServiceRequest.objects.get(pk=accepted.pk).state == "survey_booked"


@pytest.mark.parametrize(
    "when, why",
    [
        ("2026-12-19T10:00", "a weekend"),  # Saturday
        ("2026-12-16T17:00", "outside 08:30–16:30"),  # after closing
        ("2026-12-31T10:00", "a public holiday or a day off"),  # New Year's Eve
        ("2026-12-17T10:00", "a public holiday or a day off"),  # announced below
    ],
)
def test_a_time_off_hours_warns_then_books_on_the_second_press(
    client, counter, surveyor, accepted, when, why
):
    DayOff.objects.create(day=date(2026, 12, 17), office=accepted.office, name="x")
    client.force_login(counter)
    client.cookies["pea_language"] = "en"
    response = _book(client, accepted, when, assignee=surveyor.pk, note="ทางเข้าซอย 3")
    assert response.status_code == 400
    assert not Appointment.objects.filter(request=accepted).exists()
    html = response.content.decode()
    assert "data-outside-hours" in html and why in html
    assert "Book at this time anyway" in html
    # What staff typed is kept, and the warned time rides along.
    assert _input_value(html, "book_survey-scheduled_for") == when
    assert _input_value(html, "book_survey-confirmed_for") == when
    assert _input_value(html, "book_survey-note") == "ทางเข้าซอย 3"
    assert f'<option value="{surveyor.pk}" selected>' in html
    response = _book(
        client, accepted, when, assignee=surveyor.pk, confirmed_for=when, note="x"
    )
    assert response.status_code == 302
    booked = Appointment.objects.get(request=accepted)
    assert timezone.localtime(booked.scheduled_for).strftime("%Y-%m-%dT%H:%M") == when


def test_changing_the_time_to_another_off_hours_time_warns_again(
    client, counter, accepted
):
    client.force_login(counter)
    response = _book(
        client, accepted, "2026-12-20T10:00", confirmed_for="2026-12-19T10:00"
    )
    assert response.status_code == 400
    assert not Appointment.objects.filter(request=accepted).exists()


def test_the_warning_reads_in_thai(client, counter, accepted):
    client.force_login(counter)
    client.cookies["pea_language"] = "th"
    html = _book(client, accepted, "2026-12-19T10:00").content.decode()
    assert "นอกเวลาทำการ" in html and "วันหยุดสุดสัปดาห์" in html
    assert "19 ธ.ค. 2569 10:00 น." in html
