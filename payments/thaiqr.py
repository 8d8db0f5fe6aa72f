"""Thai QR bill payment (EMVCo merchant-presented QR, tag 30) and the printed
cross-bank bill-payment barcode line, for an invoice.

Tag 30 carries the biller ID (tax ID + 2-digit suffix), reference 1 (the
invoice) and reference 2 (the request). The payload ends with tag 63, a
CRC-16/CCITT-FALSE over everything before it, "6304" included."""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings

AID_BILL_PAYMENT = "A000000677010112"
CURRENCY_THB = "764"
REF = re.compile(r"^[A-Z0-9]{1,20}$")


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"tag {tag} too long")
    return f"{tag}{len(value):02d}{value}"


def crc16_ccitt(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def reference(text: str) -> str:
    """A bill-payment reference: upper-case letters and digits, at most 20."""
    ref = re.sub(r"[^A-Z0-9]", "", text.upper())
    if not REF.match(ref):
        raise ValueError(f"cannot make a reference of {text!r}")
    return ref


def payload(*, biller_id: str, ref1: str, ref2: str, amount: Decimal) -> str:
    merchant = (
        _tlv("00", AID_BILL_PAYMENT)
        + _tlv("01", biller_id)
        + _tlv("02", reference(ref1))
        + _tlv("03", reference(ref2))
    )
    body = (
        _tlv("00", "01")
        + _tlv("01", "12")  # dynamic: one invoice, one amount
        + _tlv("30", merchant)
        + _tlv("53", CURRENCY_THB)
        + _tlv("54", f"{Decimal(amount):.2f}")
        + _tlv("58", "TH")
        + "6304"
    )
    return body + f"{crc16_ccitt(body.encode('ascii')):04X}"


def barcode_line(*, biller_id: str, ref1: str, ref2: str, amount: Decimal) -> str:
    """The line the counter's 1-D barcode encodes (cross-bank bill payment):
    |biller CR ref1 CR ref2 CR amount in satang."""
    satang = int((Decimal(amount) * 100).to_integral_value())
    return f"|{biller_id}\r{reference(ref1)}\r{reference(ref2)}\r{satang}"


def for_invoice(invoice) -> dict:
    biller = settings.PEA_BILLER_ID
    if invoice.bank_ref1:  # a paper bill's: the CA and bill numbers
        ref1, ref2 = invoice.bank_ref1, invoice.bank_ref2
    elif invoice.request_id is not None:
        ref1, ref2 = invoice.payment_ref, invoice.request.reference
    else:  # several bills in one invoice: its number names it
        ref1, ref2 = invoice.payment_ref, invoice.number[-6:]
    args = {
        "biller_id": biller,
        "ref1": ref1,
        "ref2": ref2,
        "amount": invoice.total,
    }
    return {
        "payload": payload(**args),
        "barcode": barcode_line(**args),
        "ref1": reference(args["ref1"]),
        "ref2": reference(args["ref2"]),
        "biller_id": biller,
    }
