"""Accounts and bills for the bill-payment tests (set up directly, as the
billing system's import leaves them)."""

import json
import time
from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from bills.models import Bill
from meters.models import ElectricityAccount
from payments.provider import sign

SECRET = "dev-fakepay-secret"
_seq = {"n": 0}


def account(*, office, customer=None, ca=None, holder="นายสมชาย ใจดี"):
    _seq["n"] += 1
    return ElectricityAccount.objects.create(
        ca_number=ca or f"0200{_seq['n']:08d}",
        customer=customer,
        source="billing",
        holder_name=holder,
        office=office,
        premises_address="9 ถ.มิตรภาพ อ.เมือง",
        linked_at=timezone.now() if customer else None,
    )


def bill(acct, *, months_ago=0, total="856.44", status="unpaid") -> Bill:
    _seq["n"] += 1
    today = timezone.localdate()
    first = date(today.year, today.month, 1)
    for _ in range(months_ago):
        first = (first - timedelta(days=1)).replace(day=1)
    total = Decimal(total)
    return Bill.objects.create(
        number=f"B{_seq['n']:011d}",
        account=acct,
        period=first,
        read_from=first - timedelta(days=30),
        read_on=first,
        previous_reading=Decimal("1000.0"),
        reading=Decimal("1200.0"),
        kwh=Decimal("200.0"),
        energy_charge=total - Decimal("60.00"),
        ft=Decimal("10.00"),
        service_charge=Decimal("24.62"),
        vat=Decimal("25.38"),
        total=total,
        due_date=today + timedelta(days=10),
        status=status,
    )


def event(*, ref1, amount, ref2="", event_id="evt_qr_1", txn="txn_qr_1") -> bytes:
    """A bank's notification of a Thai QR bill payment, as the provider
    relays it (data.reference = reference 1, data.reference2 = reference 2)."""
    data = {"transaction_id": txn, "reference": ref1, "amount": str(amount),
            "currency": "THB"}  # fmt: skip
    if ref2:
        data["reference2"] = ref2
    return json.dumps(
        {"id": event_id, "type": "charge.succeeded", "data": data}
    ).encode()


def callback(client, body: bytes):
    header = sign(body, secret=SECRET, timestamp=int(time.time()))
    return client.post(
        reverse("payments:callback"),
        body,
        content_type="application/json",
        HTTP_X_PEA_PAY_SIGNATURE=header,
    )
