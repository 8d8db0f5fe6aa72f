"""The outbox delivered by a real Celery worker process over the real broker.

Needs a database and broker another process can reach (CI: PostgreSQL and
Redis). Elsewhere it skips, unless REQUIRE_SERVICES is set, when it fails.
"""

import time

import pytest

from notifications.models import OutboxMessage, SentSMS
from tests import factories
from tests.worker import celery_worker

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path):
    with celery_worker(tmp_path) as proc:
        yield proc


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
