"""Field work orders: opened by the booking steps or by the flow itself, closed
with the field result, called off when the request ends, assigned to the office's
field staff from one list."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from meters.services import (
    adjusted_bill_order_disconnection,
    covers_quote,
    covers_record,
    meter_test_record_result,
    reconnection_record_done,
)
from payments.models import Refund
from payments.services import deposit_record_meter_removal, payment_record_cash
from requests_app import services as rs
from requests_app.models import Appointment, ServiceRequest
from requests_app.work_orders import work_order_assign
from tests import factories
from tests.meters.test_adjusted_bill_flow import _open as adjusted_bill
from tests.meters.test_meter_test_flow import _file as file_meter_test
from tests.meters.test_meter_test_flow import _to_comparison_installed
from tests.meters.test_meter_test_flow import account as finished_account  # noqa: F401

pytestmark = pytest.mark.django_db

OPEN, DONE, CANCELLED = "open", "done", "cancelled"


def _orders(r):
    return list(
        Appointment.objects.filter(request=r)
        .order_by("id")
        .values_list("kind", "status")
    )


def _fresh(r):
    return ServiceRequest.objects.get(pk=r.pk)


def test_a_survey_order_is_closed_with_what_the_surveyor_found(
    submitted_request, counter, surveyor
):
    later = timezone.now() + timedelta(days=1)
    r = rs.request_accept(request=submitted_request, user=counter)
    r = rs.request_book_survey(
        request=r, user=counter, scheduled_for=later, assignee=surveyor
    )
    assert _orders(r) == [("survey", OPEN)]
    with translation.override("en"):
        r = rs.request_record_survey(
            request=r, user=surveyor, passed=False, findings="no earth rod"
        )
    order = Appointment.objects.select_related("done_event").get(request=r)
    assert (order.status, order.done_by) == (DONE, surveyor)
    assert order.done_event.action == "record_survey_failed" and order.done_at
    with translation.override("en"):
        assert "no earth rod" in order.shown_outcome
    # Recorded in English, read in Thai: the step's label in Thai, the
    # surveyor's words as typed.
    with translation.override("th"):
        label, findings = order.shown_outcome.split(": ")
    assert findings == "no earth rod" and not re.search("[A-Za-z]", label)
    # Booked again after the wiring is fixed: a new order, the old one stays done.
    r = rs.request_book_survey(request=r, user=counter, scheduled_for=later)
    assert _orders(r) == [("survey", DONE), ("survey", OPEN)]


def test_the_comparison_meter_is_removed_by_an_order_the_flow_opens(
    finished_account,  # noqa: F811
    customer,
    counter,
    technician,
):
    r = _to_comparison_installed(
        file_meter_test(customer, finished_account), counter, technician
    )
    assert _orders(r) == [("test", DONE), ("removal", OPEN)]
    removal = Appointment.objects.get(request=r, kind="removal")
    assert removal.booked_by is None and removal.scheduled_for > timezone.now()
    with translation.override("en"):
        meter_test_record_result(
            request=_fresh(r), user=technician, faulty=True,
            meter_end=Decimal("150.0"), comparison_end=Decimal("45.0"),
            customer_signed=True,
        )  # fmt: skip
    removal.refresh_from_db()
    with translation.override("en"):
        assert removal.status == DONE
        assert removal.shown_outcome.startswith("Meter is faulty")
    with translation.override("th"):  # the label and the portal's note, in Thai
        assert not re.search("[A-Za-z]", removal.shown_outcome)
    # The fee owed back: its reason too follows the reader.
    refund = Refund.objects.get(request=r)
    assert refund.reason == "" and refund.reason_key == "meter_found_faulty"
    with translation.override("en"):
        assert refund.shown_reason == "Meter found faulty"
    with translation.override("th"):
        assert refund.shown_reason == "ตรวจพบมิเตอร์ชำรุด"


def test_reconnection_is_ordered_once_paid_due_when_the_charter_promises(
    customer, office, counter, technician
):
    account = factories.account_for(customer, office)
    r = factories.file_reconnection(account=account, days=10, staff=counter)
    assert _orders(r) == []
    invoice = r.invoices.get()
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    r = _fresh(r)
    order = Appointment.objects.get(request=r)
    assert (order.kind, order.status) == ("reconnection", OPEN)
    assert order.scheduled_for == r.due_at
    reconnection_record_done(request=r, user=technician, note="สายต่อแล้ว")
    order.refresh_from_db()
    assert order.status == DONE and order.done_by == technician
    assert order.shown_outcome.endswith("สายต่อแล้ว")


def test_covers_come_off_by_an_order_due_at_the_end_of_the_rental(
    customer, office, counter, technician
):
    r = factories.file_covers(customer=customer, office=office, days=5)
    r = rs.request_accept(request=r, user=counter)
    invoice = covers_quote(request=r, user=counter).invoices.get()
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    r = rs.request_book_covers(
        request=_fresh(r), user=counter,
        scheduled_for=timezone.now() + timedelta(hours=3), assignee=technician,
    )  # fmt: skip
    before = timezone.now()
    r = covers_record(request=r, user=technician, name="install_covers")
    removal = Appointment.objects.get(request=r, kind="removal")
    assert removal.status == OPEN
    assert (
        timedelta(days=5)
        <= removal.scheduled_for - before
        < timedelta(days=5, minutes=1)
    )
    covers_record(request=_fresh(r), user=technician, name="remove_covers")
    assert _orders(r) == [("covers", DONE), ("removal", DONE)]


def test_a_terminated_account_gets_a_meter_removal_order(
    customer, office, counter, technician
):
    account = factories.account_for(customer, office)
    r = factories.submit_account_request(service_code="deposit-refund", account=account)
    r = rs.request_accept(request=r, user=counter)
    assert _orders(r) == [("removal", OPEN)]
    deposit_record_meter_removal(
        request=r, user=technician, final_reading=Decimal("8812.5")
    )
    assert _orders(r) == [("removal", DONE)]


def test_unpaid_adjusted_bill_orders_a_disconnection(customer, office, counter):
    r = adjusted_bill(factories.account_for(customer, office), counter)
    r = rs.request_step(request=r, user=counter, name="send_first_notice")
    r = rs.request_step(request=r, user=counter, name="send_second_notice")
    r = adjusted_bill_order_disconnection(request=r, user=counter)
    assert r.state == "closed"
    assert _orders(r) == [("disconnection", OPEN)]  # the case ends, the job starts


def test_a_request_that_ends_calls_off_its_open_orders(
    submitted_request, counter, customer
):
    r = rs.request_accept(request=submitted_request, user=counter)
    r = rs.request_book_survey(
        request=r, user=counter, scheduled_for=timezone.now() + timedelta(days=1)
    )
    rs.request_reject(request=r, user=counter, reason="ไม่ผ่าน")
    assert _orders(r) == [("survey", CANCELLED)]


# Assigning ------------------------------------------------------------------------


@pytest.fixture
def survey_order(submitted_request, counter):
    r = rs.request_accept(request=submitted_request, user=counter)
    r = rs.request_book_survey(
        request=r, user=counter, scheduled_for=timezone.now() + timedelta(days=1)
    )
    return Appointment.objects.get(request=r)


def test_counter_gives_an_order_to_field_staff_of_the_office(
    survey_order, counter, surveyor
):
    work_order_assign(order=survey_order, user=counter, assignee=surveyor)
    survey_order.refresh_from_db()
    assert survey_order.assignee == surveyor
    assert survey_order.request.events.filter(action="assign_work_order").exists()


def test_assigning_is_refused_to_others_and_to_outsiders(
    survey_order, surveyor, counter, other_counter, other_office
):
    for user in (surveyor, other_counter):
        with pytest.raises(PermissionDenied):
            work_order_assign(order=survey_order, user=user, assignee=surveyor)
    outsider = factories.StaffFactory(role="technician", office=other_office)
    for wrong in (outsider, counter):  # another office; not field staff
        with pytest.raises(ValidationError):
            work_order_assign(order=survey_order, user=counter, assignee=wrong)
    survey_order.status = DONE
    survey_order.save()
    with pytest.raises(ValidationError):
        work_order_assign(order=survey_order, user=counter, assignee=surveyor)


def test_the_list_assigns_in_place_and_keeps_its_filters(
    client, survey_order, counter, surveyor
):
    client.force_login(counter)
    url = reverse("staff:work_orders") + "?kind=survey"
    response = client.get(url)
    assert response.status_code == 200
    assert [row["o"] for row in response.context["rows"]] == [survey_order]
    assert surveyor in response.context["rows"][0]["staff"]
    response = client.post(
        reverse("staff:work_order_assign", args=[survey_order.pk]),
        {"assignee": surveyor.pk, "next": url},
    )
    assert response.status_code == 302 and response.url == url
    survey_order.refresh_from_db()
    assert survey_order.assignee == surveyor
    assert client.get(reverse("staff:work_orders") + "?kind=test").context["rows"] == []


def test_other_offices_neither_see_nor_assign_the_order(
    client, survey_order, other_counter, surveyor
):
    client.force_login(other_counter)
    assert client.get(reverse("staff:work_orders")).context["rows"] == []
    response = client.post(
        reverse("staff:work_order_assign", args=[survey_order.pk]),
        {"assignee": surveyor.pk},
    )
    assert response.status_code == 404


def test_the_list_costs_the_same_queries_for_2_and_12_orders(
    client, office, counter, surveyor, monkeypatch
):
    monkeypatch.setattr("requests_app.staff_views.PAGE_SIZE", 10)

    def book(n):
        for _ in range(n):
            r = factories.submit_request(
                customer=factories.CustomerFactory(), office=office
            )
            r = rs.request_accept(request=r, user=counter)
            rs.request_book_survey(
                request=r, user=counter, assignee=surveyor,
                scheduled_for=timezone.now() + timedelta(days=1),
            )  # fmt: skip

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("staff:work_orders"))
        return len(ctx.captured_queries), response

    book(2)
    client.force_login(counter)
    small, response = count()
    assert len(response.context["rows"]) == 2
    book(10)
    large, response = count()
    assert len(response.context["rows"]) == 10 and large == small
