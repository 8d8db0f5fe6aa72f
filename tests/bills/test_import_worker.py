"""An uploaded export file imported by a real Celery worker process over the
real broker (PostgreSQL and Redis; skips elsewhere unless REQUIRE_SERVICES)."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bills.importer import billing_import_upload
from bills.models import BillingImport
from meters.models import ElectricityAccount
from tests import factories
from tests.bills import export_files as ef
from tests.worker import celery_worker

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_imports_an_upload(offices, tmp_path, settings):
    admin = factories.StaffFactory(username="ada", role="admin", office=None)
    path = tmp_path / "accounts.csv"
    ef.write(path, ef.ACCOUNT_HEADER, ef.accounts_rows(300, [offices["branch"].code]))
    storage_root = settings.STORAGES["private"]["OPTIONS"]["location"]
    with celery_worker(
        tmp_path, env_extra={"PRIVATE_STORAGE_ROOT": str(storage_root)}
    ) as worker:
        bi = billing_import_upload(
            upload=SimpleUploadedFile("accounts.csv", path.read_bytes()), user=admin
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            bi.refresh_from_db()
            if bi.status in (BillingImport.Status.DONE, BillingImport.Status.FAILED):
                break
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.25)
    assert (bi.status, bi.created, bi.rejected) == ("done", 300, 0), bi.error
    assert ElectricityAccount.objects.filter(source="billing").count() == 300
