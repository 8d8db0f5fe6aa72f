"""How the fake provider calls back: signed like the real one, retried on
failure with backoff, and, when asked, duplicated, reordered or delayed."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid

from django.conf import settings

from fakepay.models import FakeCharge, FakeDelivery
from payments.provider import HEADER_NAME, sign

MAX_ATTEMPTS = 6


def event_body(charge: FakeCharge, kind: str, event_id: str | None = None) -> bytes:
    return json.dumps(
        {
            "id": event_id or f"evt_{uuid.uuid4().hex}",
            "type": kind,
            "created": int(time.time()),
            "data": {
                "transaction_id": f"txn_{charge.id.hex}",
                "reference": charge.reference,
                "amount": f"{charge.amount:.2f}",
                "currency": charge.currency,
                "status": charge.status,
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
