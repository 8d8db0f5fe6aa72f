"""A customer links the account they already have (its CA number and the
amount of a recent bill), opens this month's bill from the account's page,
pays two bills (this month's and last month's) in one online payment
through the provider's page (fakepay) in Chromium, comes back and downloads
the one receipt listing both. The signed callbacks reach the live server
over HTTP; the tasks run inline."""

import os
import subprocess

import pytest
from playwright.sync_api import Page, expect

from bills.models import Bill
from payments.models import Receipt
from tests import factories
from tests.bills import paying_helpers as h
from tests.e2e.online_payment import PASSWORD

pytestmark = pytest.mark.e2e

PHONE = "0894445555"


@pytest.mark.tools("pdftotext")
@pytest.mark.django_db(transaction=True)  # conftest reloads the reference data
def test_a_customer_pays_two_bills_in_one_payment_and_downloads_the_receipt(
    page: Page, live_server, settings, screenshot_dir
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.FAKEPAY_SYNC = True
    settings.FAKEPAY_CALLBACK_URL = live_server.url + "/payments/callback/"
    branch = factories.office_tree()["branch"]
    customer = factories.CustomerFactory(username=PHONE, phone=PHONE)
    account = h.account(office=branch)  # the billing system's, nobody's yet
    this_month = h.bill(account, total="912.77")
    last_month = h.bill(account, months_ago=1, total="845.20")
    h.bill(account, months_ago=2, total="799.05", status="paid")
    page.set_default_timeout(20_000)

    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", PHONE)
    page.fill("#id_password", PASSWORD)
    page.locator("main form.stack button[type=submit]").click()

    page.goto(live_server.url + "/bills/accounts/")
    page.locator("[data-empty] a.button").click()
    page.fill("#id_ca_number", account.ca_number)
    page.fill("#id_bill_amount", "799.05")
    page.fill("#id_nickname", "บ้านแม่")
    page.locator("main form.stack button[type=submit]").click()
    card = page.locator(f'[data-account="{account.ca_number}"]')
    expect(card).to_contain_text("บ้านแม่")
    account.refresh_from_db()
    assert account.customer == customer
    card.locator(f"a[href$='/bills/accounts/{account.ca_number}/']").click()
    current = page.locator("[data-current-bill]")
    expect(current).to_contain_text("912.77")
    page.screenshot(path=os.path.join(screenshot_dir, "bills-pay-00-account.png"),
                    full_page=True)  # fmt: skip
    current.locator(f"a[href$='/bills/bill/{this_month.number}/']").click()
    expect(page.locator("[data-total]")).to_contain_text("912.77")
    page.locator(f"a[href*='/bills/pay/?bill={this_month.number}']").first.click()
    this_box = page.locator(f"#bill-{this_month.number}")
    last_box = page.locator(f"#bill-{last_month.number}")
    expect(this_box).to_be_checked()
    expect(last_box).not_to_be_checked()
    last_box.check()
    page.screenshot(path=os.path.join(screenshot_dir, "bills-pay-01-choose.png"),
                    full_page=True)  # fmt: skip
    page.locator("form[data-bill-pay] button[type=submit]").click()

    expect(page.locator("[data-total]")).to_contain_text("1,757.97")
    page.screenshot(path=os.path.join(screenshot_dir, "bills-pay-02-review.png"),
                    full_page=True)  # fmt: skip
    page.locator("button[data-pay-bills]").click()

    expect(page.locator("[data-amount]")).to_have_attribute("data-amount", "1757.97")
    page.locator("button.pay").click()

    expect(page.locator('[data-payment="paid"]')).to_be_visible()
    for bill in (this_month, last_month):
        bill.refresh_from_db()
        assert bill.status == Bill.Status.PAID
    assert this_month.paid_invoice == last_month.paid_invoice
    receipt = Receipt.objects.get(invoice=this_month.paid_invoice)
    page.screenshot(path=os.path.join(screenshot_dir, "bills-pay-03-paid.png"),
                    full_page=True)  # fmt: skip
    with page.expect_download() as download:
        page.locator(f"a[href$='/payments/receipts/{receipt.number}/']").click()
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert receipt.number in text and "1,757.97" in text
    for bill in (this_month, last_month):
        assert bill.number in text and f"{bill.total:,.2f}" in text
    assert account.ca_number in text
