"""A meter accuracy test (charter §3.6) from the charter page to the refund, in
Chromium and in Thai: a customer with an electricity account reads the charter
and files; counter staff take the fee and book the comparison meter; the
technician finds the appointment, installs the comparison meter and finds the
customer's meter 15 % fast; counter staff refund the fee; the customer sees
the request closed and the refund paid out.

Elements are found by structure (form actions, ids, classes), not by their
Thai wording, which the translators may still change.
"""

import os
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from meters.models import MeterTest
from payments.models import Refund
from requests_app.models import ServiceRequest, ServiceType, State
from requests_app.services import required_document_types
from tests import factories

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"  # what the factories set
PHONE = "0891234567"


def _tomorrow_at(hour: int) -> str:
    """What a datetime-local input takes: YYYY-MM-DDTHH:MM, Bangkok time."""
    from core.calendar import next_working_day

    day = next_working_day(timezone.localdate())  # bookings off hours warn first
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


def _thai(label) -> str:
    with translation.override("th"):
        return str(label)


class Journey:
    def __init__(self, page: Page, base_url: str, shots: str):
        self.page = page
        self.base_url = base_url
        self.shots = shots
        self.step = 0

    def go(self, path: str):
        self.page.goto(self.base_url + path)

    def shot(self, name: str):
        self.step += 1
        path = os.path.join(self.shots, f"meter-test-{self.step:02d}-{name}.png")
        self.page.screenshot(path=path, full_page=True)
        assert os.path.getsize(path) > 0

    def submit_main_form(self):
        self.page.locator("main form.stack button[type=submit]").click()

    def log_out(self):
        self.page.locator("header form[action$='/accounts/logout/'] button").click()
        expect(self.page.locator("header a[href$='/accounts/login/']")).to_be_visible()

    def log_in(self, username: str):
        self.go("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.submit_main_form()
        expect(
            self.page.locator("header form[action$='/accounts/logout/']")
        ).to_be_visible()

    def open_action(self, action: str):
        form = self.page.locator(f"form[action$='/act/{action}/']")
        details = self.page.locator("details.action").filter(has=form)
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        return form

    def staff_action(
        self, action: str, fields: dict | None = None, state: str = "", ticks=()
    ):
        """Open the action's panel, fill its form, tick its boxes, submit, and
        wait for the request to reach `state`."""
        form = self.open_action(action)
        for selector, value in (fields or {}).items():
            self.page.fill(selector, value)
        for selector in ticks:
            self.page.check(selector)
        form.locator("button[type=submit]").click()
        expect(self.page.locator(".msg-error")).to_have_count(0)
        expect(self.page.locator(".error-summary")).to_have_count(0)
        expect(self.page.locator(".row-between .badge")).to_have_class(
            re.compile(rf"\bbadge-{state}\b")
        )


@pytest.mark.django_db(transaction=True)  # conftest reloads the reference data
def test_a_faulty_meter_is_tested_and_the_fee_refunded(
    page: Page, live_server, tmp_path, screenshot_dir
):
    branch = factories.office_tree()["branch"]
    counter = factories.StaffFactory(username="charlie", role="counter", office=branch)
    technician = factories.StaffFactory(
        username="tom", role="technician", office=branch
    )
    factories.StaffFactory(username="sue", role="supervisor", office=branch)
    # Signing up makes the mobile number the username (accounts.services).
    customer = factories.CustomerFactory(
        username=PHONE, phone=PHONE, first_name="สมศรี", last_name="มีไฟ"
    )
    account = factories.account_for(customer, branch)
    service = ServiceType.objects.get(code="meter-test")
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())
    journey = Journey(page, live_server.url, screenshot_dir)

    # The customer reads the charter -----------------------------------------------
    journey.log_in(PHONE)
    journey.go("/charter/meter-test/")
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.locator("h1")).to_have_text(service.name_th)
    steps = list(service.steps.all())
    expect(page.locator("ol.steps > li .what")).to_have_text([s.text_th for s in steps])
    book = page.locator("ol.steps > li").nth(
        next(i for i, s in enumerate(steps) if s.code == "book")
    )
    expect(book.locator(".promise")).to_contain_text("1")
    expect(book.locator(".promise")).to_contain_text(
        next(s for s in steps if s.code == "book").time_from_th
    )
    fee_row = page.locator("table tbody tr").filter(has_text=account.meter.size.label)
    expect(fee_row.locator("td.num")).to_have_text("107.00 บาท")
    journey.shot("charter")

    # ... and files a meter test about their account -------------------------------
    page.locator("main a[href$='/requests/new/meter-test/']").click()
    expect(page.locator("#id_account option[value]:not([value=''])")).to_have_count(1)
    page.select_option("#id_account", value=str(account.pk))
    expect(page.locator("#id_contact_phone")).to_have_value(PHONE)
    documents = required_document_types(
        service=service, applicant_kind="individual", by_representative=False
    )
    assert [dt.code for dt in documents] == ["premises-right"]
    proof = tmp_path / "premises-right.pdf"
    proof.write_bytes(factories.PDF_BYTES)
    page.set_input_files(f"#id_doc_{documents[0].pk}", str(proof))
    expect(page.locator(".field.rep-only").first).to_be_hidden()
    journey.shot("file-request")
    journey.submit_main_form()

    expect(page.locator(".status-box .badge")).to_have_class(
        re.compile(r"\bbadge-submitted\b")
    )
    req = ServiceRequest.objects.get(applicant=customer)
    assert (req.service, req.account, req.office) == (service, account, branch)
    expect(page).to_have_url(live_server.url + req.get_absolute_url())
    expect(page.locator("h1 .ref")).to_have_text(req.reference)
    expect(page.locator("ul.docs li a")).to_have_count(1)
    expect(page.locator("dl.facts")).to_contain_text(account.ca_number)
    journey.shot("request-filed")
    journey.log_out()

    # Counter staff take the fee and book the comparison meter ---------------------
    journey.log_in("charlie")
    journey.go(req.staff_url())
    expect(page.locator("h1")).to_contain_text(req.reference)
    journey.staff_action("accept", state="accepted")
    journey.staff_action("quote_fees", state="fees_quoted")
    expect(page.locator("#id_record_payment-amount")).to_have_value("107.00")
    journey.shot("take-payment")
    journey.staff_action("record_payment", state="paid")
    journey.open_action("book_test")
    page.select_option("#id_book_test-assignee", value=str(technician.pk))
    journey.staff_action(
        "book_test", {"#id_book_test-scheduled_for": _tomorrow_at(10)},
        state="test_booked",
    )  # fmt: skip
    journey.shot("test-booked")
    journey.log_out()

    # The technician finds the appointment and tests the meter ---------------------
    journey.log_in("tom")
    page.locator("header a[href$='/staff/my-work/']").click()
    card = page.locator("ul.request-list li.request-card").filter(
        has_text=req.reference
    )
    expect(card).to_have_count(1)
    expect(card.locator(".badge")).to_have_class(re.compile(r"\bbadge-test_booked\b"))
    journey.shot("my-appointments")
    card.locator(f"a.request-link[href$='{req.staff_url()}']").click()
    expect(page.locator("h1")).to_contain_text(req.reference)
    journey.staff_action(
        "install_comparison",
        {"#id_install_comparison-comparison_serial": "CMP-E2E-01",
         "#id_install_comparison-meter_start": "1000.0",
         "#id_install_comparison-comparison_start": "0.0"},
        ticks=["#id_install_comparison-customer_signed"],
        state="comparison_installed",
    )  # fmt: skip
    expect(page.locator("dl.facts")).to_contain_text("CMP-E2E-01")
    # 115 kWh on the customer's meter against 100 on the comparison: +15 %.
    journey.open_action("record_test_faulty")
    journey.shot("record-faulty")
    journey.staff_action(
        "record_test_faulty",
        {"#id_record_test_faulty-meter_end": "1115.0",
         "#id_record_test_faulty-comparison_end": "100.0"},
        ticks=["#id_record_test_faulty-customer_signed"],
        state="refund_pending",
    )  # fmt: skip
    expect(page.locator("dl.facts")).to_contain_text("15.00 %")
    journey.shot("refund-due")
    journey.log_out()

    # A supervisor approves the refund ----------------------------------------------
    journey.log_in("sue")
    page.locator("header a[href$='/staff/refunds/']").click()
    approve = page.locator("button[data-approve]")
    expect(approve).to_have_count(1)
    journey.shot("refund-to-approve")
    approve.click()  # the confirmation dialog is accepted (page.on above)
    expect(page.locator("button[data-approve]")).to_have_count(0)
    refund = Refund.objects.get(invoice__request=req)
    assert refund.status == "approved" and refund.number.startswith("RF")
    journey.log_out()

    # Counter staff hand back the fee ----------------------------------------------
    journey.log_in("charlie")
    journey.go(req.staff_url())
    expect(page.locator(".row-between .badge")).to_have_class(
        re.compile(r"\bbadge-refund_pending\b")
    )
    journey.staff_action("record_refund", state="closed")
    journey.shot("staff-closed")
    journey.log_out()

    # The customer sees the request closed and the refund paid out -----------------
    journey.log_in(PHONE)
    page.locator("header a[href$='/requests/']").click()
    page.locator(f"a.request-link[href$='/requests/{req.reference}/']").click()
    badge = page.locator(".status-box .badge")
    expect(badge).to_have_class(re.compile(r"\bbadge-closed\b"))
    expect(badge).to_have_text(_thai(State.CLOSED.label))
    refund_row = page.locator("dl.facts dd").filter(has_text="107.00 บาท")
    expect(refund_row).to_have_count(1)
    expect(refund_row).to_contain_text(_thai(Refund.Status.PAID.label))
    journey.shot("customer-closed")

    req.refresh_from_db()
    assert req.state == State.CLOSED
    test = MeterTest.objects.get(request=req)
    assert test.result == MeterTest.Result.FAULTY
    assert test.error_percent == Decimal("15.00")
    assert (test.installed_by, test.removed_by) == (technician, technician)
    refund = Refund.objects.get(invoice__request=req)
    assert (refund.amount, refund.status, refund.paid_by) == (
        Decimal("107.00"),
        Refund.Status.PAID,
        counter,
    )
