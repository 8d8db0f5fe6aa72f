"""On a phone the customer's request opens on what to do next: with an
unpaid invoice, the amount and the Pay button on the first screen (390 x 844),
in Thai and in English (issue 18, item 4)."""

import os

import pytest
from playwright.sync_api import Browser, expect

from payments.services import request_quote_fees
from requests_app import services as rs
from tests import factories

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"
PHONE = "0893335555"


@pytest.mark.django_db(transaction=True)  # conftest reloads the reference data
@pytest.mark.parametrize("locale", ["th-TH", "en-US"])
@pytest.mark.parametrize("width,height", [(390, 844), (1280, 800)])
def test_the_pay_button_is_on_the_first_screen(
    browser: Browser, live_server, screenshot_dir, locale, width, height
):
    branch = factories.office_tree()["branch"]
    counter = factories.StaffFactory(username="charlie", office=branch)
    customer = factories.CustomerFactory(username=PHONE, phone=PHONE)
    req = rs.request_accept(
        request=factories.submit_request(customer=customer, office=branch), user=counter
    )
    invoice = request_quote_fees(request=req, user=counter)
    context = browser.new_context(
        locale=locale,
        timezone_id="Asia/Bangkok",
        viewport={"width": width, "height": height},
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", PHONE)
    page.fill("#id_password", PASSWORD)
    page.locator("main form.stack button[type=submit]").click()
    page.goto(live_server.url + req.get_absolute_url())

    pay = page.locator("button[data-pay-now]")
    expect(pay).to_be_visible()
    box = pay.bounding_box()
    assert box["y"] + box["height"] <= height, box  # no scrolling to pay
    expect(page.locator(".next-pay")).to_contain_text(f"{invoice.total:,.2f}")
    page.screenshot(
        path=os.path.join(screenshot_dir, f"next-pay-{locale[:2]}-{width}.png")
    )
    context.close()
