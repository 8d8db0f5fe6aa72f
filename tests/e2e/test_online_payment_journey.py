"""A customer pays an invoice online through the provider's page (fakepay) in
Chromium, comes back to the portal, and downloads the receipt PDF. The
provider's signed callbacks reach the live server over HTTP; the payment is
applied and the receipt rendered by the tasks (run inline here)."""

import io
import os
import subprocess

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from payments import thaiqr
from payments.models import Invoice, Receipt
from tests.e2e.online_payment import customer_on_their_invoice

pytestmark = pytest.mark.e2e

PHONE = "0893334444"


@pytest.mark.tools("pdftotext")
@pytest.mark.django_db(transaction=True)  # conftest reloads the reference data
def test_a_customer_pays_online_and_downloads_the_receipt(
    page: Page, live_server, settings, screenshot_dir
):
    req, invoice = customer_on_their_invoice(page, live_server, settings, phone=PHONE)
    expect(page.locator(".thaiqr-code svg")).to_be_visible()  # the Thai QR, too
    # and the counter's Code 128, as Chromium draws it, reads back
    barcode = page.locator(".barcode-line svg[role=img]").screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(barcode)))
    assert [(r.format.name, r.text) for r in found] == [
        ("Code128", thaiqr.for_invoice(invoice)["barcode"])
    ]
    page.screenshot(
        path=os.path.join(screenshot_dir, "pay-01-invoice.png"), full_page=True
    )

    page.locator("button[data-pay-online]").click()
    expect(page.locator("[data-amount]")).to_have_attribute(
        "data-amount", f"{invoice.total:.2f}"
    )
    page.screenshot(path=os.path.join(screenshot_dir, "pay-02-provider.png"))
    page.locator("button.pay").click()

    expect(page.locator('[data-payment="paid"]')).to_be_visible()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    receipt = Receipt.objects.get(invoice=invoice)
    page.screenshot(
        path=os.path.join(screenshot_dir, "pay-03-paid.png"), full_page=True
    )
    with page.expect_download() as download:
        page.locator(f"a[href$='/payments/receipts/{receipt.number}/']").click()
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert receipt.number in text and f"{invoice.total:,.2f}" in text
