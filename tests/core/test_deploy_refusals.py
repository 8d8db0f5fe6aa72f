"""No fake money and no published secret in production (issue 15, acceptance 3
and the SECRET_KEY point of 4): with DEBUG off, the fake provider, an unset or
published provider secret, and a short or published SECRET_KEY are system
check errors that stop `check --deploy`, runserver, gunicorn and the Celery
worker; ALLOW_TEST_PAYMENTS lets a staging demo run on the fake provider and
puts a banner on every page; /fakepay/ exists only while fakepay is the
provider."""

import subprocess
import sys

import pytest
from django.core import checks
from django.test import override_settings
from django.urls import reverse

from core.checks import KNOWN_SECRET_KEYS, check_secret_key
from payments.checks import check_payment_provider
from tests import factories
from tests.core.deploy_env import CONFIGURED_PROVIDER, ROOT, free_port, production_env

GOOD_SECRET = "s3cr3t-of-the-gateway-" + "x9" * 20
GOOD_KEY = "k" + "aZ09-_" * 10


def _ids(messages) -> set[str]:
    return {m.id for m in messages if m.is_serious()}


# --- the checks, in process ---------------------------------------------------


@override_settings(DEBUG=False, ALLOW_TEST_PAYMENTS=False)
def test_fakepay_is_refused_with_debug_off():
    assert "payments.E002" in _ids(check_payment_provider())


@override_settings(DEBUG=False, ALLOW_TEST_PAYMENTS=False)
def test_the_published_fakepay_secret_is_refused_with_debug_off():
    assert "payments.E004" in _ids(check_payment_provider())


@override_settings(
    DEBUG=False, ALLOW_TEST_PAYMENTS=False, PAYMENT_PROVIDER=CONFIGURED_PROVIDER,
    PAYMENT_PROVIDER_SECRETS=[],
)  # fmt: skip
def test_an_unset_provider_secret_is_refused_with_debug_off():
    assert _ids(check_payment_provider()) == {"payments.E003"}


@override_settings(
    DEBUG=False, ALLOW_TEST_PAYMENTS=False, PAYMENT_PROVIDER=CONFIGURED_PROVIDER,
    PAYMENT_PROVIDER_SECRETS=[GOOD_SECRET, "dev-fakepay-secret"],
)  # fmt: skip
def test_a_published_secret_among_rotating_ones_is_refused():
    assert _ids(check_payment_provider()) == {"payments.E004"}


@override_settings(
    DEBUG=False, ALLOW_TEST_PAYMENTS=False, PAYMENT_PROVIDER="payments.nowhere.Gateway"
)
def test_a_provider_that_cannot_be_imported_is_refused():
    assert _ids(check_payment_provider()) == {"payments.E001"}


@override_settings(
    DEBUG=False, ALLOW_TEST_PAYMENTS=False, PAYMENT_PROVIDER=CONFIGURED_PROVIDER,
    PAYMENT_PROVIDER_SECRETS=[GOOD_SECRET],
)  # fmt: skip
def test_a_configured_provider_with_its_own_secret_passes():
    assert check_payment_provider() == []


@pytest.mark.parametrize("debug, allow", [(True, False), (False, True)])
def test_debug_or_the_staging_flag_admits_fakepay(settings, debug, allow):
    settings.DEBUG, settings.ALLOW_TEST_PAYMENTS = debug, allow
    assert check_payment_provider() == []


@pytest.mark.parametrize(
    "key",
    [
        *sorted(KNOWN_SECRET_KEYS),
        "x" * 49,  # too short
        "django-insecure-" + "q1w2e3r4t5" * 5,  # Django's startproject mark
        "drills-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",  # published
        "ab" * 30,  # 60 characters, 2 different
    ],
)
def test_a_short_or_published_secret_key_is_refused_with_debug_off(settings, key):
    settings.DEBUG, settings.SECRET_KEY = False, key
    assert _ids(check_secret_key()) == {"core.E001"}


def test_a_long_random_secret_key_passes_and_debug_admits_any(settings):
    settings.DEBUG, settings.SECRET_KEY = False, GOOD_KEY
    assert check_secret_key() == []
    settings.DEBUG, settings.SECRET_KEY = True, "short"
    assert check_secret_key() == []


def test_the_checks_are_registered_as_security_checks(settings):
    settings.DEBUG, settings.ALLOW_TEST_PAYMENTS = False, False
    settings.SECRET_KEY = "x"
    found = _ids(checks.run_checks(tags=[checks.Tags.security]))
    assert {"core.E001", "payments.E002", "payments.E004"} <= found


# --- what the operator runs: processes ---------------------------------------


def _run(args, env, timeout=90):
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_check_deploy_refuses_fakepay_and_passes_for_a_staging_demo(tmp_path):
    deploy = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"]
    # (Warnings about HTTPS settings are .ci/run's and test_security_headers'.)
    refused = _run(deploy, production_env(tmp_path))
    assert refused.returncode == 1
    assert "payments.E002" in refused.stderr and "payments.E004" in refused.stderr
    assert "bills.E002" in refused.stderr
    staging = _run(
        deploy,
        production_env(tmp_path, ALLOW_TEST_PAYMENTS="true", ALLOW_FAKE_BILLING="true"),
    )
    assert staging.returncode == 0, staging.stderr


def test_settings_refuse_an_unset_secret_key_unless_told_it_is_a_build_step(tmp_path):
    code = [sys.executable, "-c", "import django; django.setup()"]
    env = production_env(
        tmp_path, SECRET_KEY=None, DJANGO_SETTINGS_MODULE="pea_portal.settings"
    )
    unset = _run(code, env)  # PEA_INSECURE_DEV_KEY is off by default
    assert unset.returncode != 0 and "SECRET_KEY must be set" in unset.stderr
    build = _run(code, env | {"PEA_INSECURE_DEV_KEY": "true"})
    assert build.returncode == 0, build.stderr
    # ... and the published key it then falls back to is refused at start.
    check = _run([sys.executable, "manage.py", "check"], env | {
        "PEA_INSECURE_DEV_KEY": "true", "ALLOW_TEST_PAYMENTS": "true"})  # fmt: skip
    assert check.returncode == 1 and "core.E001" in check.stderr


def test_runserver_does_not_serve_with_fakepay_and_debug_off(tmp_path):
    port = free_port()
    served = _run(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        production_env(tmp_path),
    )
    assert served.returncode != 0
    assert "payments.E002" in served.stderr


def test_gunicorn_does_not_start_with_fakepay_and_debug_off(tmp_path):
    port = free_port()
    started = _run(
        [sys.executable, "-m", "gunicorn", "-c", "pea_portal/gunicorn_conf.py",
         "-w", "1", "-b", f"127.0.0.1:{port}", "pea_portal.wsgi:application"],
        production_env(tmp_path),
    )  # fmt: skip
    assert started.returncode != 0  # gunicorn: "Worker failed to boot"
    assert "refusing to start" in started.stderr and "payments.E002" in started.stderr


def test_gunicorn_refuses_a_published_secret_key_too(tmp_path):
    port = free_port()
    started = _run(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
         "pea_portal.wsgi:application"],
        production_env(tmp_path, ALLOW_TEST_PAYMENTS="true",
                       SECRET_KEY="change-me-to-50-random-characters"),
    )  # fmt: skip
    assert started.returncode != 0 and "core.E001" in started.stderr


def test_the_celery_worker_does_not_start_with_fakepay_and_debug_off(tmp_path):
    started = _run(
        [sys.executable, "-m", "celery", "-A", "pea_portal", "worker",
         "--pool=solo", "--loglevel=WARNING"],
        production_env(tmp_path),
    )  # fmt: skip
    assert started.returncode != 0
    assert "payments.E002" in started.stderr


# --- /fakepay/ and the banner ---------------------------------------------------


def _fakepay_mounted(env) -> str:
    code = (
        "import django; django.setup(); from django.urls import resolve, Resolver404\n"
        "try:\n    resolve('/fakepay/checkout/00000000-0000-0000-0000-000000000000/')\n    print('mounted')\n"
        "except Resolver404:\n    print('absent')"
    )
    done = _run([sys.executable, "-c", code], env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_fakepay_urls_exist_only_while_fakepay_is_the_provider(tmp_path):
    env = production_env(tmp_path, DJANGO_SETTINGS_MODULE="pea_portal.settings")
    assert _fakepay_mounted(env | {"ALLOW_TEST_PAYMENTS": "true"}) == "mounted"
    assert _fakepay_mounted(env | {"PAYMENT_PROVIDER": CONFIGURED_PROVIDER}) == "absent"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, text",
    [("th", "ระบบชำระเงินทดสอบ"), ("en", "no payment made here moves real money")],
)
def test_every_page_says_payments_are_tests_while_fakepay_is_the_provider(
    client, counter, language, text
):
    customer = factories.CustomerFactory()
    pages = [(None, reverse("home")), (None, reverse("accounts:login")),
             (customer, reverse("requests:mine")), (counter, reverse("staff:queue")),
             (None, "/no-such-page/")]  # fmt: skip
    for user, url in pages:
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        client.cookies["pea_language"] = language  # logout() clears cookies
        body = client.get(url).content.decode()
        assert 'class="test-payments"' in body and text in body, url


@pytest.mark.django_db
def test_no_banner_with_a_provider_that_moves_money(client, settings):
    settings.PAYMENT_PROVIDER = CONFIGURED_PROVIDER
    body = client.get(reverse("home")).content.decode()
    assert "test-payments" not in body
