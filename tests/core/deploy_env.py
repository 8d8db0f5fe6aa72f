"""What the deploy-refusal tests start processes with: the environment of a
production-like instance, from which each test takes away or adds one thing."""

import os
import secrets
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class ConfiguredProvider:
    """A provider class as a real gateway's adapter looks to the checks: it
    does not say `test_payments`. Never used to pay (no test calls it)."""


CONFIGURED_PROVIDER = "tests.core.deploy_env.ConfiguredProvider"


def production_env(tmp_path: Path, **changes: str | None) -> dict:
    """DEBUG off, a random 64-character key, fakepay and the fake billing
    system left as the defaults, no ALLOW_TEST_PAYMENTS nor ALLOW_FAKE_BILLING;
    `changes` set (a value) or remove (None) names."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "ALLOW_TEST_PAYMENTS",
            "PAYMENT_PROVIDER",
            "ALLOW_FAKE_BILLING",
            "BILLING_SOURCE",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # tests/conftest.py's, refused by --deploy
        )
    }
    env |= {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "filesystem://localhost//",
        "PEA_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(ROOT),
    }
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
