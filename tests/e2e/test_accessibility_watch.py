"""The axe watch of the conftest works: a page with known violations, in a
context of its own, is caught (rule, element and page named) and would fail
the test at teardown; the same page fixed passes; a page left unchanged is not
checked twice, nor one that differs from it only in its numbers."""

import pytest
from playwright.sync_api import expect

from tests.e2e import accessibility

pytestmark = pytest.mark.e2e

PIXEL = (
    "data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="
)
BROKEN = f"""<!doctype html><html lang="en"><head><title>Broken</title></head>
<body><main><h1>Broken</h1>
<img id="no-alt" src="{PIXEL}">
<p style="color:#aaa;background:#fff">Too faint to read</p>
<button id="empty"></button>
</main></body></html>"""
FIXED = (
    BROKEN.replace('<img id="no-alt"', '<img id="no-alt" alt="A dot"')
    .replace("#aaa", "#555")
    .replace('<button id="empty"></button>', '<button id="empty">Go</button>')
)


def test_the_watch_catches_a_page_with_violations(browser, axe_violations):
    context = browser.new_context()
    page = context.new_page()
    page.set_content(BROKEN)
    expect(page.locator("h1")).to_have_text("Broken")
    context.close()  # the watch checks the page before it goes

    found = {(v.rule, v.target) for v in axe_violations.violations}
    assert ("image-alt", "#no-alt") in found  # critical
    assert ("button-name", "#empty") in found  # critical
    assert ("color-contrast", "p") in found  # serious
    assert all(v.url == "about:blank" for v in axe_violations.violations)
    with pytest.raises(AssertionError, match=r"image-alt \(critical\) at #no-alt"):
        assert not axe_violations.violations, axe_violations.report()
    axe_violations.violations.clear()  # shown to fail: this test itself passes


def test_the_watch_passes_the_fixed_page_and_checks_each_state_once(
    browser, axe_violations
):
    context = browser.new_context()
    page = context.new_page()
    page.set_content(FIXED)
    page.locator("#empty").click()  # checked here, before the click
    page.locator("#empty").click()  # nothing changed: not checked again
    assert axe_violations.pages_checked == 1
    page.set_content(FIXED.replace("<h1>Broken</h1>", "<h1>Request 1</h1>"))
    # Checked before it is replaced by one that differs only in a number.
    page.set_content(FIXED.replace("<h1>Broken</h1>", "<h1>Request 22</h1>"))
    assert axe_violations.pages_checked == 2
    context.close()  # the last state is the one before: not checked again
    assert axe_violations.pages_checked == 2
    assert axe_violations.violations == []


def test_a_context_left_open_is_checked_at_the_end(browser, axe_violations):
    watch = accessibility.AxeWatch()
    context = browser.new_context()
    watch.contexts.append(context)
    page = context.new_page()
    page.set_content(BROKEN)
    accessibility.check_open_contexts(watch)
    assert "image-alt" in {v.rule for v in watch.violations}
    context.close()
    axe_violations.violations.clear()  # the conftest's watch saw it too
