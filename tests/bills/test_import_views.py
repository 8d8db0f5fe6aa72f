"""The administrators' pages of the billing imports: upload (queued to
Celery, nothing imported in the request), the list, an import's progress and
its rejected lines; nobody else gets in."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bills.importer import billing_import_run
from bills.models import Bill, BillingImport, ImportRejection
from meters.models import ElectricityAccount
from tests import factories
from tests.bills import export_files as ef

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(office):
    return factories.StaffFactory(username="ada", role="admin", office=None)


def _csv(codes, n=30, every=10) -> tuple[bytes, dict]:
    import io

    bad = ef.Spoiled()
    buf = io.StringIO()
    import csv

    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(ef.ACCOUNT_HEADER)
    w.writerows(ef.spoil(ef.accounts_rows(n, codes), every, ef.ACCOUNT_SPOILERS, bad))
    return buf.getvalue().encode("tis-620"), bad.lines


def test_an_upload_is_stored_and_imported_by_the_task(
    client, admin, office, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    data, bad = _csv([office.code])
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("bills_staff:imports"),
            {"file": SimpleUploadedFile("accounts.csv", data, "text/csv")},
        )
    assert len(callbacks) == 1  # the task is sent after the upload commits
    bi = BillingImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("bills_staff:import", args=[bi.pk])
    assert (bi.status, bi.uploaded_by, bi.encoding, bi.kind) == (
        "done", admin, "tis-620", "accounts",
    )  # fmt: skip
    assert bi.file.name.startswith("billing/") and bi.file.read() == data
    assert (bi.created, bi.rejected) == (30 - len(bad), len(bad))
    assert ElectricityAccount.objects.count() == 30 - len(bad)
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page and "<progress" not in page
    for line in bad:
        assert f'data-line="{line}"' in page
    assert 'http-equiv="refresh"' not in page


def test_the_web_request_imports_nothing_itself(client, admin, office):
    data, _bad = _csv([office.code])
    client.force_login(admin)
    client.post(
        reverse("bills_staff:imports"), {"file": SimpleUploadedFile("a.csv", data)}
    )
    bi = BillingImport.objects.get()
    assert bi.status == "pending" and ElectricityAccount.objects.count() == 0


def test_the_task_delivered_twice_imports_once(admin, office, tmp_path):
    from bills.tasks import import_billing_file

    data, _bad = _csv([office.code])
    bi = BillingImport.objects.create(filename="a.csv", uploaded_by=admin)
    bi.file.save("a.csv", SimpleUploadedFile("a.csv", data))
    assert import_billing_file(bi.pk) == "done"
    assert import_billing_file(bi.pk) == "claimed"
    bi.refresh_from_db()
    assert bi.created == 27 and ImportRejection.objects.count() == 3


def test_a_running_import_shows_its_progress_and_refreshes(client, admin):
    bi = BillingImport.objects.create(
        filename="bills.csv", kind="bills", status="running", size=1000,
        bytes_read=420, lines=3000, created=2990, rejected=10,
    )  # fmt: skip
    client.force_login(admin)
    page = client.get(reverse("bills_staff:import", args=[bi.pk])).content.decode()
    assert '<progress id="import-progress" max="100" value="42"' in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert 'data-count="created">2,990<' in page


def test_a_failed_import_says_why_in_the_reader_s_language(client, admin, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("what,ever\n1,2\n")
    bi = billing_import_run(
        billing_import=BillingImport.objects.create(filename="x.csv"), path=path
    )
    client.force_login(admin)
    page = client.get(
        reverse("bills_staff:import", args=[bi.pk]), HTTP_ACCEPT_LANGUAGE="th"
    ).content.decode()
    assert "บรรทัดแรกไม่ใช่หัวตาราง" in page
    client.post(reverse("set_language"), {"language": "en"})
    admin.language = "en"
    admin.save()
    page = client.get(reverse("bills_staff:import", args=[bi.pk])).content.decode()
    assert "The first line is not the header" in page


@pytest.mark.parametrize("who", ["customer", "counter", "supervisor", "technician"])
def test_only_administrators_get_in(client, request, who, admin):
    bi = BillingImport.objects.create(filename="a.csv")
    client.force_login(request.getfixturevalue(who))
    for url in (
        reverse("bills_staff:imports"),
        reverse("bills_staff:import", args=[bi.pk]),
    ):
        assert client.get(url).status_code == 403
    response = client.post(
        reverse("bills_staff:imports"), {"file": SimpleUploadedFile("a.csv", b"x")}
    )
    assert response.status_code == 403 and BillingImport.objects.count() == 1


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("bills_staff:imports"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_lists_run_a_constant_number_of_queries(
    client, admin, office, django_assert_num_queries, tmp_path
):
    client.force_login(admin)
    path = tmp_path / "a.csv"

    def add_import(rejected: int):
        rows = list(ef.accounts_rows(rejected + 2, [office.code]))
        for row in rows[:rejected]:
            row[4] = "ZZ1"
        ef.write(path, ef.ACCOUNT_HEADER, iter(rows))
        bi = BillingImport.objects.create(filename="a.csv", uploaded_by=admin)
        return billing_import_run(billing_import=bi, path=path)

    first = add_import(1)
    client.get(reverse("bills_staff:imports"))  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("bills_staff:imports"))
        client.get(reverse("bills_staff:import", args=[first.pk]))
    assert len(one.captured_queries) <= 10
    many = [add_import(40) for _ in range(30)]
    with django_assert_num_queries(len(one.captured_queries)):
        list_page = client.get(reverse("bills_staff:imports"))
        detail = client.get(reverse("bills_staff:import", args=[many[-1].pk]))
    assert list_page.content.decode().count("data-import=") == 25  # a page
    assert detail.content.decode().count("data-line=") == 40
    assert Bill.objects.count() == 0
