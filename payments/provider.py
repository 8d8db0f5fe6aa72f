"""The hosted-payment provider, behind an adapter.

Outbound: `provider().checkout(invoice, return_url)` gives the URL of the
provider's payment page. Inbound: the provider calls `/payments/callback/`
server to server, signed with HMAC-SHA256 over "timestamp.body" in the header
`X-PEA-Pay-Signature: t=<unix seconds>,v1=<hex>`. Two secrets may be valid at
once while one is rotated out."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.module_loading import import_string

HEADER = "HTTP_X_PEA_PAY_SIGNATURE"
HEADER_NAME = "X-PEA-Pay-Signature"
TOLERANCE = 300  # seconds, both ways


class BadCallback(Exception):
    """Refused before anything is stored; the message says why (for the log)."""


def sign(body: bytes, *, secret: str, timestamp: int) -> str:
    digest = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(body: bytes, header: str | None, *, now: float | None = None) -> None:
    if not header:
        raise BadCallback("missing signature header")
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError) as exc:
        raise BadCallback("malformed signature header") from exc
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE:
        raise BadCallback("timestamp outside the tolerance")
    for secret in settings.PAYMENT_PROVIDER_SECRETS:
        expected = sign(body, secret=secret, timestamp=timestamp).split("v1=")[1]
        if hmac.compare_digest(expected, given):
            return
    raise BadCallback("signature does not match")


@dataclass
class CallbackEvent:
    event_id: str
    kind: str
    transaction_id: str
    invoice_number: str
    amount: Decimal
    currency: str
    payload: dict


def parse(body: bytes) -> CallbackEvent:
    try:
        payload = json.loads(body)
        data = payload["data"]
        return CallbackEvent(
            event_id=str(payload["id"])[:64],
            kind=str(payload["type"])[:40],
            transaction_id=str(data["transaction_id"])[:64],
            invoice_number=str(data["reference"])[:32],
            amount=Decimal(str(data["amount"])),
            currency=str(data["currency"])[:3],
            payload=payload,
        )
    except (ValueError, KeyError, TypeError, InvalidOperation) as exc:
        raise BadCallback("malformed body") from exc


def provider():
    return import_string(settings.PAYMENT_PROVIDER)()
