"""A real Celery worker process (optionally with beat) over the real broker,
sharing the test's PostgreSQL database. Skips where that cannot work, unless
REQUIRE_SERVICES is set, when it fails."""

import os
import subprocess
import sys
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import REQUIRE_SERVICES


def _reachable_setup() -> str | None:
    """Why a worker cannot share this test's data, or None when it can."""
    if connection.vendor != "postgresql":
        return "the test database is not PostgreSQL"
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        return "CELERY_BROKER_URL is not Redis"
    import redis

    try:
        redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=2
        ).ping()
    except redis.RedisError as exc:
        return f"Redis is not reachable: {exc}"
    return None


@contextmanager
def celery_worker(tmp_path, *, beat: bool = False, env_extra: dict | None = None):
    reason = _reachable_setup()
    if reason:
        if REQUIRE_SERVICES:
            pytest.fail(f"a real Celery worker is required here but {reason}")
        pytest.skip(reason)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "SMS_BACKEND": "notifications.backends.DatabaseSMSBackend",
        "PRIVATE_STORAGE_ROOT": str(tmp_path),
        **(env_extra or {}),
    }
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()  # no tasks from old runs
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "pea_portal",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            *(["-B", "-s", str(tmp_path / "celerybeat-schedule")] if beat else []),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
