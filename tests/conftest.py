"""Shared fixtures: the base set of actors every permission test uses
(healthchecks' alice/bob/charlie), and the browser set-up for Debian's Chromium.

Services: tests run against whatever DATABASE_URL / CELERY_BROKER_URL name (CI:
PostgreSQL and Redis). With REQUIRE_SERVICES=1 (CI) a test that needs a service
it cannot reach fails instead of skipping.
"""

import os
import shutil
import tempfile

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + sync page

from tests import factories  # noqa: E402

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "").lower() in (
    "1",
    "true",
    "yes",
)


def pytest_collection_modifyitems(config, items):
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if os.path.exists(chromium):
        return
    if REQUIRE_SERVICES:
        raise pytest.UsageError(f"Browser tests are required but {chromium} is missing")
    skip = pytest.mark.skip(
        reason=f"Chromium not installed at {chromium} (bash .ci/run installs it)"
    )
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


# Debian's command-line tools some tests run, and the package that has each.
# A bare machine (Python only, the README's two commands) lacks them.
TOOL_PACKAGES = {
    "pdftotext": "poppler-utils",
    "pdffonts": "poppler-utils",
    "pdfimages": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "pdfinfo": "poppler-utils",
}


def require_tools(*names: str) -> None:
    """Skip the running test, with the reason, when one of these tools is not on
    PATH; fail it instead in CI (REQUIRE_SERVICES=1), as the browser tests do."""
    missing = [name for name in names if shutil.which(name) is None]
    if not missing:
        return
    packages = sorted({TOOL_PACKAGES.get(name, name) for name in missing})
    skip_or_fail(
        f"{', '.join(missing)} not installed (Debian's {', '.join(packages)}; "
        "bash .ci/run installs it)"
    )


def skip_or_fail(reason: str) -> None:
    """A test that cannot run on this machine: skipped with the reason, or failed
    in CI (REQUIRE_SERVICES=1), where everything it needs is installed."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required in CI (REQUIRE_SERVICES=1): {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # @pytest.mark.tools("pdftotext", ...): checked before the test's fixtures run.
    for marker in item.iter_markers("tools"):
        require_tools(*marker.args)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # PBKDF2 costs ~1 s per actor; tests check behaviour, not hashing cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path, monkeypatch):
    """Each test gets its own private document store."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    from django.core.files.storage import storages

    from bills.models import BillingImport
    from requests_app.models import Document, PendingUpload

    storages._storages = {}
    # The fields resolved their storage once, at import: point them at this one.
    for model in (Document, PendingUpload, BillingImport):
        monkeypatch.setattr(
            model._meta.get_field("file"), "storage", storages["private"]
        )
    yield
    storages._storages = {}


REFERENCE_MIGRATIONS = [
    "meters.migrations.0003_meter_sizes",
    "requests_app.migrations.0002_new_connection_catalog",
    "payments.migrations.0002_new_connection_fees",
    "requests_app.migrations.0005_steps_and_meter_test",
    "payments.migrations.0004_meter_test_fees",
    "requests_app.migrations.0007_reconnection_service",
    "requests_app.migrations.0009_deposit_refund_service",
    "requests_app.migrations.0011_extension_services",
    "requests_app.migrations.0013_correction_services",
    "requests_app.migrations.0015_covers_service",
    "requests_app.migrations.0017_meter_upgrade_service",
    "requests_app.migrations.0019_broken_meter_service",
    "requests_app.migrations.0021_adjusted_bill_service",
    "meters.migrations.0008_ct_meter_classes",
    "payments.migrations.0008_ct_fees",
    "sla.migrations.0002_seed_policies",
    "voc.migrations.0002_complaint_service",
    "requests_app.migrations.0028_service_escalation_departments",
    "voc.migrations.0003_complaint_escalation_department",
    "voc.migrations.0004_complaint_no_charter_section",
]


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Transactional tests start from a flushed database, without the
    reference data the data migrations loaded: load it again (idempotent)."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for module in REFERENCE_MIGRATIONS:
        importlib.import_module(module).load(apps, None)


@pytest.fixture
def offices(db):
    return factories.office_tree()


@pytest.fixture
def office(offices):
    return offices["branch"]


@pytest.fixture
def other_office(offices):
    return offices["other_branch"]


@pytest.fixture
def customer(db):
    return factories.CustomerFactory(username="alice")


@pytest.fixture
def other_customer(db):
    return factories.CustomerFactory(username="bob")


@pytest.fixture
def counter(office):
    return factories.StaffFactory(username="charlie", role="counter", office=office)


@pytest.fixture
def surveyor(office):
    return factories.StaffFactory(username="sam", role="surveyor", office=office)


@pytest.fixture
def technician(office):
    return factories.StaffFactory(username="tom", role="technician", office=office)


@pytest.fixture
def other_counter(other_office):
    return factories.StaffFactory(username="dave", role="counter", office=other_office)


@pytest.fixture
def supervisor(offices):
    # Supervises the province office, so every branch below it.
    return factories.StaffFactory(
        username="erin", role="supervisor", office=offices["province"]
    )


@pytest.fixture
def new_connection(db):
    from requests_app.models import ServiceType

    return ServiceType.objects.get(code="new-connection")


@pytest.fixture
def submitted_request(customer, office, new_connection):
    return factories.submit_request(customer=customer, office=office)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    from core.chromium import CHROMIUM_ARGS, CHROMIUM_PATH

    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM_PATH,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def screenshot_dir():
    path = os.environ.get("SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="pea-shots-")
    os.makedirs(path, exist_ok=True)
    yield path
    if not os.environ.get("SCREENSHOT_DIR"):
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def postgres():
    """PostgreSQL, for the tests that read a query's plan: on SQLite skipped,
    failed in CI. Prices out scans and sorts for the test's transaction."""
    from django.db import connection

    if connection.vendor != "postgresql":
        if REQUIRE_SERVICES:
            pytest.fail("the index tests need PostgreSQL (REQUIRE_SERVICES is set)")
        pytest.skip("index plans are checked on PostgreSQL only; this DB is SQLite")
    with connection.cursor() as cursor:
        # Only for this test's transaction: with tiny tables the planner would
        # rather scan them (or bitmap-scan and sort, once autovacuum has given
        # it statistics of a few rows), which says nothing about the index.
        # What is checked is that an index can serve the query in its order.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
