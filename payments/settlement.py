"""The bank's end-of-day settlement file for cross-bank bill payment (Bank of
Thailand standard: fixed-width 256-character records, TIS-620), read and
matched against our payments.

Columns (1-based, inclusive) as the standard places them:
  H  1 type | 2-7 seq | 8-10 bank | 11-20 account | 21-60 company name |
     61-68 effective date DDMMYYYY | 69-256 filler
  D  1 type | 2-7 seq | 8-10 bank | 11-20 account | 21-28 payment date
     DDMMYYYY | 29-34 time HHMMSS | 35-84 customer name | 85-104 ref 1 |
     105-124 ref 2 | 125-144 ref 3 | 145-148 branch | 149-152 teller |
     153 kind (C/D) | 154-156 channel | 157-163 cheque no |
     164-176 amount, 2 implied decimals | 177-179 cheque bank | 180-256 filler
  T  1 type | 2-7 seq | 8-10 bank | 11-20 account | 21-26 debit count |
     27-39 debit amount | 40-45 credit count | 46-58 credit amount |
     59-256 filler
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from core.calendar import BANGKOK

RECORD = 256
ENCODING = "tis-620"


class SettlementFormatError(ValueError):
    pass


def _cut(line: str, start: int, end: int) -> str:
    return line[start - 1 : end]


def _date(text: str) -> date:
    return datetime.strptime(text, "%d%m%Y").date()


def _amount(text: str) -> Decimal:
    return Decimal(int(text)) / 100


@dataclass
class Line:
    seq: int
    paid_at: datetime
    name: str
    ref1: str
    ref2: str
    amount: Decimal
    channel: str


@dataclass
class SettlementFile:
    bank: str
    account: str
    effective: date
    lines: list[Line] = field(default_factory=list)
    credit_count: int = 0
    credit_amount: Decimal = Decimal("0")


def parse(data: bytes) -> SettlementFile:
    text = data.decode(ENCODING)
    records = [r for r in text.replace("\r\n", "\n").split("\n") if r.strip()]
    if not records or records[0][:1] != "H" or records[-1][:1] != "T":
        raise SettlementFormatError("a file starts with H and ends with T")
    for n, record in enumerate(records, 1):
        if len(record) != RECORD:
            raise SettlementFormatError(
                f"record {n} is {len(record)} characters, not 256"
            )
    head, tail = records[0], records[-1]
    out = SettlementFile(
        bank=_cut(head, 8, 10),
        account=_cut(head, 11, 20).strip(),
        effective=_date(_cut(head, 61, 68)),
    )
    for n, record in enumerate(records[1:-1], 2):
        if record[0] != "D":
            raise SettlementFormatError(f"record {n} is not a detail record")
        day, clock = _cut(record, 21, 28), _cut(record, 29, 34)
        out.lines.append(
            Line(
                seq=int(_cut(record, 2, 7)),
                paid_at=datetime.strptime(day + clock, "%d%m%Y%H%M%S").replace(
                    tzinfo=BANGKOK
                ),
                name=_cut(record, 35, 84).strip(),
                ref1=_cut(record, 85, 104).strip(),
                ref2=_cut(record, 105, 124).strip(),
                amount=_amount(_cut(record, 164, 176)),
                channel=_cut(record, 154, 156).strip(),
            )
        )
    out.credit_count = int(_cut(tail, 40, 45))
    out.credit_amount = _amount(_cut(tail, 46, 58))
    if out.credit_count != len(out.lines) or out.credit_amount != sum(
        (line.amount for line in out.lines), Decimal("0")
    ):
        raise SettlementFormatError("the trailer's totals do not match the details")
    return out


def write(
    *, bank: str, account: str, effective: date, lines: list[Line], company: str = "PEA"
) -> bytes:
    """A settlement file in the standard layout (tests, demo, benchmarks)."""

    def pad(fields: list[tuple[str, int]]) -> str:
        rec = "".join(value[:width].ljust(width) for value, width in fields)
        return rec.ljust(RECORD)

    records = [
        pad(
            [
                ("H", 1),
                ("000001", 6),
                (bank, 3),
                (account, 10),
                (company, 40),
                (effective.strftime("%d%m%Y"), 8),
            ]
        )
    ]
    for i, line in enumerate(lines, 2):
        local = line.paid_at.astimezone(BANGKOK)
        records.append(
            pad(
                [
                    ("D", 1),
                    (f"{i:06d}", 6),
                    (bank, 3),
                    (account, 10),
                    (local.strftime("%d%m%Y"), 8),
                    (local.strftime("%H%M%S"), 6),
                    (line.name, 50),
                    (line.ref1, 20),
                    (line.ref2, 20),
                    ("", 20),
                    ("0001", 4),
                    ("0001", 4),
                    ("C", 1),
                    (line.channel or "CSH", 3),
                    ("", 7),
                    (f"{int(line.amount * 100):013d}", 13),
                    ("", 3),
                ]
            )
        )
    total = sum((line.amount for line in lines), Decimal("0"))
    records.append(
        pad(
            [
                ("T", 1),
                (f"{len(records) + 1:06d}", 6),
                (bank, 3),
                (account, 10),
                ("0" * 6, 6),
                ("0" * 13, 13),
                (f"{len(lines):06d}", 6),
                (f"{int(total * 100):013d}", 13),
            ]
        )
    )
    return "\r\n".join(records).encode(ENCODING) + b"\r\n"


# Matching ---------------------------------------------------------------------------

MATCHED = "matched"
MISSING_HERE = "missing_here"  # in the file, no payment of ours
MISSING_IN_FILE = "missing_in_file"  # our payment, not in the file
AMOUNT_MISMATCH = "amount_mismatch"
DUPLICATE = "duplicate"


def match(parsed: SettlementFile, payments) -> list[dict]:
    """One row per file line and per unmatched payment. `payments` are ours for
    the settlement day and channel, with their invoices."""
    by_ref = {p.invoice.payment_ref: p for p in payments}
    # A paper bill's Thai QR carries the bill's references (CA, bill number),
    # not the invoice's: such a payment is found by both.
    for p in payments:
        if p.invoice.bank_ref1:
            by_ref.setdefault(f"{p.invoice.bank_ref1}/{p.invoice.bank_ref2}", p)
            by_ref.pop(p.invoice.payment_ref, None)

    def key(line) -> str:
        if line.ref1 in by_ref or not line.ref2:
            return line.ref1
        return f"{line.ref1}/{line.ref2}"

    seen = Counter(key(line) for line in parsed.lines)
    used = set()
    rows = []
    for line in parsed.lines:
        ref = key(line)
        payment = by_ref.get(ref)
        if seen[ref] > 1 and ref in used:
            result = DUPLICATE
        elif payment is None:
            result = MISSING_HERE
        elif payment.amount != line.amount:
            result = AMOUNT_MISMATCH
        else:
            result = MATCHED
        used.add(ref)
        rows.append({"line": line, "payment": payment, "result": result})
    for ref, payment in by_ref.items():
        if ref not in seen:
            rows.append({"line": None, "payment": payment, "result": MISSING_IN_FILE})
    return rows
