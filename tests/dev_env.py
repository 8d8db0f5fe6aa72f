"""The test run's environment, set before Django reads its settings (loaded by
`-p tests.dev_env` in pyproject.toml's addopts, so plain `pytest` gets it too).

Tests run with DEBUG off, as production does. A random SECRET_KEY per run
(settings refuse to start without one), and ALLOW_TEST_PAYMENTS: the suite pays
through fakepay, which DEBUG off otherwise refuses (payments/checks.py); so is
ALLOW_FAKE_BILLING for the fake billing system (bills/checks.py). A value
the caller exported wins. Subprocesses (a Celery worker, gunicorn) inherit it.
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", "tests-" + secrets.token_urlsafe(48))
os.environ.setdefault("ALLOW_TEST_PAYMENTS", "true")
os.environ.setdefault("ALLOW_FAKE_BILLING", "true")


def _broker_of_this_xdist_worker() -> None:
    """Under pytest-xdist (`-n 2`), each worker process has its own test
    database (pytest-django adds _gw0, _gw1) and must have its own Redis
    database too: the tests' real Celery workers flush theirs and take any
    task queued there. gwK uses the caller's database number + K (mod 16)."""
    import re

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = os.environ.get("CELERY_BROKER_URL", "")
    match = re.fullmatch(r"(rediss?://[^/]+)(?:/(\d*))?", url)
    if not worker.startswith("gw") or not match:
        return
    base = int(match.group(2) or 0)
    number = (base + int(worker[2:])) % 16
    os.environ["CELERY_BROKER_URL"] = f"{match.group(1)}/{number}"


_broker_of_this_xdist_worker()
