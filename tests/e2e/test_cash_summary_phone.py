"""The counter's daily cash summary on a phone (390 px), in Thai: nothing is
wider than the screen (issue 18: the per-clerk table was 13 px too wide, its
"รายการชำระเงิน" heading kept on one line)."""

import os
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from payments.models import FeeItem
from payments.services import (
    invoice_cancel_open,
    invoice_create,
    payment_record_cash,
    request_quote_fees,
)
from requests_app import services as rs
from tests import factories

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"


@pytest.mark.django_db(transaction=True)  # conftest reloads the reference data
def test_the_cash_summary_fits_a_phone(page: Page, live_server, screenshot_dir):
    branch = factories.office_tree()["branch"]
    counter = factories.StaffFactory(
        username="charlie", office=branch, first_name="สมศรี", last_name="ใจดี"
    )
    req = rs.request_accept(
        request=factories.submit_request(
            customer=factories.CustomerFactory(), office=branch
        ),
        user=counter,
    )
    request_quote_fees(request=req, user=counter)
    # a busy counter's day: six figures in the drawer (payments are never
    # changed once taken, so the invoice itself is that large)
    invoice_cancel_open(request=req)
    invoice = invoice_create(
        request=req,
        created_by=counter,
        lines=[(FeeItem.Kind.BILL, "ค่าไฟฟ้าค้างชำระ", "Bills", Decimal("260789.74"))],
    )
    payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "charlie")
    page.fill("#id_password", PASSWORD)
    page.locator("main form.stack button[type=submit]").click()
    page.goto(live_server.url + "/staff/cash/")
    expect(page.locator("tr[data-clerk=charlie]")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "th"
    page.screenshot(
        path=os.path.join(screenshot_dir, "cash-summary-390.png"), full_page=True
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
