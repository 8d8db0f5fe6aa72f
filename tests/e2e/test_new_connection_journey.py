"""A new connection from sign-up to an open electricity account, in Chromium and
in Thai: the customer signs up and files with every document; counter staff
take the request through every step; the customer finds the CA number.

Elements are found by structure (form actions, ids, classes), not by their
Thai wording, which the translators may still change.
"""

import os
import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from accounts.models import User
from meters.models import ElectricityAccount
from requests_app.models import ServiceRequest, ServiceType, State
from requests_app.services import required_document_types
from tests import factories

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"
PHONE = "0891234567"


def _tomorrow_at(hour: int) -> str:
    """What a datetime-local input takes: YYYY-MM-DDTHH:MM, Bangkok time."""
    from core.calendar import next_working_day

    day = next_working_day(timezone.localdate())  # bookings off hours warn first
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


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
        path = os.path.join(self.shots, f"{self.step:02d}-{name}.png")
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

    def staff_action(self, action: str, fields: dict | None = None, state: str = ""):
        """Open the action's panel, fill its form, submit, and wait for the
        request to reach `state`."""
        form = self.page.locator(f"form[action$='/act/{action}/']")
        details = self.page.locator("details.action").filter(has=form)
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        for selector, value in (fields or {}).items():
            self.page.fill(selector, value)
        form.locator("button[type=submit]").click()
        expect(self.page.locator(".msg-error")).to_have_count(0)
        expect(self.page.locator(".row-between .badge")).to_have_class(
            re.compile(rf"\bbadge-{state}\b")
        )


@pytest.mark.django_db(transaction=True)  # conftest reloads the reference data
def test_a_customer_signs_up_files_a_new_connection_and_gets_an_account(
    page: Page, live_server, tmp_path, screenshot_dir
):
    offices = factories.office_tree()
    branch = offices["branch"]
    factories.StaffFactory(username="charlie", role="counter", office=branch)
    surveyor = factories.StaffFactory(username="sam", role="surveyor", office=branch)
    factories.StaffFactory(username="tom", role="technician", office=branch)
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())
    journey = Journey(page, live_server.url, screenshot_dir)

    # The customer signs up ------------------------------------------------------
    journey.go("/accounts/signup/")
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.locator("input[name=kind][value=individual]")).to_be_checked()
    page.fill("#id_first_name", "สมศรี")
    page.fill("#id_last_name", "มีไฟ")
    page.fill("#id_phone", PHONE)
    page.fill("#id_national_id", factories.national_id(77))
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    journey.shot("signup")
    journey.submit_main_form()
    expect(page.locator(".msg-success")).to_be_visible()
    expect(page.locator("header a[href$='/requests/']")).to_be_visible()
    customer = User.objects.get(phone=PHONE)
    assert customer.profile.national_id == factories.national_id(77)

    # ... and files a new connection with every document --------------------------
    page.locator("a[href$='/requests/new/new-connection/']").first.click()
    page.fill("#id_premises_address", "88 หมู่ 4 ต.ในเมือง อ.เมือง")
    page.fill("#id_premises_province", "ขอนแก่น")
    page.select_option("#id_office", value=str(branch.pk))
    page.select_option("#id_meter_size", label="5(15) A 1φ")
    expect(page.locator("#id_contact_phone")).to_have_value(PHONE)
    service = ServiceType.objects.get(code="new-connection")
    documents = required_document_types(
        service=service, applicant_kind="individual", by_representative=False
    )
    assert len(documents) == 4
    for dt in documents:
        path = tmp_path / f"{dt.code}.pdf"
        path.write_bytes(factories.PDF_BYTES)
        page.set_input_files(f"#id_doc_{dt.pk}", str(path))
    # The representative's documents stay hidden unless asked for.
    expect(page.locator(".field.rep-only").first).to_be_hidden()
    journey.shot("file-request")
    journey.submit_main_form()

    expect(page.locator(".status-box .badge")).to_have_class(
        re.compile(r"\bbadge-submitted\b")
    )
    req = ServiceRequest.objects.get(applicant=customer)
    expect(page).to_have_url(live_server.url + req.get_absolute_url())
    expect(page.locator("h1 .ref")).to_have_text(req.reference)
    expect(page.locator("ul.docs li a")).to_have_count(4)
    journey.shot("request-filed")
    journey.log_out()

    # Counter staff take it through every step ---------------------------------------
    journey.log_in("charlie")
    expect(page).to_have_url(live_server.url + "/staff/")
    row = page.locator("table.queue tbody tr").filter(has_text=req.reference)
    expect(row).to_have_count(1)
    journey.shot("queue")
    row.locator(f"a[href$='/staff/requests/{req.reference}/']").click()
    expect(page.locator("h1")).to_contain_text(req.reference)

    journey.staff_action("accept", state="accepted")
    page.locator("form[action$='/act/book_survey/']").wait_for()
    page.select_option("#id_book_survey-assignee", value=str(surveyor.pk))
    journey.staff_action(
        "book_survey",
        {"#id_book_survey-scheduled_for": _tomorrow_at(10)},
        state="survey_booked",
    )
    # The surveyor's checklist: the 5(15) A standard, item by item.
    for item in ("main_conductor", "ground_conductor", "main_breaker"):
        page.check(f"input[name='record_survey_passed-check_{item}'][value=yes]")
    journey.staff_action("record_survey_passed", state="surveyed")
    journey.staff_action("quote_fees", state="fees_quoted")
    expect(page.locator("#id_record_payment-amount")).to_have_value("728.00")
    journey.shot("take-payment")
    journey.staff_action("record_payment", state="paid")
    journey.staff_action(
        "book_installation",
        {"#id_book_installation-scheduled_for": _tomorrow_at(14)},
        state="installation_booked",
    )
    journey.staff_action(
        "record_installation",
        {
            "#id_record_installation-serial": "PEA-E2E-0001",
            "#id_record_installation-first_reading": "0",
        },
        state="closed",
    )
    journey.shot("staff-closed")
    journey.log_out()

    # The customer sees the closed request and the CA number -------------------------
    journey.log_in(PHONE)
    page.locator("header a[href$='/requests/']").click()
    page.locator(f"a.request-link[href$='/requests/{req.reference}/']").click()
    badge = page.locator(".status-box .badge")
    expect(badge).to_have_class(re.compile(r"\bbadge-closed\b"))
    with translation.override("th"):
        closed_label = str(State.CLOSED.label)
    expect(badge).to_have_text(closed_label)
    ca = page.locator("[data-testid=ca-number]")
    expect(ca).to_have_text(re.compile(r"^020\d{9}$"))
    journey.shot("customer-closed")

    req.refresh_from_db()
    assert req.state == State.CLOSED
    assert ca.inner_text() == ElectricityAccount.objects.get(request=req).ca_number
