"""BILLING_SOURCE chooses where bills come from; the fake billing system is
refused with DEBUG off unless ALLOW_FAKE_BILLING marks a staging demo."""

import sys
from datetime import date

import pytest
from django.core import checks

from bills.checks import check_billing_source
from bills.fake_billing import FakeBillingSystem
from bills.sources import ExportFiles, billing_source
from tests.core.deploy_env import production_env
from tests.core.test_deploy_refusals import _run

FAKE = "bills.fake_billing.FakeBillingSystem"
REAL = "bills.sources.ExportFiles"


def _ids(messages) -> set[str]:
    return {m.id for m in messages if m.is_serious()}


def test_the_fake_billing_system_is_the_default_of_the_embedded_mode(settings):
    assert settings.BILLING_SOURCE == FAKE
    assert isinstance(billing_source(), FakeBillingSystem)


def test_the_fake_billing_system_is_refused_with_debug_off(settings):
    settings.DEBUG, settings.ALLOW_FAKE_BILLING = False, False
    settings.BILLING_SOURCE = FAKE
    assert _ids(check_billing_source()) == {"bills.E002"}
    found = _ids(checks.run_checks(tags=[checks.Tags.security]))
    assert "bills.E002" in found  # registered: stops runserver, gunicorn, worker


@pytest.mark.parametrize("debug, allow", [(True, False), (False, True)])
def test_debug_or_the_staging_flag_admits_the_fake(settings, debug, allow):
    settings.DEBUG, settings.ALLOW_FAKE_BILLING = debug, allow
    settings.BILLING_SOURCE = FAKE
    assert check_billing_source() == []


def test_the_export_files_pass_with_debug_off(settings):
    settings.DEBUG, settings.ALLOW_FAKE_BILLING = False, False
    settings.BILLING_SOURCE = REAL
    assert check_billing_source() == []
    assert isinstance(billing_source(), ExportFiles)


def test_a_source_that_cannot_be_imported_is_refused(settings):
    settings.DEBUG, settings.BILLING_SOURCE = False, "bills.nowhere.System"
    assert _ids(check_billing_source()) == {"bills.E001"}


@pytest.mark.django_db
def test_the_export_files_issue_nothing_on_the_daily_run():
    assert ExportFiles().issue_bills(today=date(2026, 5, 28)) == 0


def test_check_deploy_refuses_the_fake_unless_a_staging_demo(tmp_path):
    deploy = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"]
    demo = {"ALLOW_TEST_PAYMENTS": "true"}  # leaves only the billing source
    refused = _run(deploy, production_env(tmp_path, **demo))
    assert refused.returncode == 1 and "bills.E002" in refused.stderr
    staging = _run(deploy, production_env(tmp_path, **demo, ALLOW_FAKE_BILLING="true"))
    assert staging.returncode == 0, staging.stderr
    real = _run(deploy, production_env(tmp_path, **demo, BILLING_SOURCE=REAL))
    assert real.returncode == 0, real.stderr
