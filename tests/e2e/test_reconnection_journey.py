"""Reconnection after disconnection (charter §3.7), in Chromium and in Thai:
counter staff record the disconnection DMSx reports; the customer files for
the account and gets the invoice at once (outstanding bills + reconnection
fee); counter staff take the payment, which starts the 1-working-day promise;
the technician reports the supply back on and the request closes. After 90
days the filing is refused, offering a new connection (prefilled from the
account) and the deposit refund.

Elements are found by structure (form actions, ids, classes), not by their
Thai wording, which the translators may still change.
"""

import os
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from core import calendar
from core.dates import format_date
from core.templatetags.pea import baht
from meters.models import Disconnection
from meters.services import disconnection_record
from payments.models import FeeItem, Invoice
from requests_app.models import ServiceRequest, State
from tests import factories

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"
PHONE = "0891234567"


def _days_ago(days: int) -> str:
    """What a date input takes: YYYY-MM-DD, Bangkok date."""
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def _th(value) -> str:
    """Render a value the way the Thai pages do."""
    with translation.override("th"):
        return value() if callable(value) else str(value)


class Journey:
    def __init__(self, page: Page, base_url: str, shots: str, prefix: str):
        self.page = page
        self.base_url = base_url
        self.shots = shots
        self.prefix = prefix
        self.step = 0

    def go(self, path: str):
        self.page.goto(self.base_url + path)

    def shot(self, name: str):
        self.step += 1
        path = os.path.join(self.shots, f"{self.prefix}-{self.step:02d}-{name}.png")
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


def _actors():
    branch = factories.office_tree()["branch"]
    counter = factories.StaffFactory(username="charlie", role="counter", office=branch)
    factories.StaffFactory(username="tom", role="technician", office=branch)
    # Signing up makes the mobile number the username (accounts.services).
    customer = factories.CustomerFactory(
        username=PHONE, phone=PHONE, first_name="สมศรี", last_name="มีไฟ"
    )
    account = factories.account_for(customer, branch)  # 5(15) A 1φ
    return counter, customer, account


def _setup_page(page: Page):
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())


@pytest.mark.django_db(transaction=True)  # conftest reloads the reference data
def test_a_disconnected_customer_pays_online_and_the_supply_is_reconnected(
    page: Page, live_server, screenshot_dir
):
    _counter, customer, account = _actors()
    _setup_page(page)
    journey = Journey(page, live_server.url, screenshot_dir, "reconnection")

    # Counter staff record what DMSx reports --------------------------------------
    journey.log_in("charlie")
    journey.go("/staff/disconnections/new/")
    expect(page.locator("html")).to_have_attribute("lang", "th")
    page.fill("#id_ca_number", account.ca_number)
    page.fill("#id_disconnected_on", _days_ago(10))
    page.fill("#id_outstanding", "850.00")
    expect(page.locator("#id_deposit_offset")).not_to_be_checked()
    journey.shot("record-disconnection")
    journey.submit_main_form()
    expect(page.locator(".msg-success")).to_be_visible()
    expect(page).to_have_url(live_server.url + "/staff/")
    cut = Disconnection.objects.get(account=account)
    assert cut.disconnected_on == timezone.localdate() - timedelta(days=10)
    assert cut.outstanding == Decimal("850.00")
    assert cut.deposit_offset is False
    assert cut.reconnected_at is None
    journey.log_out()

    # The customer files for the account and gets the invoice at once -------------
    journey.log_in(PHONE)
    journey.go("/requests/new/reconnection/")
    select = page.locator("#id_account")
    # Only the disconnected account is offered (plus the empty choice).
    expect(select.locator("option[value]:not([value=''])")).to_have_count(1)
    page.select_option("#id_account", value=str(account.pk))
    expect(page.locator("#id_contact_phone")).to_have_value(PHONE)
    expect(page.locator("#id_preferred_date")).to_have_count(0)
    journey.shot("file-reconnection")
    journey.submit_main_form()

    expect(page.locator(".msg-success")).to_be_visible()
    expect(page.locator(".status-box .badge")).to_have_class(
        re.compile(r"\bbadge-fees_quoted\b")
    )
    req = ServiceRequest.objects.get(applicant=customer, service__code="reconnection")
    expect(page).to_have_url(live_server.url + req.get_absolute_url())
    expect(page.locator("h1 .ref")).to_have_text(req.reference)
    assert req.state == State.FEES_QUOTED
    assert req.account_id == account.pk

    invoice_table = page.locator("table.invoice")
    expect(invoice_table).to_have_count(1)
    rows = invoice_table.locator("tbody tr")
    expect(rows).to_have_count(2)
    # The lines in invoice order: the outstanding bills, then the fee.
    invoice = Invoice.objects.get(request=req)
    lines = list(invoice.lines.order_by("id"))
    assert [line.kind for line in lines] == [FeeItem.Kind.BILL, FeeItem.Kind.FEE]
    amounts = [rows.nth(i).locator("td.num").last for i in range(2)]
    expect(amounts[0]).to_have_text(_th(lambda: baht(Decimal("850.00"))))
    expect(amounts[1]).to_have_text(_th(lambda: baht(Decimal("107.00"))))
    total = invoice_table.locator("tfoot td.num")
    expect(total).to_have_text(_th(lambda: baht(Decimal("957.00"))))
    assert invoice.total == Decimal("957.00")
    assert invoice.status == Invoice.Status.UNPAID
    journey.shot("invoice")
    journey.log_out()

    # Counter staff take the payment; the 1-working-day promise starts -------------
    journey.log_in("charlie")
    journey.go(req.staff_url())
    expect(page.locator("h1")).to_contain_text(req.reference)
    expect(page.locator(".row-between .badge")).to_have_class(
        re.compile(r"\bbadge-fees_quoted\b")
    )
    expect(page.locator("#id_record_payment-amount")).to_have_value("957.00")
    journey.shot("take-payment")
    journey.staff_action("record_payment", state="paid")

    req.refresh_from_db()
    assert req.state == State.PAID
    assert req.paid_at is not None
    expected_due = calendar.end_of_working_day(req.paid_at, 1)
    assert req.due_at == expected_due
    due = page.locator(".row-between .muted")
    expect(due).to_have_text(
        _th(lambda: f"{gettext('Due')} {format_date(expected_due, with_time=True)}")
    )
    journey.shot("paid")
    journey.log_out()

    # The technician reports the supply back on -----------------------------------
    journey.log_in("tom")
    journey.go(req.staff_url())
    expect(page.locator("h1")).to_contain_text(req.reference)
    journey.staff_action(
        "record_reconnection",
        {"#id_record_reconnection-note": "ต่อสายที่หม้อแปลงแล้ว ไฟมาปกติ"},
        state="closed",
    )
    journey.shot("reconnected")
    journey.log_out()

    # The customer sees the request closed ----------------------------------------
    journey.log_in(PHONE)
    page.locator("header a[href$='/requests/']").click()
    page.locator(f"a.request-link[href$='/requests/{req.reference}/']").click()
    badge = page.locator(".status-box .badge")
    expect(badge).to_have_class(re.compile(r"\bbadge-closed\b"))
    expect(badge).to_have_text(_th(State.CLOSED.label))
    journey.shot("customer-closed")

    req.refresh_from_db()
    assert req.state == State.CLOSED
    assert req.closed_at is not None
    cut.refresh_from_db()
    assert cut.reconnected_at is not None
    assert cut.reconnected_at == req.closed_at
    assert req.events.filter(action="record_reconnection").get().note == (
        "ต่อสายที่หม้อแปลงแล้ว ไฟมาปกติ"
    )


@pytest.mark.django_db(transaction=True)
def test_after_90_days_the_filing_points_to_a_new_connection(
    page: Page, live_server, screenshot_dir
):
    counter, customer, account = _actors()
    disconnection_record(
        account=account, disconnected_on=timezone.localdate() - timedelta(days=95),
        outstanding=Decimal("850.00"), deposit_offset=False, user=counter,
    )  # fmt: skip
    _setup_page(page)
    journey = Journey(page, live_server.url, screenshot_dir, "reconnection-95")

    journey.log_in(PHONE)
    journey.go("/requests/new/reconnection/")
    page.select_option("#id_account", value=str(account.pk))
    journey.submit_main_form()

    expect(page).to_have_url(live_server.url + "/requests/new/reconnection/")
    expect(page.locator(".error-summary")).to_be_visible()
    error = page.locator("#id_account_error")
    expected = _th(
        lambda: (
            gettext(
                "This account has been disconnected for %(days)d days. After 90 days "
                "the supply cannot be reconnected: please file a new connection; "
                "the remaining deposit will be refunded."
            )
            % {"days": 95}
        )
    )
    expect(error).to_have_text(expected)
    expect(page.locator(".field.has-error")).to_have_count(1)
    expect(page.locator(".field.has-error #id_account")).to_have_count(1)
    # What is left is offered: a new connection and the deposit refund.
    offer = page.locator("[data-testid=reconnection-refused]")
    expect(offer).to_be_visible()
    expect(offer.locator("a[data-offer=deposit-refund]")).to_have_attribute(
        "href", f"/requests/new/deposit-refund/?account={account.pk}"
    )
    journey.shot("refused")
    offer.locator("a[data-offer=new-connection]").click()
    expect(page).to_have_url(
        live_server.url + f"/requests/new/new-connection/?account={account.pk}"
    )
    expect(page.locator("#id_premises_address")).to_have_value(account.premises_address)
    expect(page.locator("#id_office")).to_have_value(str(account.office_id))
    expect(page.locator("#id_meter_size")).to_have_value(str(account.meter.size_id))
    journey.shot("new-connection-prefilled")

    assert not ServiceRequest.objects.filter(service__code="reconnection").exists()
    assert not Invoice.objects.exists()
    assert Disconnection.objects.get(account=account).reconnected_at is None
