"""The portal's main pages under its Content Security Policy, in Chromium:
no violation anywhere (the conftest's watch fails the test on any), and the
scripts that matter still work: the confirm before an irreversible action,
the representative's documents, "Use my location", the API docs (Swagger UI
and Redoc, whose start-up is a file and whose styles carry a nonce) and the
Django admin."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from tests import factories

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form.stack button[type=submit]").click()
    expect(page.locator("header form[action$='/accounts/logout/']")).to_be_visible()


def _no_violation_yet(violations: list) -> None:
    assert not violations, "\n".join(violations)


@pytest.mark.django_db(transaction=True)  # conftest reloads the reference data
def test_customer_and_staff_pages_keep_the_policy_and_their_scripts_work(
    new_context, live_server, csp_violations
):
    tree = factories.office_tree()
    branch = tree["branch"]
    customer = factories.CustomerFactory(username="alice")
    factories.StaffFactory(username="charlie", office=branch)
    req = factories.submit_request(customer=customer, office=branch)
    base = live_server.url

    # A visitor, then the customer.
    page = new_context().new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/")
    expect(page.locator("main h1")).to_be_visible()
    page.goto(base + "/accounts/login/")
    expect(page.locator("#id_username")).to_be_visible()
    _log_in(page, base, "alice")

    page.goto(base + "/requests/new/new-connection/")
    representative_only = page.locator(".rep-only").first
    expect(representative_only).to_be_hidden()
    page.locator("input[name$='by_representative']").check()
    expect(representative_only).to_be_visible()  # portal.js ran

    page.goto(base + "/requests/")
    expect(page.locator(f"main a[href$='/requests/{req.reference}/']")).to_be_visible()
    page.goto(base + f"/requests/{req.reference}/")
    expect(page.locator("main h1")).to_contain_text(req.reference)
    page.goto(base + "/outages/")
    expect(page.locator("[data-locate]")).to_be_visible()
    _no_violation_yet(csp_violations)

    # Counter staff: the queue, the request, and the confirm before "Reject".
    desk = new_context().new_page()
    desk.set_default_timeout(15_000)
    _log_in(desk, base, "charlie")
    desk.goto(base + "/staff/")
    expect(
        desk.locator(f"main a[href$='/staff/requests/{req.reference}/']")
    ).to_be_visible()
    desk.goto(base + f"/staff/requests/{req.reference}/")
    reject = desk.locator("form[data-confirm][action$='/act/reject/']")
    details = desk.locator("details.action").filter(has=reject)
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    questions = []

    def decline(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    desk.once("dialog", decline)
    reject.locator("button[type=submit]").click()
    expect(desk.locator("main h1")).to_contain_text(req.reference)
    assert questions and questions[0] == reject.get_attribute("data-confirm")
    req.refresh_from_db()
    assert req.state == "submitted"  # declined: nothing was posted
    _no_violation_yet(csp_violations)


@pytest.mark.django_db(transaction=True)
def test_use_my_location_works_under_the_policy(new_context, live_server):
    factories.office_tree()
    context = new_context(
        permissions=["geolocation"],
        geolocation={"latitude": 16.4419, "longitude": 102.8360},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    response = page.goto(live_server.url + "/outages/")
    assert "geolocation=(self)" in response.headers["permissions-policy"]
    page.locator("[data-locate]").click()
    expect(page.locator("input[name=lat]")).to_have_value("16.441900")
    expect(page.locator("input[name=lon]")).to_have_value("102.836000")


@pytest.mark.django_db(transaction=True)
def test_the_api_docs_render_without_inline_code(new_context, live_server):
    page = new_context().new_page()
    page.set_default_timeout(20_000)

    response = page.goto(live_server.url + "/api/v1/docs/")
    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("PEA Smart Plus")
    expect(page.locator(".opblock").first).to_be_visible()  # the schema loaded

    response = page.goto(live_server.url + "/api/v1/redoc/")
    policy = response.headers["content-security-policy"]
    assert re.search(r"style-src 'self' [^;]*'nonce-[\w-]+'", policy)
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    expect(page.locator("#redoc-container h1").first).to_contain_text("PEA Smart Plus")
    # Redoc's styled-components styles applied (their <style> carries the nonce).
    menu = page.locator(".menu-content").first
    expect(menu).to_be_visible()
    assert menu.evaluate("el => getComputedStyle(el).display") == "flex"


@pytest.mark.django_db(transaction=True)
def test_the_admin_works_under_the_policy(new_context, live_server):
    tree = factories.office_tree()
    customer = factories.CustomerFactory(username="alice")
    factories.submit_request(customer=customer, office=tree["branch"])
    User.objects.create_superuser(
        username="root", password=PASSWORD, email="root@example.test", role="admin"
    )
    page = new_context().new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    page.goto(base + "/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#user-tools")).to_be_visible()

    page.goto(base + "/admin/requests_app/servicerequest/")
    expect(page.locator("#result_list")).to_be_visible()
    page.goto(base + f"/admin/accounts/user/{customer.pk}/change/")
    # DateTimeShortcuts.js added its "Today" / "Now" links: admin scripts ran.
    expect(page.locator(".datetimeshortcuts").first).to_be_visible()
