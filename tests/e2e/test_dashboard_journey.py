"""The supervisor opens the SLA dashboard in Chromium, in Thai, sees the late
request counted, drills down to the list behind the number, opens the request,
and downloads the list as CSV."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from requests_app import services as rs
from sla.models import Clock
from tests import factories

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"


@pytest.mark.django_db(transaction=True)  # conftest reloads the reference data
def test_a_supervisor_drills_down_from_late_to_the_request(
    page: Page, live_server, screenshot_dir
):
    tree = factories.office_tree()
    branch = tree["branch"]
    counter = factories.StaffFactory(username="charlie", office=branch)
    factories.StaffFactory(username="sup", role="supervisor", office=tree["province"])
    reqs = [
        factories.submit_request(customer=factories.CustomerFactory(), office=branch)
        for _ in range(3)
    ]
    rs.request_accept(request=reqs[0], user=counter)
    late = reqs[1]
    Clock.objects.filter(request=late, step_code="accept").update(
        at_risk_at=timezone.now() - timedelta(hours=2),
        due_at=timezone.now() - timedelta(minutes=10),
    )
    page.set_default_timeout(15_000)

    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "sup")
    page.fill("#id_password", PASSWORD)
    page.locator("main form.stack button[type=submit]").click()
    page.locator("header a[href='/staff/dashboard/']").click()
    expect(page.locator("[data-kpi=open]")).to_have_text("3")
    expect(page.locator("[data-kpi=breached]")).to_have_text("1")
    expect(page.locator("[data-kpi=rate]")).to_have_text("100%")
    assert page.locator("html").get_attribute("lang") == "th"
    page.screenshot(
        path=os.path.join(screenshot_dir, "dashboard-01.png"), full_page=True
    )

    page.locator("a.kpi-late").click()
    expect(page.locator("[data-count]")).to_have_attribute("data-count", "1")
    row_link = page.locator("table.queue tbody a").first
    expect(row_link).to_have_text(late.reference)
    page.screenshot(
        path=os.path.join(screenshot_dir, "dashboard-02-late.png"), full_page=True
    )
    with page.expect_download() as download:
        page.locator("a[href*='format=csv']").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert late.reference in text and reqs[2].reference not in text

    row_link.click()
    expect(page).to_have_url(live_server.url + late.staff_url())
