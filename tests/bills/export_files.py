"""Export files of the billing system as its layout says
(docs/billing-import.md): accounts and a year of bills per account, made up
but plausible (Thai names and addresses, valid national IDs, bills that add
up), deterministic, written line by line so a file of millions of lines costs
no memory. Used by the tests (with bad lines put in, and the list of what
must be rejected) and by bench/import_bench.py."""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from bills.importer import ACCOUNT_COLUMNS, BILL_COLUMNS

FIRST = ["สมชาย", "สมศรี", "วิชัย", "มาลี", "ประเสริฐ", "บุญมี", "สุดา", "อำนาจ",
         "กัลยา", "ธนพล", "จันทร์เพ็ญ", "ณัฐวุฒิ"]  # fmt: skip
LAST = ["ใจดี", "ศรีสุข", "วงศ์ไทย", "แก้วมณี", "บุญเรือง", "สายทอง", "พรหมมา",
        "ทองคำ", "รุ่งเรือง", "มั่นคง"]  # fmt: skip
TITLES = ["นาย", "นาง", "นางสาว"]
ROADS = ["ถ.มิตรภาพ", "ถ.พหลโยธิน", "ถ.สุขุมวิท", "ถ.เพชรเกษม", "ซ.ร่วมใจ"]
TAMBON = ["ต.ในเมือง", "ต.บ้านเป็ด", "ต.ศิลา", "ต.หนองบัว", "ต.โนนม่วง"]
TARIFFS = [("1.1.1", 120, Decimal("8.19")), ("1.1.2", 310, Decimal("24.62")),
           ("2.1.2", 650, Decimal("33.29"))]  # fmt: skip
RATE = {
    "1.1.1": Decimal("3.2484"),
    "1.1.2": Decimal("3.7834"),
    "2.1.2": Decimal("3.9086"),
}
FT = Decimal("0.3972")
SEASON = [Decimal(x) for x in
          "0.82 0.92 1.15 1.38 1.35 1.15 1.05 1.02 1.00 0.97 0.88 0.80".split()]  # fmt: skip
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def national_id(n: int) -> str:
    """A valid 13-digit national ID made from n (first digit 1-8)."""
    body = f"{1 + n % 8}{n % 10**11:011d}"
    total = sum(int(d) * (13 - i) for i, d in enumerate(body))
    return body + str((11 - total % 11) % 10)


def ca_number(i: int, prefix: str = "02") -> str:
    return f"{prefix}{i:010d}"


def account_fields(i: int, offices: list[str], prefix: str = "02") -> list[str]:
    tariff = TARIFFS[i % 10 // 8 + (1 if i % 10 == 9 else 0)][0]  # 80 / 10 / 10 %
    return [
        ca_number(i, prefix),
        f"{TITLES[i % 3]} {FIRST[i % 12]} {LAST[i // 12 % 10]}",
        national_id(i * 7919 + 13),
        f"{i % 400 + 1}/{i % 9 + 1} ม.{i % 12 + 1} {ROADS[i % 5]} {TAMBON[i // 5 % 5]}",
        offices[i % len(offices)],
        tariff,
        f"PEA-{i:08d}",
        "15(45)-1" if tariff == "2.1.2" else "5(15)-1",
        f"{(2000 if tariff == '2.1.2' else 300) + i % 3 * 100}.00",
        f"F{i % 40 + 1:02d}",
    ]


def _months(first: date, months: int) -> list[date]:
    out, y, m = [], first.year, first.month
    for _ in range(months):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def bill_fields(i: int, period: date, k: int, prefix: str = "02") -> list[str]:
    """The bill of account i for its k-th month `period`."""
    ca = ca_number(i, prefix)
    tariff = TARIFFS[i % 10 // 8 + (1 if i % 10 == 9 else 0)]
    base = tariff[1] + i % 97
    kwh = (Decimal(base) * SEASON[period.month - 1]).quantize(TENTH)
    previous = Decimal(10000 + i % 5000) + k * 400
    reading = previous + kwh
    energy = (kwh * RATE[tariff[0]]).quantize(CENT, ROUND_HALF_UP)
    ft = (kwh * FT).quantize(CENT, ROUND_HALF_UP)
    service = tariff[2]
    vat = ((energy + ft + service) * Decimal("0.07")).quantize(CENT, ROUND_HALF_UP)
    total = energy + ft + service + vat
    read_on = period + timedelta(days=24 + i % 4)
    read_from = read_on - timedelta(days=30)
    return [
        f"B{ca}{period:%y%m}",
        ca,
        f"{period:%Y-%m}",
        read_from.isoformat(),
        read_on.isoformat(),
        str(previous),
        str(reading),
        str(kwh),
        str(energy),
        str(ft),
        str(service),
        str(vat),
        str(total),
        (read_on + timedelta(days=10)).isoformat(),
        "paid" if (i + k) % 13 else "unpaid",
    ]


@dataclass
class Spoiled:
    """What a file was given that must be rejected: line number -> reason
    code (bills.importer.REASONS)."""

    lines: dict[int, str] = field(default_factory=dict)


def write(path, header: Iterable[str], rows: Iterator[list[str]], *,
          encoding: str = "utf-8", bom: bool = False) -> int:  # fmt: skip
    """Write the header and rows as CSV; returns the number of data lines."""
    n = 0
    with open(path, "w", encoding=encoding, newline="") as f:
        if bom:
            f.write("\ufeff")
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        for row in rows:
            w.writerow(row)
            n += 1
    return n


def accounts_rows(n: int, offices: list[str], *, start: int = 0, prefix: str = "02"):
    for i in range(start, start + n):
        yield account_fields(i, offices, prefix)


def bills_rows(n_accounts: int, months: int, *, first: date, start: int = 0,
               prefix: str = "02"):  # fmt: skip
    """Month by month (as the billing system exports a month's run), every
    account's bill."""
    for k, period in enumerate(_months(first, months)):
        for i in range(start, start + n_accounts):
            yield bill_fields(i, period, k, prefix)


# Bad lines, each with the reason code the importer must give.
ACCOUNT_SPOILERS = [
    ("ca", lambda f: [f[0][:-1] + "X", *f[1:]]),
    (
        "holder_id",
        lambda f: [*f[:2], f[2][:-1] + str((int(f[2][-1]) + 1) % 10), *f[3:]],
    ),
    ("empty", lambda f: [f[0], "", *f[2:]]),
    ("office", lambda f: [*f[:4], "ZZ999", *f[5:]]),
    ("amount", lambda f: [*f[:8], "-5.00", f[9]]),
    ("fields", lambda f: f[:-1]),
    ("too_long", lambda f: [*f[:5], "T" * 13, *f[6:]]),
]
BILL_SPOILERS = [
    ("total", lambda f: [*f[:12], str(Decimal(f[12]) + 1), *f[13:]]),
    ("date", lambda f: [*f[:4], "2025-02-30", *f[5:]]),
    ("month", lambda f: [f[0], f[1], "2025-13", *f[3:]]),
    ("units", lambda f: [*f[:7], "12.55", *f[8:]]),
    ("status", lambda f: [*f[:14], "overdue"]),
    ("account", lambda f: [f[0][:-1] + "9", "029999999999", *f[2:]]),
    ("read_order", lambda f: [*f[:3], f[4], f[3], *f[5:]]),
    ("fields", lambda f: [*f, "extra"]),
    ("amount", lambda f: [*f[:8], "abc", *f[9:]]),
]


def spoil(rows: Iterator[list[str]], every: int, spoilers, spoiled: Spoiled):
    """Every `every`-th row (from the first data line, line 2) is replaced by
    a spoilt copy, the spoilers taken in turn; the replaced good row is lost
    (so it is not in the database either)."""
    k = 0
    for n, row in enumerate(rows):
        if n % every == every - 1:
            code, spoiler = spoilers[k % len(spoilers)]
            k += 1
            spoiled.lines[n + 2] = code
            yield spoiler(row)
        else:
            yield row


ACCOUNT_HEADER = list(ACCOUNT_COLUMNS)
BILL_HEADER = list(BILL_COLUMNS)
