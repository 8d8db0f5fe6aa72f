"""`.env.example` documents every setting the portal reads and holds no
working secret: an operator who copies it as it is gets a portal that refuses
to start, never one that takes fake payments."""

import re
import secrets
import subprocess
import sys

from tests.core.deploy_env import ROOT

READERS = re.compile(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"')


def _example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def test_every_setting_read_from_the_environment_is_in_env_example():
    read = set()
    for path in [*ROOT.glob("pea_portal/*.py"), *ROOT.glob("*/checks.py")]:
        read |= set(READERS.findall(path.read_text()))
    assert {"TRUSTED_PROXY_COUNT", "OPEN311_API_KEYS", "ALLOW_TEST_PAYMENTS"} <= read
    missing = sorted(read - set(_example()))
    assert not missing, f".env.example lacks {missing}"


def test_env_example_holds_no_working_secret():
    example = _example()
    assert example["SECRET_KEY"] == ""
    assert example["PAYMENT_PROVIDER_SECRETS"] == ""
    assert example["FAKEPAY_SECRET"] == ""
    assert example["ALLOW_TEST_PAYMENTS"] == "false"
    assert example["ALLOW_FAKE_BILLING"] == "false"
    assert example["PEA_INSECURE_DEV_KEY"] == "false"
    assert example["DEBUG"] == "false"


def _check(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True,
        text=True, timeout=90, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
                                    "HOME": "/tmp", **env},
    )  # fmt: skip


def test_a_portal_started_on_env_example_as_it_is_refuses():
    example = _example()
    done = _check(example)
    assert done.returncode != 0 and "SECRET_KEY must be set" in done.stderr
    # Even with a good key filled in: the fake provider and no provider secret.
    done = _check(example | {"SECRET_KEY": secrets.token_urlsafe(48)})
    assert done.returncode == 1
    assert "payments.E002" in done.stderr and "payments.E003" in done.stderr
    assert "bills.E002" in done.stderr  # and the fake billing system
