"""The outbox delivered by a real Celery worker process over the real broker.

Needs a database and broker another process can reach (CI: PostgreSQL and
Redis). Elsewhere it skips, unless REQUIRE_SERVICES is set, when it fails.
"""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from notifications.models import OutboxMessage, SentSMS
from tests import factories
from tests.conftest import REQUIRE_SERVICES

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


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


@pytest.fixture
def worker(tmp_path):
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
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_a_real_worker_delivers_the_outbox_after_commit(worker, offices):
    customer = factories.CustomerFactory(username="walker", phone="0855555555")
    req = factories.submit_request(customer=customer, office=offices["branch"])
    sms = OutboxMessage.objects.get(request=req, channel="sms")

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        sms.refresh_from_db()
        if sms.status == OutboxMessage.Status.SENT:
            break
        assert worker.poll() is None, worker.stdout.read()
        time.sleep(0.25)

    assert sms.status == OutboxMessage.Status.SENT
    assert SentSMS.objects.get(outbox=sms).body == sms.body
    assert req.reference in sms.body
