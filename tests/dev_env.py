"""The test run's environment, set before Django reads its settings (loaded by
`-p tests.dev_env` in pyproject.toml's addopts, so plain `pytest` gets it too).

Tests run with DEBUG off, as production does. A random SECRET_KEY per run
(settings refuse to start without one), and ALLOW_TEST_PAYMENTS: the suite pays
through fakepay, which DEBUG off otherwise refuses (payments/checks.py). A value
the caller exported wins. Subprocesses (a Celery worker, gunicorn) inherit it.
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", "tests-" + secrets.token_urlsafe(48))
os.environ.setdefault("ALLOW_TEST_PAYMENTS", "true")
