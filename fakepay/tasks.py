from celery import shared_task

from fakepay.delivery import MAX_ATTEMPTS, deliver, expire_due
from fakepay.models import FakeCharge


@shared_task(bind=True, max_retries=MAX_ATTEMPTS - 1)
def deliver_event(self, charge_id: str, kind: str, event_id: str) -> int:
    charge = FakeCharge.objects.get(pk=charge_id)
    code = deliver(charge, kind, event_id=event_id, attempt=self.request.retries + 1)
    if not 200 <= code < 300:
        raise self.retry(countdown=2**self.request.retries)
    return code


@shared_task
def expire_checkouts() -> int:
    """Beat, while the fake is the provider: pages left unpaid past their time."""
    return expire_due()
