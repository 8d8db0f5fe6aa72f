"""An administrator uploads an export file of the billing system in
Chromium, follows the import to its page and reads the rejected lines; the
task runs inline. The e2e watches (Content Security Policy, axe) check every
page on the way."""

import pytest
from playwright.sync_api import Page, expect

from meters.models import ElectricityAccount
from tests import factories
from tests.bills import export_files as ef

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"


@pytest.mark.django_db(transaction=True)
def test_an_administrator_uploads_a_file_and_reads_its_rejected_lines(
    page: Page, live_server, settings, tmp_path
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    tree = factories.office_tree()
    admin = factories.StaffFactory(username="ada", role="admin", office=None)
    admin.set_password(PASSWORD)
    admin.save()
    bad = ef.Spoiled()
    path = tmp_path / "accounts.csv"
    ef.write(path, ef.ACCOUNT_HEADER, ef.spoil(
        ef.accounts_rows(40, [tree["branch"].code]), 10, ef.ACCOUNT_SPOILERS, bad),
        encoding="tis-620")  # fmt: skip

    page.set_default_timeout(20_000)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "ada")
    page.fill("#id_password", PASSWORD)
    page.locator("main form.stack button[type=submit]").click()
    page.locator("header a[href$='/staff/bills/imports/']").click()
    page.set_input_files("input[type=file]", str(path))
    page.locator("main form button[type=submit]").click()

    expect(page.locator("[data-status='done']")).to_be_visible()
    expect(page.locator("[data-count='created']")).to_have_text("36")
    expect(page.locator("[data-count='rejected']")).to_have_text("4")
    for line in bad.lines:
        expect(page.locator(f"tr[data-line='{line}']")).to_be_visible()
    expect(page.locator("tr[data-line='11']")).to_contain_text("CA")
    assert ElectricityAccount.objects.count() == 36
    page.locator("main a[href$='/staff/bills/imports/']").click()
    expect(page.locator("tr[data-import] a")).to_have_text("accounts.csv")
