"""The hosted-payment provider, behind an adapter.

Outbound: `provider().checkout(invoice, return_url)` gives a `Checkout`: the
URL of the provider's payment page and the provider's transaction id of that
attempt (its callbacks name it). Inbound: the provider calls `/payments/callback/`
server to server, signed with HMAC-SHA256 over "timestamp.body" in the header
`X-PEA-Pay-Signature: t=<unix seconds>,v1=<hex>`. Two secrets may be valid at
once while one is rotated out.

What the callback answers: 400 when nothing is stored (no valid signature, or
a body without the fields an event needs): the provider may send it again,
fixed. A signed event whose amount is not a finite, positive amount in baht
with at most two decimals (NaN, Infinity, 1e400, -5, 0, 1.234, "abc", more
than an invoice can hold) is stored as rejected with the reason and answered
200 with `"status": "rejected"`: it was received and decided, and sending it
again can only give the same answer (the event id makes a resend a duplicate),
so the provider must not retry it."""

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


@dataclass(frozen=True)
class Checkout:
    """One payment attempt begun at the provider: where the customer goes,
    and the transaction id the provider's events of this attempt carry."""

    url: str
    transaction_id: str


class BadCallback(Exception):
    """Refused before anything is stored; the message says why (for the log)."""


# ProviderEvent.amount and Invoice.total: 12 digits, 2 of them decimals.
MAX_AMOUNT = Decimal("9999999999.99")
CENT = Decimal("0.01")


class BadAmount(ValueError):
    """Not an amount a payment can be; the message says why."""


def parse_amount(value) -> Decimal:
    """A finite, positive number of baht with at most two decimals that the
    amount column holds, from a callback's text or JSON number (numbers arrive
    as Decimal, see `parse`); BadAmount says why not."""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise BadAmount("amount is not a number")
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, ValueError):
        raise BadAmount("amount is not a number") from None
    if not amount.is_finite():
        raise BadAmount("amount is not a finite number")
    if amount <= 0:
        raise BadAmount("amount is not positive")
    if amount > MAX_AMOUNT:
        raise BadAmount("amount is larger than an invoice can be")
    if amount != amount.quantize(CENT):
        raise BadAmount("amount has more than two decimals")
    return amount.quantize(CENT)


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
    amount: Decimal | None  # None when `problem` says why it is no amount
    currency: str
    payload: dict
    problem: str = ""


def parse(body: bytes) -> CallbackEvent:
    """The event of a verified body. Numbers are read as Decimal, never float
    (1.005 stays 1.005; 1e400 is not infinity), NaN and Infinity as text; a
    bad amount makes an event with `problem` set, to be stored as rejected."""
    try:
        payload = json.loads(body, parse_float=Decimal, parse_constant=str)
        data = payload["data"]
        try:
            amount, problem = parse_amount(data["amount"]), ""
        except BadAmount as exc:
            amount, problem = None, str(exc)
        event = CallbackEvent(
            event_id=str(payload["id"])[:64],
            kind=str(payload["type"])[:40],
            transaction_id=str(data["transaction_id"])[:64],
            invoice_number=str(data["reference"])[:32],
            amount=amount,
            currency=str(data["currency"])[:3],
            payload=_plain(payload),
            problem=problem,
        )
    except (ValueError, KeyError, TypeError, InvalidOperation) as exc:
        raise BadCallback("malformed body") from exc
    if not event.event_id:
        raise BadCallback("malformed body")
    return event


def _plain(value):
    """The payload as JSON can store it: Decimal numbers back as text."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def provider_class() -> type:
    """The configured adapter class (ImportError when PAYMENT_PROVIDER names
    none)."""
    return import_string(settings.PAYMENT_PROVIDER)


def provider():
    return provider_class()()


def takes_test_payments() -> bool:
    """Whether the configured provider is a stand-in that moves no money (its
    class says `test_payments = True`, as fakepay's does)."""
    try:
        return bool(getattr(provider_class(), "test_payments", False))
    except ImportError:
        return False
