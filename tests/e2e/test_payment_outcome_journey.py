"""A declined card, then a payment the bank is slow to confirm, in Chromium.

The customer's card is declined at the provider's page (fakepay): the return
page says so at once and offers "Try again"; so does the request page. The
second attempt is paid, but its callbacks do not reach us at first: the return
page waits, asks our status endpoint by itself, and when the provider's
delivery finally lands it shows the payment and the receipt, without a reload
(a marker set on the page's window survives) and without breaking the CSP."""

import os

import pytest
from playwright.sync_api import Page, expect

from fakepay.delivery import deliver
from fakepay.models import FakeCharge, FakeDelivery
from payments.models import Invoice, Receipt
from tests.e2e.online_payment import customer_on_their_invoice

pytestmark = pytest.mark.e2e

PHONE = "0895556666"


@pytest.mark.django_db(transaction=True)  # conftest reloads the reference data
def test_a_declined_card_then_a_slow_payment_the_page_follows(
    page: Page, live_server, settings, screenshot_dir
):
    req, invoice = customer_on_their_invoice(page, live_server, settings, phone=PHONE)

    # 1. Declined at the provider: the return page says so, with "Try again".
    page.locator("button[data-pay-online]").click()
    page.locator("button.decline").click()
    declined = page.locator('[data-payment="declined"]')
    expect(declined).to_be_visible()
    expect(declined).to_contain_text("ไม่มีการตัดเงิน")  # nothing was charged
    expect(page.locator("button[data-pay-again]")).to_have_text("ลองอีกครั้ง")
    page.screenshot(path=os.path.join(screenshot_dir, "outcome-01-declined.png"))

    # 2. The request page shows the failed attempt and offers to try again.
    page.locator(f"a[href='{req.get_absolute_url()}']").click()
    expect(page.locator('[data-last-attempt="declined"]')).to_be_visible()
    expect(page.locator("button[data-pay-online]")).to_have_text("ลองอีกครั้ง")
    again = page.locator("button[data-pay-now]")  # the top box's
    expect(again).to_have_text("ลองอีกครั้ง")
    page.screenshot(
        path=os.path.join(screenshot_dir, "outcome-02-request.png"), full_page=True
    )

    # 3. Paid, but the provider's callbacks do not reach us yet.
    settings.FAKEPAY_CALLBACK_URL = live_server.url + "/nowhere/"
    again.click()
    page.locator("button.pay").click()
    expect(page.locator('[data-payment="waiting"]')).to_be_visible()
    page.evaluate("window.__sameDocument = true")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.UNPAID

    # 4. The provider retries its deliveries; they land; the page follows.
    settings.FAKEPAY_CALLBACK_URL = live_server.url + "/payments/callback/"
    charge = FakeCharge.objects.get(
        reference=invoice.number, status=FakeCharge.Status.SUCCEEDED
    )
    for failed in FakeDelivery.objects.filter(charge=charge).exclude(status_code=200):
        assert deliver(charge, failed.kind, event_id=failed.event_id, attempt=2) == 200
    expect(page.locator('[data-payment="paid"]')).to_be_visible()
    assert page.evaluate("window.__sameDocument === true")  # no reload
    receipt = Receipt.objects.get(invoice=invoice)
    link = page.locator(f"a[href$='/payments/receipts/{receipt.number}/']")
    expect(link).to_be_visible()
    page.screenshot(path=os.path.join(screenshot_dir, "outcome-03-paid.png"))
    with page.expect_download() as download:
        link.click()
    assert open(download.value.path(), "rb").read().startswith(b"%PDF")

    # The request page no longer speaks of the decline.
    page.goto(live_server.url + req.get_absolute_url())
    expect(page.locator("[data-last-attempt]")).to_have_count(0)
