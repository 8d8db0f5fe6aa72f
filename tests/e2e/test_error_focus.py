"""Every form sent back with errors moves focus to its error summary (issue
18), in Chromium, Thai and English, on a phone and a desktop: sign-up, log-in
(whose username field asks for autofocus), the outage report and the
forgotten-password form; and, in Thai on a desktop, a form answered by a
redirect (its error a message at the top), a staff form on a page of several
(the incident's dispatch) and the walk-in lookup's wrong check digit."""

import os

import pytest
from playwright.sync_api import expect

from outages import services as outages
from requests_app import services as rs
from tests import factories

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"
SUMMARY = ".error-summary, [data-error-message]"
FOCUSED_SUMMARY = (
    f"document.activeElement && document.activeElement.matches({SUMMARY!r})"
)


def _assert_summary_focused(page, selector=".error-summary"):
    summary = page.locator(selector)
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.evaluate(FOCUSED_SUMMARY)
    # The whole summary is on the screen, where the eye and the reader are.
    box = summary.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["th-TH", "en-US"])
def test_each_form_with_errors_focuses_its_summary(
    browser, live_server, screenshot_dir, language
):
    factories.office_tree()
    context = browser.new_context(locale=language, timezone_id="Asia/Bangkok")
    page = context.new_page()
    page.set_default_timeout(15_000)
    # One browser context for both widths: the page's size changes in place.
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
        _public_forms(page, live_server, screenshot_dir, language, width)
    context.close()


def _public_forms(page, live_server, screenshot_dir, language, width):
    tag = f"{language[:2]}-{width}"

    def shot(name):
        page.screenshot(
            path=os.path.join(screenshot_dir, f"errors-{name}-{tag}.png"),
            full_page=True,
        )

    # Sign-up: a common, all-digit password and the names left out.
    page.goto(live_server.url + "/accounts/signup/")
    page.fill("#id_phone", "0891234567")
    page.fill("#id_password1", "12345678")
    page.fill("#id_password2", "12345678")
    page.locator("main form button[type=submit]").click()
    _assert_summary_focused(page)
    if language == "th-TH":
        expect(page.locator(".error-summary")).to_contain_text("รหัสผ่านนี้มีแต่ตัวเลข")
        expect(page.locator(".error-summary")).not_to_contain_text("This password")
    shot("signup")

    # Log-in: a wrong password; the username's autofocus does not win.
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", f"08{width:04d}{len(language):04d}")
    page.fill("#id_password", "wrong-password")
    page.locator("main form.stack button[type=submit]").click()
    _assert_summary_focused(page)
    shot("login")

    # The outage report, sent empty.
    page.goto(live_server.url + "/outages/")
    page.locator("main form button[type=submit]").click()
    _assert_summary_focused(page)

    # The forgotten password: not a mobile number.
    page.goto(live_server.url + "/accounts/password-reset/")
    page.fill("#id_phone", "12345")
    page.locator("main form button[type=submit]").click()
    _assert_summary_focused(page)

    # A page without errors leaves the focus where the page put it.
    page.goto(live_server.url + "/accounts/login/")
    expect(page.locator("#id_username")).to_be_focused()


def _log_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form.stack button[type=submit]").click()
    expect(page.locator("header form[action$='/accounts/logout/']")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_redirected_and_staff_errors_focus_their_summary(new_context, live_server):
    branch = factories.office_tree()["branch"]
    counter = factories.StaffFactory(username="charlie", office=branch)
    factories.StaffFactory(username="tom", role="technician", office=branch)
    customer = factories.CustomerFactory(username="0891112222", phone="0891112222")
    req = factories.submit_request(customer=customer, office=branch)
    incident = outages.outage_report(
        symptom="area_dark", office=branch, reporter=customer, address="ซอย 5"
    ).incident

    # The customer's upload form, sent after the counter accepted the request:
    # refused by a redirect, its error a message at the top, focused.
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    page.set_default_timeout(15_000)
    _log_in(page, live_server, "0891112222")
    page.goto(live_server.url + req.get_absolute_url())
    rs.request_accept(request=req, user=counter)
    upload = page.locator("form[action$='/documents/']")
    upload.locator("input[type=file]").set_input_files(
        files=[{"name": "map.pdf", "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )  # fmt: skip
    upload.locator("button[type=submit]").click()
    _assert_summary_focused(page, "[data-error-message]")
    expect(page.locator("[data-error-message]")).to_contain_text("ก่อน")

    # Staff: the dispatch form sent without a crew, among the incident's forms.
    desk = new_context().new_page()
    desk.set_default_timeout(15_000)
    _log_in(desk, live_server, "charlie")
    desk.goto(live_server.url + f"/staff/outages/{incident.number}/")
    desk.locator("[data-dispatch]").click()
    _assert_summary_focused(desk)
    expect(desk.locator(".error-summary a[href='#id_crew']")).to_be_visible()

    # The walk-in lookup: a national ID whose check digit is wrong.
    good = factories.national_id(777)
    desk.goto(live_server.url + "/staff/file/")
    desk.fill("input[name=lookup]", good[:12] + str((int(good[12]) + 1) % 10))
    desk.locator("form[role=search] button[type=submit]").click()
    _assert_summary_focused(desk, "[data-error-message]")
