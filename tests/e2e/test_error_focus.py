"""Every form sent back with errors moves focus to its error summary (issue
18), in Chromium, Thai and English, on a phone and a desktop: sign-up, log-in
(whose username field asks for autofocus), the outage report and the
forgotten-password form."""

import os

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.e2e

FOCUSED_SUMMARY = (
    "document.activeElement && document.activeElement.matches('.error-summary')"
)


def _assert_summary_focused(page):
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.evaluate(FOCUSED_SUMMARY)
    # The whole summary is on the screen, where the eye and the reader are.
    box = summary.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["th-TH", "en-US"])
@pytest.mark.parametrize("width", [390, 1280])
def test_each_form_with_errors_focuses_its_summary(
    browser, live_server, screenshot_dir, language, width
):
    factories.office_tree()
    context = browser.new_context(
        locale=language, timezone_id="Asia/Bangkok",
        viewport={"width": width, "height": 844 if width == 390 else 900},
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15_000)
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
    context.close()
