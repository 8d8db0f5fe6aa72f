"""A visitor reports an outage in Chromium (Thai), a counter clerk dispatches
a crew and posts the restoration from the incident board in a second
browser, and the visitor's status page shows what staff posted."""

import os

import pytest
from playwright.sync_api import Page, expect

from outages.models import Incident
from tests import factories

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"


@pytest.mark.django_db(transaction=True)  # conftest reloads the reference data
def test_a_visitor_reports_and_sees_the_restoration(
    page: Page, browser, live_server, screenshot_dir
):
    tree = factories.office_tree()
    branch = tree["branch"]
    factories.StaffFactory(username="charlie", office=branch)
    factories.StaffFactory(username="tom", role="technician", office=branch,
                           first_name="Tom", last_name="Crew")  # fmt: skip
    page.set_default_timeout(15_000)

    # The visitor: no account, a phone number.
    page.goto(live_server.url + "/")
    page.locator("header a[href='/outages/']").click()
    page.locator("input[name=symptom][value=line_down]").check()
    page.fill("#id_address", "หน้าตลาดสด ซอย 5 ถ.มิตรภาพ")
    page.select_option("#id_office", str(branch.pk))
    page.fill("#id_name", "สมชาย")
    page.fill("#id_phone", "0812345678")
    page.screenshot(path=os.path.join(screenshot_dir, "outage-01-form.png"),
                    full_page=True)  # fmt: skip
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-incident-status]")).to_have_attribute(
        "data-incident-status", "reported"
    )
    incident = Incident.objects.get()
    expect(page.locator("h1")).to_contain_text(incident.number)

    # Staff, in their own browser.
    staff = browser.new_context(locale="th-TH", timezone_id="Asia/Bangkok")
    desk = staff.new_page()
    desk.set_default_timeout(15_000)
    desk.on("dialog", lambda dialog: dialog.accept())
    desk.goto(live_server.url + "/accounts/login/")
    desk.fill("#id_username", "charlie")
    desk.fill("#id_password", PASSWORD)
    desk.locator("main form.stack button[type=submit]").click()
    desk.locator("header a[href='/staff/outages/']").click()
    row = desk.locator(f"tr[data-incident='{incident.number}']")
    expect(row).to_have_class("danger-row")
    row.locator("a").click()
    desk.select_option("#id_crew", label="Tom Crew")
    desk.fill("#id_message", "ทีมช่างกำลังเดินทาง")
    desk.locator("[data-dispatch]").click()
    expect(desk.locator("[data-status]")).to_have_attribute("data-status", "dispatched")
    desk.fill("#restore-message", "ซ่อมสายแล้ว ไฟฟ้าใช้ได้ตามปกติ")
    desk.locator("[data-restore]").click()
    expect(desk.locator("[data-status]")).to_have_attribute("data-status", "restored")
    staff.close()

    # Back to the visitor: the page shows the restoration and its message.
    page.reload()
    expect(page.locator("[data-incident-status]")).to_have_attribute(
        "data-incident-status", "restored"
    )
    expect(page.locator("[data-updates]")).to_contain_text("ซ่อมสายแล้ว")
    expect(page.locator("[data-updates]")).to_contain_text("ทีมช่างกำลังเดินทาง")
    page.screenshot(path=os.path.join(screenshot_dir, "outage-02-restored.png"),
                    full_page=True)  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_use_my_location_fills_the_place_from_the_browser(browser, live_server):
    """No map service: the browser's own geolocation fills latitude and
    longitude, and the report goes to the nearest branch."""
    tree = factories.office_tree()
    branch = tree["other_branch"]
    branch.lat, branch.lon = 16.44, 102.83
    branch.save()
    context = browser.new_context(
        locale="th-TH", timezone_id="Asia/Bangkok", permissions=["geolocation"],
        geolocation={"latitude": 16.4419, "longitude": 102.8360},
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/outages/")
    page.locator("input[name=symptom][value=area_dark]").check()
    page.locator("[data-locate]").click()
    expect(page.locator("input[name=lat]")).to_have_value("16.441900")
    expect(page.locator("input[name=lon]")).to_have_value("102.836000")
    page.fill("#id_phone", "0812345678")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-incident-status]")).to_be_visible()
    assert Incident.objects.get().office == branch
    context.close()
