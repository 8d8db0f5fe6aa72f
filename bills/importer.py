"""The billing system's export files (ECS / c-Service): accounts and bills,
imported in a stream (docs/billing-import.md has the layouts).

A file is CSV; its header row names the columns and so says which record
type it holds. UTF-8 (with or without a BOM) or TIS-620 (cp874), sniffed
from the first bytes and confirmed line by line. The file is read in chunks
of lines: each line is checked in Python, the good ones of a chunk go into a
staging table (COPY on PostgreSQL, executemany on SQLite) and from there into
the real table with one `INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE
(row) IS DISTINCT FROM (new row)`, so a row the file does not change is not
written at all (importing a file twice changes nothing). Offices and
accounts are joined by their codes in SQL; a line whose code joins nothing is
rejected. Memory stays that of one chunk whatever the file's size.

What the import never changes: an account the portal opened itself
(source "portal": the portal's record is the truth, the line counts as
unchanged), and the portal's own fields of any account (the customer it is
linked to, the nickname, bill notices, linked_at) or bill (the portal
payment that settled it, its notices; a bill paid through the portal stays
paid whatever the file says).

Each rejected line is an ImportRejection: its line number, the reason (a code
and its values, shown in the reader's language by `reason_text`) and the
line's text. The BillingImport's counts are saved with every chunk, for the
progress bar.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from queue import Full, Queue
from typing import IO

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bills.models import BillingImport, ImportRejection

logger = logging.getLogger(__name__)

CHUNK = 50_000  # lines per chunk: one transaction, one progress update
# A file that is wrong throughout stops filling the table of rejections here
# (each is still counted).
MAX_REJECTIONS = 100_000
SNIFF = 64 * 1024

ACCOUNT_COLUMNS = (
    "ca_number",
    "holder_name",
    "holder_id",
    "premises_address",
    "office_code",
    "tariff",
    "meter_serial",
    "meter_size_code",
    "deposit_held",
    "feeder",
)
BILL_COLUMNS = (
    "bill_number",
    "ca_number",
    "period",
    "read_from",
    "read_on",
    "previous_reading",
    "reading",
    "kwh",
    "energy_charge",
    "ft",
    "service_charge",
    "vat",
    "total",
    "due_date",
    "status",
)
COLUMNS = {
    BillingImport.Kind.ACCOUNTS: ACCOUNT_COLUMNS,
    BillingImport.Kind.BILLS: BILL_COLUMNS,
}

# The reasons, in English; stored as a code and its values (REASONS[code] %
# values) so each reader sees them in their language.
REASONS = {
    "fields": gettext_noop("The line has %(n)s fields; a line of this file has %(m)s."),
    "empty": gettext_noop("%(field)s is empty."),
    "too_long": gettext_noop("%(field)s is longer than %(max)s characters."),
    "ca": gettext_noop(
        "%(field)s must be the 12 digits of a CA number, not “%(value)s”."
    ),
    "holder_id": gettext_noop(
        "holder_id must be a 13-digit national ID or juristic registration "
        "number with a valid check digit, not “%(value)s”."
    ),
    "bill_number": gettext_noop(
        "bill_number must be letters and digits (at most 20), not “%(value)s”."
    ),
    "amount": gettext_noop(
        "%(field)s must be an amount of baht of at least 0 with at most two "
        "decimals, not “%(value)s”."
    ),
    "signed_amount": gettext_noop(
        "%(field)s must be an amount of baht with at most two decimals, not "
        "“%(value)s”."
    ),
    "units": gettext_noop(
        "%(field)s must be a number of at least 0 with at most one decimal, "
        "not “%(value)s”."
    ),
    "date": gettext_noop("%(field)s must be a date (YYYY-MM-DD), not “%(value)s”."),
    "month": gettext_noop("%(field)s must be a month (YYYY-MM), not “%(value)s”."),
    "read_order": gettext_noop("read_on is before read_from."),
    "status": gettext_noop(
        "status must be unpaid, paid or cancelled, not “%(value)s”."
    ),
    "total": gettext_noop(
        "total %(value)s is not energy_charge + ft + service_charge + vat (%(sum)s)."
    ),
    "duplicate": gettext_noop(
        "%(field)s “%(value)s” is on line %(line)s of this file too."
    ),
    "office": gettext_noop("office_code “%(value)s” is not an office of PEA."),
    "account": gettext_noop(
        "ca_number “%(value)s” is not an account of the portal: import the "
        "accounts file first."
    ),
    "period_taken": gettext_noop(
        "The account already has bill “%(value)s” for this period."
    ),
    "encoding": gettext_noop("The line is not %(value)s text."),
    "csv": gettext_noop("The line is not valid CSV: %(value)s."),
    # Of the whole file (BillingImport.error):
    "header": gettext_noop(
        "The first line is not the header of an accounts or a bills file "
        "(docs/billing-import.md)."
    ),
    "empty_file": gettext_noop("The file is empty."),
    "unreadable": gettext_noop("The file could not be read: %(value)s."),
}


def encode_reason(code: str, **values) -> str:
    """The stored form of a reason: its code and values (short enough for the
    300 characters of ImportRejection.reason)."""
    values = {k: (v[:60] if isinstance(v, str) else v) for k, v in values.items()}
    return json.dumps([code, values], ensure_ascii=False)[:300]


def reason_text(stored: str) -> str:
    """A stored reason in the active language (older plain text as it is)."""
    try:
        code, values = json.loads(stored)
        return _(REASONS[code]) % values
    except (ValueError, KeyError, TypeError):
        return stored


class Bad(Exception):
    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code, self.values = code, values


# Checking one field ------------------------------------------------------------

_CA = re.compile(r"\d{12}")
_BILL_NO = re.compile(r"[A-Za-z0-9-]{1,20}")
_AMOUNT = re.compile(r"\d{1,10}(?:\.\d{1,2})?")
_SIGNED = re.compile(r"-?\d{1,10}(?:\.\d{1,2})?")
_UNITS = re.compile(r"\d{1,11}(?:\.\d)?")
_STATUSES = frozenset(("unpaid", "paid", "cancelled"))


def _text(value: str, name: str, max_length: int, *, required: bool = True) -> str:
    if required and not value:
        raise Bad("empty", field=name)
    if len(value) > max_length:
        raise Bad("too_long", field=name, max=max_length)
    return value


def _matches(pattern, value: str, name: str, code: str) -> str:
    if not value:
        raise Bad("empty", field=name)
    if pattern.fullmatch(value) is None:
        raise Bad(code, field=name, value=value)
    return value


def _year(y: int) -> int:
    # A Buddhist-era year (2568) as the Common Era's (2025).
    return y - 543 if y > 2400 else y


def _date(value: str, name: str) -> date:
    if not value:
        raise Bad("empty", field=name)
    try:
        if len(value) != 10 or value[4] != "-" or value[7] != "-":
            raise ValueError
        d = date(_year(int(value[:4])), int(value[5:7]), int(value[8:]))
        if not 1950 <= d.year <= 2200:
            raise ValueError
    except ValueError:
        raise Bad("date", field=name, value=value) from None
    return d


def _month(value: str, name: str) -> date:
    if not value:
        raise Bad("empty", field=name)
    try:
        if len(value) == 10 and value.endswith("-01"):
            value = value[:7]
        if len(value) != 7 or value[4] != "-":
            raise ValueError
        d = date(_year(int(value[:4])), int(value[5:]), 1)
        if not 1950 <= d.year <= 2200:
            raise ValueError
    except ValueError:
        raise Bad("month", field=name, value=value) from None
    return d


def _holder_id(value: str) -> str:
    if not value:
        raise Bad("empty", field="holder_id")
    if len(value) != 13 or not value.isdigit():
        raise Bad("holder_id", value=value)
    total = sum(int(d) * (13 - i) for i, d in enumerate(value[:12]))
    if (11 - total % 11) % 10 != int(value[12]):
        raise Bad("holder_id", value=value)
    return value


def check_account(f: list[str]) -> tuple:
    """One accounts line (fields in ACCOUNT_COLUMNS order) as the staging
    row, or Bad."""
    ca, name, holder, address, office, tariff, serial, size, deposit, feeder = f
    deposit = _matches(_AMOUNT, deposit, "deposit_held", "amount") if deposit else None
    return (
        _matches(_CA, ca, "ca_number", "ca"),
        _text(name, "holder_name", 200),
        _holder_id(holder),
        _text(address, "premises_address", 500),
        _text(office, "office_code", 16),
        _text(tariff, "tariff", 12),
        _text(serial, "meter_serial", 32, required=False),
        _text(size, "meter_size_code", 16, required=False),
        deposit,
        _text(feeder, "feeder", 40, required=False),
    )


def check_bill(f: list[str]) -> tuple:
    """One bills line (fields in BILL_COLUMNS order) as the staging row, or
    Bad. The money must add up: total = energy + Ft + service + VAT."""
    (number, ca, period, read_from, read_on, prev, reading, kwh,
     energy, ft, service, vat, total, due, status) = f  # fmt: skip
    _matches(_BILL_NO, number, "bill_number", "bill_number")
    _matches(_CA, ca, "ca_number", "ca")
    month = _month(period, "period")
    start, end = _date(read_from, "read_from"), _date(read_on, "read_on")
    if end < start:
        raise Bad("read_order")
    for value, name in ((prev, "previous_reading"), (reading, "reading"), (kwh, "kwh")):
        _matches(_UNITS, value, name, "units")
    for value, name in ((energy, "energy_charge"), (service, "service_charge"),
                        (vat, "vat"), (total, "total")):  # fmt: skip
        _matches(_AMOUNT, value, name, "amount")
    _matches(_SIGNED, ft, "ft", "signed_amount")  # Ft may be a rebate
    due_on = _date(due, "due_date")
    if status not in _STATUSES:
        raise Bad("status", value=status)
    added = Decimal(energy) + Decimal(ft) + Decimal(service) + Decimal(vat)
    if added != Decimal(total):
        raise Bad("total", value=total, sum=f"{added:.2f}")
    return (number, ca, month, start, end, prev, reading, kwh,
            energy, ft, service, vat, total, due_on, status)  # fmt: skip


CHECKS = {
    BillingImport.Kind.ACCOUNTS: check_account,
    BillingImport.Kind.BILLS: check_bill,
}
# The field each record type is keyed by (its index in the checked row), and
# a second key that must be unique too (a bill per account and period).
KEYS = {
    BillingImport.Kind.ACCOUNTS: ((0, "ca_number"),),
    BillingImport.Kind.BILLS: ((0, "bill_number"), ((1, 2), "period")),
}


# Reading the file --------------------------------------------------------------


def sniff_encoding(head: bytes) -> str:
    """ "utf-8" when the first bytes read as UTF-8 (a character cut at the end
    of the sample aside), else "tis-620" (or "cp874", Windows' superset)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("tis-620")
        return "tis-620"
    except UnicodeDecodeError:
        return "cp874"


@dataclass
class _Reader:
    """The file's lines as text, with the bytes read, its digest and the
    encoding (a file that looked ASCII at first and then is not UTF-8 is
    TIS-620 from there on)."""

    raw: IO[bytes]
    encoding: str = "utf-8"
    bytes_read: int = 0
    ascii_so_far: bool = True
    digest: object = field(default_factory=hashlib.sha256)
    line_no: int = 0
    # The physical lines of the record being read, and whether one of them
    # was not text in the encoding.
    current: list = field(default_factory=list)
    current_bad: bool = False

    def lines(self) -> Iterator[str]:
        first = True
        for b in self.raw:
            self.line_no += 1
            self.bytes_read += len(b)
            self.digest.update(b)
            if first:
                first = False
                if b.startswith(codecs.BOM_UTF8):
                    b = b[3:]
            if self.ascii_so_far and not b.isascii():
                self.ascii_so_far = False
                if self.encoding == "utf-8" and not _is_utf8(b):
                    self.encoding = sniff_encoding(b)
            try:
                text = b.decode(self.encoding)
            except UnicodeDecodeError:
                self.current_bad = True
                text = b.decode(self.encoding, errors="replace")
            self.current.append(text)
            yield text

    def take(self) -> tuple[str, bool]:
        """The text of the record just read (its line ends cut), and whether
        it was badly encoded; the next record starts afresh."""
        text, bad = "".join(self.current).rstrip("\r\n"), self.current_bad
        self.current.clear()
        self.current_bad = False
        return text, bad


def _is_utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _kind_of(header: list[str]):
    names = [h.strip().lower() for h in header]
    for kind, columns in COLUMNS.items():
        if sorted(names) == sorted(columns):
            order = [names.index(c) for c in columns]
            return kind, (None if order == list(range(len(columns))) else order)
    raise Bad("header")


# Writing a chunk ---------------------------------------------------------------

_STAGE_COLUMNS = {
    BillingImport.Kind.ACCOUNTS: (
        ("ca", "varchar(12)"), ("holder_name", "varchar(200)"),
        ("holder_id", "varchar(13)"), ("premises_address", "text"),
        ("office_code", "varchar(16)"), ("tariff", "varchar(12)"),
        ("meter_serial", "varchar(32)"), ("meter_size_code", "varchar(16)"),
        ("deposit_held", "numeric(12,2)"), ("feeder", "varchar(40)"),
    ),
    BillingImport.Kind.BILLS: (
        ("number", "varchar(20)"), ("ca", "varchar(12)"), ("period", "date"),
        ("read_from", "date"), ("read_on", "date"),
        ("previous_reading", "numeric(12,1)"), ("reading", "numeric(12,1)"),
        ("kwh", "numeric(12,1)"), ("energy_charge", "numeric(12,2)"),
        ("ft", "numeric(12,2)"), ("service_charge", "numeric(12,2)"),
        ("vat", "numeric(12,2)"), ("total", "numeric(12,2)"), ("due_date", "date"),
        ("status", "varchar(10)"),
    ),
}  # fmt: skip
_TEXT_COLUMNS = {
    BillingImport.Kind.ACCOUNTS: "ca, holder_name, holder_id, premises_address, "
    "office_code, tariff, meter_serial, meter_size_code, feeder",
    BillingImport.Kind.BILLS: "number, ca, status",
}
_ACCOUNT_FIELDS = ("holder_name", "holder_id", "premises_address", "office_id",
                   "tariff", "meter_serial", "meter_size_code", "deposit_held",
                   "feeder")  # fmt: skip
_BILL_FIELDS = ("account_id", "period", "read_from", "read_on", "previous_reading",
                "reading", "kwh", "energy_charge", "ft", "service_charge", "vat",
                "total", "due_date")  # fmt: skip
# A bill the portal's payment settled stays paid.
_BILL_STATUS = (
    "CASE WHEN t.paid_invoice_id IS NULL THEN EXCLUDED.status ELSE t.status END"
)


def _stage_name(kind) -> str:
    return f"billing_stage_{kind}"


def _distinct(pg: bool) -> str:
    return "IS DISTINCT FROM" if pg else "IS NOT"


def _upsert_sql(kind, pg: bool) -> str:
    """INSERT … SELECT from the staging table joined to its office or
    account; a row is rewritten only when a value differs. The rows that
    would not change are left out of the SELECT already (ON CONFLICT would
    lock each of them, which writes its page); the conflict clause stays for
    a row another import inserts meanwhile."""
    stage = _stage_name(kind)
    dist = _distinct(pg)
    if kind == BillingImport.Kind.ACCOUNTS:
        sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in _ACCOUNT_FIELDS)
        old = ", ".join(f"t.{c}" for c in _ACCOUNT_FIELDS)
        new = ", ".join(f"EXCLUDED.{c}" for c in _ACCOUNT_FIELDS)
        old0 = ", ".join(f"t0.{c}" for c in _ACCOUNT_FIELDS)
        new0 = ", ".join(
            "o.id" if c == "office_id" else f"s.{c}" for c in _ACCOUNT_FIELDS
        )
        return f"""
            INSERT INTO meters_electricityaccount AS t (
                ca_number, holder_name, holder_id, premises_address, office_id,
                tariff, meter_serial, meter_size_code, deposit_held, feeder,
                source, nickname, bill_notices, created_at)
            SELECT s.ca, s.holder_name, s.holder_id, s.premises_address, o.id,
                s.tariff, s.meter_serial, s.meter_size_code, s.deposit_held,
                s.feeder, 'billing', '', %s, %s
            FROM {stage} s JOIN accounts_office o ON o.code = s.office_code
            LEFT JOIN meters_electricityaccount t0 ON t0.ca_number = s.ca
            WHERE t0.id IS NULL OR (t0.source = 'billing' AND ({old0}) {dist} ({new0}))
            ON CONFLICT (ca_number) DO UPDATE SET {sets}
            WHERE t.source = 'billing' AND ({old}) {_distinct(pg)} ({new})"""
    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in _BILL_FIELDS)
    old = ", ".join(f"t.{c}" for c in _BILL_FIELDS)
    new = ", ".join(f"EXCLUDED.{c}" for c in _BILL_FIELDS)
    old0 = ", ".join(f"t0.{c}" for c in _BILL_FIELDS)
    new0 = ", ".join("a.id" if c == "account_id" else f"s.{c}" for c in _BILL_FIELDS)
    return f"""
        INSERT INTO bills_bill AS t (
            number, account_id, period, read_from, read_on, previous_reading,
            reading, kwh, energy_charge, ft, service_charge, vat, total,
            due_date, status, created_at, updated_at)
        SELECT s.number, a.id, s.period, s.read_from, s.read_on,
            s.previous_reading, s.reading, s.kwh, s.energy_charge, s.ft,
            s.service_charge, s.vat, s.total, s.due_date, s.status, %s, %s
        FROM {stage} s JOIN meters_electricityaccount a ON a.ca_number = s.ca
        LEFT JOIN bills_bill t0 ON t0.number = s.number
        WHERE (t0.id IS NULL OR ({old0}, t0.status) {dist} ({new0},
            CASE WHEN t0.paid_invoice_id IS NULL THEN s.status ELSE t0.status END))
        AND NOT EXISTS (
            SELECT 1 FROM bills_bill o WHERE o.account_id = a.id
            AND o.period = s.period AND o.number <> s.number)
        ON CONFLICT (number) DO UPDATE SET {sets}, status = {_BILL_STATUS},
            updated_at = EXCLUDED.updated_at
        WHERE ({old}, t.status) {_distinct(pg)} ({new}, {_BILL_STATUS})"""


def _misfits_sql(kind) -> str:
    """(line_no, code, value) of the staged lines whose office or account
    joins nothing, or whose account has another bill for the period."""
    stage = _stage_name(kind)
    if kind == BillingImport.Kind.ACCOUNTS:
        return f"""SELECT s.line_no, 'office', s.office_code FROM {stage} s
            LEFT JOIN accounts_office o ON o.code = s.office_code
            WHERE o.id IS NULL"""
    return f"""SELECT s.line_no, CASE WHEN a.id IS NULL THEN 'account'
            ELSE 'period_taken' END, CASE WHEN a.id IS NULL THEN s.ca
            ELSE o.number END
        FROM {stage} s LEFT JOIN meters_electricityaccount a ON a.ca_number = s.ca
        LEFT JOIN bills_bill o ON o.account_id = a.id AND o.period = s.period
            AND o.number <> s.number
        WHERE a.id IS NULL OR o.id IS NOT NULL"""


def _copy_text(rows: list[tuple]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _stage(cursor, kind, rows: list[tuple], pg: bool, copy: str | None) -> None:
    stage = _stage_name(kind)
    columns = _STAGE_COLUMNS[kind]
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {stage} (line_no integer, "
        + ", ".join(f"{n} {t}" for n, t in columns)
        + ")"
    )
    # TRUNCATE on PostgreSQL: a temporary table is never vacuumed, and the
    # dead rows of every chunk's DELETE would be scanned by the next ones.
    cursor.execute(f"{'TRUNCATE' if pg else 'DELETE FROM'} {stage}")
    if pg:
        buffer = io.StringIO(_copy_text(rows) if copy is None else copy)
        cursor.cursor.copy_expert(
            f"COPY {stage} FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL "
            f"({_TEXT_COLUMNS[kind]}))",
            buffer,
        )
    else:
        marks = ", ".join(["%s"] * (len(columns) + 1))
        cursor.executemany(f"INSERT INTO {stage} VALUES ({marks})", rows)


def _write_chunk(
    kind, rows: list[tuple], copy: str | None = None
) -> tuple[list[tuple], int, int, int]:
    """Stage and upsert one chunk's good rows (line_no first). Returns the
    lines the database refused (line_no, code, value) and the counts
    created, updated, unchanged."""
    pg = connection.vendor == "postgresql"
    now = timezone.now()
    with connection.cursor() as cursor:
        if pg:
            # A chunk is small beside the tables it is joined to: index
            # lookups, always. (The planner, with stale statistics on a table
            # that grows by millions, would hash-join whole tables per chunk.)
            cursor.execute(
                "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off;"
                " SET LOCAL jit = off"
            )
        _stage(cursor, kind, rows, pg, copy)
        cursor.execute(_misfits_sql(kind))
        misfits = cursor.fetchall()
        gone = [m[0] for m in misfits]
        for i in range(0, len(gone), 500):
            part = gone[i : i + 500]
            cursor.execute(
                f"DELETE FROM {_stage_name(kind)} WHERE line_no IN "
                f"({', '.join(['%s'] * len(part))})",
                part,
            )
        params = [True, now] if kind == BillingImport.Kind.ACCOUNTS else [now, now]
        upsert = _upsert_sql(kind, pg)
        if pg:
            cursor.execute(
                f"WITH up AS ({upsert} RETURNING (xmax = 0) AS created) "
                "SELECT count(*) FILTER (WHERE created), "
                "count(*) FILTER (WHERE NOT created) FROM up",
                params,
            )
            created, updated = cursor.fetchone()
        else:
            table, key, skey = (
                ("meters_electricityaccount", "ca_number", "ca")
                if kind == BillingImport.Kind.ACCOUNTS
                else ("bills_bill", "number", "number")
            )
            cursor.execute(
                f"SELECT count(*) FROM {_stage_name(kind)} s "
                f"JOIN {table} t ON t.{key} = s.{skey}"
            )
            existing = cursor.fetchone()[0]
            cursor.execute(upsert + " RETURNING 1", params)
            written = len(cursor.fetchall())
            created = len(rows) - len(misfits) - existing
            updated = written - created
        unchanged = len(rows) - len(misfits) - created - updated
        if not pg:
            cursor.execute(f"DELETE FROM {_stage_name(kind)}")
    return misfits, created, updated, unchanged


# The import --------------------------------------------------------------------


@dataclass
class _Chunk:
    rows: list = field(default_factory=list)
    texts: dict = field(default_factory=dict)  # line_no -> the line's text
    rejections: list = field(default_factory=list)  # (line_no, reason, text)
    lines: int = 0
    bytes_read: int = 0
    encoding: str = ""
    copy: str | None = None  # the rows as CSV for COPY (PostgreSQL)


def billing_import_run(
    *, billing_import: BillingImport, path: str | Path | None = None, chunk: int = CHUNK
) -> BillingImport:
    """Import the file (`path`, else the import's stored file), chunk by
    chunk; the import's counts and status are saved after every chunk. Run
    again on the same import, it starts over (and changes only what the
    first run did not get to)."""
    bi = billing_import
    ImportRejection.objects.filter(billing_import=bi).delete()
    bi.status, bi.started_at, bi.finished_at, bi.error = (
        BillingImport.Status.RUNNING, timezone.now(), None, "",
    )  # fmt: skip
    bi.bytes_read = bi.lines = bi.created = bi.updated = bi.unchanged = 0
    bi.rejected = 0
    bi.save()
    try:
        if path is not None:
            with open(path, "rb") as raw:
                _run(bi, raw, chunk)
        else:
            with bi.file.open("rb") as raw:
                _run(bi, raw, chunk)
    except Bad as exc:
        _finish(bi, BillingImport.Status.FAILED, encode_reason(exc.code, **exc.values))
    except Exception as exc:
        logger.exception("billing import %s failed", bi.pk)
        _finish(
            bi,
            BillingImport.Status.FAILED,
            encode_reason("unreadable", value=f"{type(exc).__name__}: {exc}"[:200]),
        )
    else:
        _finish(bi, BillingImport.Status.DONE, "")
    return bi


def _finish(bi: BillingImport, status: str, error: str) -> None:
    bi.status, bi.error, bi.finished_at = status, error, timezone.now()
    bi.save(update_fields=["status", "error", "finished_at", "sha256", "kind",
                           "encoding", "size"])  # fmt: skip


def _key(good: tuple, index) -> object:
    return good[index] if isinstance(index, int) else tuple(good[i] for i in index)


def _run(bi: BillingImport, raw: IO[bytes], size: int) -> None:
    head = raw.read(SNIFF)
    bi.size = raw.seek(0, io.SEEK_END)
    raw.seek(0)
    reader = _Reader(raw=raw, encoding=sniff_encoding(head))
    bi.encoding = reader.encoding
    parsed = csv.reader(reader.lines(), strict=True)
    try:
        header = next(parsed)
    except StopIteration:
        raise Bad("empty_file") from None
    except csv.Error:
        raise Bad("header") from None
    reader.take()
    kind, order = _kind_of(header)
    bi.kind = kind
    bi.save(update_fields=["kind", "encoding", "size"])
    pg = connection.vendor == "postgresql"
    chunks = _chunks(reader, parsed, kind, order, size, pg)
    stored = 0
    for c in _prefetched(chunks):
        bi.bytes_read, bi.encoding = c.bytes_read, c.encoding
        stored = _commit_chunk(bi, kind, c, stored)
    bi.sha256 = reader.digest.hexdigest()


def _prefetched(chunks: Iterator[_Chunk]) -> Iterator[_Chunk]:
    """The chunks, the next one read and checked by a thread while this one
    is written (the database releases the GIL while it works): two chunks in
    memory at most, and the reading and the writing overlap."""
    queue: Queue = Queue(maxsize=1)
    stop = threading.Event()

    def produce():
        try:
            for c in chunks:
                put(c)
                if stop.is_set():
                    return
        except BaseException as exc:  # handed to the writer, raised there
            put(exc)
            return
        put(None)

    def put(item) -> None:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.5)
                return
            except Full:
                continue

    thread = threading.Thread(target=produce, name="billing-import-reader", daemon=True)
    thread.start()
    try:
        while (item := queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def _chunks(reader, parsed, kind, order, size: int, pg: bool) -> Iterator[_Chunk]:
    """The file's lines after the header, checked, in chunks of `size`."""
    width, check, keys = len(COLUMNS[kind]), CHECKS[kind], KEYS[kind]
    done = False
    while not done:
        c = _Chunk()
        seen: list[dict] = [{} for _k in keys]  # this chunk's keys -> line
        while c.lines < size:
            line_no = reader.line_no + 1
            try:
                row = next(parsed)
            except StopIteration:
                done = True
                break
            except csv.Error as exc:
                row, error = None, encode_reason("csv", value=str(exc))
            text, badly_encoded = reader.take()
            c.lines += reader.line_no + 1 - line_no
            if row is None:
                c.rejections.append((line_no, error, text))
                continue
            if not row or row == [""]:
                continue  # a blank line
            if badly_encoded:
                c.rejections.append(
                    (line_no, encode_reason("encoding", value=reader.encoding), text)
                )
                continue
            if len(row) != width:
                c.rejections.append(
                    (line_no, encode_reason("fields", n=len(row), m=width), text)
                )
                continue
            if order is not None:
                row = [row[i] for i in order]
            try:
                good = check([v.strip() for v in row])
            except Bad as exc:
                c.rejections.append(
                    (line_no, encode_reason(exc.code, **exc.values), text)
                )
                continue
            duplicate = None
            for (index, name), taken in zip(keys, seen, strict=True):
                first = taken.get(_key(good, index))
                if first is not None:
                    value = (
                        good[index] if isinstance(index, int) else f"{good[2]:%Y-%m}"
                    )
                    duplicate = encode_reason(
                        "duplicate", field=name, value=value, line=first
                    )
                    break
            if duplicate:
                c.rejections.append((line_no, duplicate, text))
                continue
            for (index, _name), taken in zip(keys, seen, strict=True):
                taken[_key(good, index)] = line_no
            c.rows.append((line_no, *good))
            c.texts[line_no] = text
        c.bytes_read, c.encoding = reader.bytes_read, reader.encoding
        if pg:
            c.copy = _copy_text(c.rows)
        yield c


def _commit_chunk(bi: BillingImport, kind, c: _Chunk, stored: int) -> int:
    """Write one chunk, its rejections and the import's new counts in one
    transaction; returns how many rejections are stored now."""
    with transaction.atomic():
        if c.rows:
            misfits, created, updated, unchanged = _write_chunk(kind, c.rows, c.copy)
            for line_no, code, value in misfits:
                c.rejections.append(
                    (line_no, encode_reason(code, value=value), c.texts[line_no])
                )
            bi.created += created
            bi.updated += updated
            bi.unchanged += unchanged
        room = MAX_REJECTIONS - stored
        if c.rejections and room > 0:
            ImportRejection.objects.bulk_create(
                [
                    ImportRejection(
                        billing_import_id=bi.pk, line_no=n, reason=r, text=t[:500]
                    )
                    for n, r, t in sorted(c.rejections)[:room]
                ],
                batch_size=1000,
            )
            stored += min(room, len(c.rejections))
        bi.lines += c.lines
        bi.rejected += len(c.rejections)
        bi.save(update_fields=["bytes_read", "encoding", "lines", "created",
                               "updated", "unchanged", "rejected"])  # fmt: skip
    return stored


# Starting an import ------------------------------------------------------------


def billing_import_upload(*, upload, user, schedule: bool = True) -> BillingImport:
    """Keep an administrator's uploaded export file in the private storage
    and have a task import it (bills.tasks.import_billing_file)."""
    from django.core.exceptions import PermissionDenied

    from accounts.models import User
    from core.queue import delay_on_commit

    if user.role != User.Role.ADMIN:
        raise PermissionDenied
    bi = BillingImport(filename=upload.name[:200], size=upload.size, uploaded_by=user)
    bi.file.save(Path(upload.name).name[-80:] or "export.csv", upload, save=False)
    bi.save()
    if schedule:
        delay_on_commit(
            "bills.tasks.import_billing_file",
            bi.pk,
            warning="billing import %s: broker unreachable",
            logger=logger,
        )
    return bi


def billing_import_claim(*, import_id: int) -> BillingImport | None:
    """The waiting import, marked running for this worker; None when another
    worker has it or it is done (a task delivered twice imports once)."""
    claimed = BillingImport.objects.filter(
        pk=import_id, status=BillingImport.Status.PENDING
    ).update(status=BillingImport.Status.RUNNING, started_at=timezone.now())
    return BillingImport.objects.get(pk=import_id) if claimed else None
