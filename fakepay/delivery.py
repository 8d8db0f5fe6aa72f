"""How the fake provider calls back: signed like the real one, retried on
failure with backoff, and, when asked, duplicated, reordered or delayed."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fakepay.models import FakeCharge, FakeDelivery
from payments.provider import HEADER_NAME, sign

MAX_ATTEMPTS = 6


def event_body(charge: FakeCharge, kind: str, event_id: str | None = None) -> bytes:
    # An expired page leaves the charge pending in our books (no migration
    # for a stand-in); the event says what the provider decided.
    status = "expired" if kind == "charge.expired" else charge.status
    return json.dumps(
        {
            "id": event_id or f"evt_{uuid.uuid4().hex}",
            "type": kind,
            "created": int(time.time()),
            "data": {
                "transaction_id": charge.transaction_id,
                "reference": charge.reference,
                "amount": f"{charge.amount:.2f}",
                "currency": charge.currency,
                "status": status,
            },
        }
    ).encode()


def post(
    body: bytes,
    *,
    secret: str | None = None,
    timestamp: int | None = None,
    url: str | None = None,
    header: str | None = None,
) -> int:
    """One signed POST to the merchant; returns the HTTP status (0 if none)."""
    secret = secret or settings.FAKEPAY_SECRET
    timestamp = int(time.time()) if timestamp is None else timestamp
    req = urllib.request.Request(
        url or settings.FAKEPAY_CALLBACK_URL,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            HEADER_NAME: header or sign(body, secret=secret, timestamp=timestamp),
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def deliver(charge: FakeCharge, kind: str, *, event_id: str, attempt: int = 1) -> int:
    body = event_body(charge, kind, event_id)
    code = post(body)
    FakeDelivery.objects.create(
        charge=charge, event_id=event_id, kind=kind, attempt=attempt, status_code=code
    )
    return code


def send(charge: FakeCharge, events: list[tuple[str, str]]) -> None:
    """Deliver the events now (FAKEPAY_SYNC: demo and browser tests without
    a worker) or by a retrying task after commit."""
    if settings.FAKEPAY_SYNC:
        for kind, event_id in events:
            deliver(charge, kind, event_id=event_id)
        return
    from fakepay.tasks import deliver_event

    for kind, event_id in events:
        transaction.on_commit(
            lambda k=kind, e=event_id: deliver_event.delay(str(charge.pk), k, e)
        )


def expire(charge: FakeCharge) -> bool:
    """Tell the merchant the charge's page expired, unless it was told. One
    event id per charge: told twice (the sweep and a late visit, before
    either delivery landed), the merchant drops the duplicate."""
    if charge.deliveries.filter(kind="charge.expired").exists():
        return False
    send(charge, [("charge.expired", f"evt_exp_{charge.id.hex}")])
    return True


def expire_due(*, now=None) -> int:
    """Tell the merchant of every page left unpaid past its time, once (a real
    provider's checkout expiry); the number of charges expired."""
    now = now or timezone.now()
    ttl = timedelta(seconds=settings.FAKEPAY_CHECKOUT_SECONDS)
    due = FakeCharge.objects.filter(
        status=FakeCharge.Status.PENDING, created_at__lte=now - ttl
    ).exclude(deliveries__kind="charge.expired")
    return sum(expire(charge) for charge in due)


def events_for(charge: FakeCharge) -> list[tuple[str, str]]:
    kind = "charge.succeeded" if charge.status == "succeeded" else "charge.failed"
    events = [
        ("charge.created", f"evt_{uuid.uuid4().hex}"),
        (kind, f"evt_{uuid.uuid4().hex}"),
    ]
    if getattr(settings, "FAKEPAY_REORDER", False):
        events.reverse()  # the result before the creation, as real networks do
    copies = max(1, int(getattr(settings, "FAKEPAY_DUPLICATES", 1)))
    return [e for e in events for _ in range(copies)]
