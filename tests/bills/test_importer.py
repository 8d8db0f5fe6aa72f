"""The billing system's export files (bills.importer): a file of 1,000
accounts and 12,000 bills with bad lines loses nothing good and reports every
bad line; a second import changes no row; TIS-620 reads as UTF-8; what the
portal owns stays as the portal left it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from bills.importer import billing_import_run, reason_text
from bills.models import Bill, BillingImport
from meters.models import ElectricityAccount
from tests.bills import export_files as ef

pytestmark = pytest.mark.django_db

FIRST_MONTH = date(2025, 1, 1)
N_ACCOUNTS, MONTHS = 1000, 12


def run(path, chunk=2500) -> BillingImport:
    bi = BillingImport.objects.create(filename=path.name)
    return billing_import_run(billing_import=bi, path=path, chunk=chunk)


def rejections(bi) -> dict[int, str]:
    import json

    return {r.line_no: json.loads(r.reason)[0] for r in bi.rejections.all()}


@pytest.fixture
def codes(offices):
    return [offices["branch"].code, offices["other_branch"].code]


@pytest.fixture
def spoilt_files(tmp_path, codes):
    """1,000 accounts (every 97th line spoilt) and 12 months of their bills
    (every 301st spoilt), and what must be rejected, line by line."""
    accounts, bills = tmp_path / "accounts.csv", tmp_path / "bills.csv"
    bad_accounts, bad_bills = ef.Spoiled(), ef.Spoiled()
    ef.write(accounts, ef.ACCOUNT_HEADER, ef.spoil(
        ef.accounts_rows(N_ACCOUNTS, codes), 97, ef.ACCOUNT_SPOILERS, bad_accounts))  # fmt: skip
    ef.write(bills, ef.BILL_HEADER, ef.spoil(
        ef.bills_rows(N_ACCOUNTS, MONTHS, first=FIRST_MONTH), 301, ef.BILL_SPOILERS,
        bad_bills))  # fmt: skip
    # The bills of an account whose line was rejected name no account.
    lost = {line - 2 for line in bad_accounts.lines}  # account index
    expected_bills = dict(bad_bills.lines)
    for k in range(MONTHS):
        for i in lost:
            expected_bills.setdefault(2 + k * N_ACCOUNTS + i, "account")
    return accounts, bills, bad_accounts.lines, expected_bills


def test_every_bad_line_is_reported_and_every_good_one_imported(spoilt_files):
    accounts, bills, bad_accounts, bad_bills = spoilt_files
    a = run(accounts)
    assert (a.status, a.kind, a.encoding) == ("done", "accounts", "utf-8")
    assert len(bad_accounts) == 10 and set(bad_accounts.values()) == {
        code for code, _f in ef.ACCOUNT_SPOILERS
    }
    assert rejections(a) == bad_accounts
    good_accounts = N_ACCOUNTS - len(bad_accounts)
    assert (a.lines, a.created, a.updated, a.unchanged, a.rejected) == (
        N_ACCOUNTS, good_accounts, 0, 0, len(bad_accounts),
    )  # fmt: skip
    assert ElectricityAccount.objects.filter(source="billing").count() == good_accounts

    b = run(bills)
    assert (b.status, b.kind) == ("done", "bills")
    assert rejections(b) == bad_bills
    assert len(bad_bills) > 120  # 39 spoilt lines + 12 bills of each lost account
    good_bills = N_ACCOUNTS * MONTHS - len(bad_bills)
    assert (b.lines, b.created, b.updated, b.unchanged, b.rejected) == (
        N_ACCOUNTS * MONTHS, good_bills, 0, 0, len(bad_bills),
    )  # fmt: skip
    assert Bill.objects.count() == good_bills
    assert b.bytes_read == b.size == bills.stat().st_size
    assert len(b.sha256) == 64

    # A good line's values arrive as they were written.
    fields = ef.bill_fields(5, date(2025, 3, 1), 2)
    bill = Bill.objects.select_related("account").get(number=fields[0])
    assert (bill.account.ca_number, bill.period, bill.kwh, bill.total, bill.status) == (
        fields[1], date(2025, 3, 1), Decimal(fields[7]), Decimal(fields[12]), fields[14],
    )  # fmt: skip

    # Each reason reads in plain words, with the line's text.
    with translation.override("en"):
        first = b.rejections.filter(reason__contains='"total"').first()
        assert reason_text(first.reason).startswith("total ")
        assert "is not energy_charge + ft + service_charge + vat" in reason_text(
            first.reason
        )
        assert first.text.startswith("B02")
        unknown = a.rejections.get(line_no=min(bad_accounts))
        assert reason_text(unknown.reason) == (
            "ca_number must be the 12 digits of a CA number, not “02000000009X”."
        )
    with translation.override("th"):
        assert reason_text(unknown.reason) != ""


def _versions(table: str, key: str) -> dict:
    with connection.cursor() as c:
        c.execute(f"SELECT {key}, xmin::text FROM {table}")
        return dict(c.fetchall())


def test_importing_the_same_files_again_changes_no_row(spoilt_files):
    accounts, bills, bad_accounts, bad_bills = spoilt_files
    run(accounts), run(bills)
    pg = connection.vendor == "postgresql"
    if pg:
        before = (
            _versions("meters_electricityaccount", "ca_number"),
            _versions("bills_bill", "number"),
        )
    a, b = run(accounts, chunk=4000), run(bills, chunk=4000)
    assert (a.created, a.updated, a.unchanged) == (0, 0, N_ACCOUNTS - len(bad_accounts))
    assert (b.created, b.updated, b.unchanged) == (
        0, 0, N_ACCOUNTS * MONTHS - len(bad_bills),
    )  # fmt: skip
    assert rejections(b) == bad_bills
    if pg:  # not one row was rewritten
        after = (
            _versions("meters_electricityaccount", "ca_number"),
            _versions("bills_bill", "number"),
        )
        assert after == before


def test_a_changed_line_updates_its_row_and_only_it(tmp_path, codes):
    path = tmp_path / "a.csv"
    ef.write(path, ef.ACCOUNT_HEADER, ef.accounts_rows(30, codes))
    run(path)
    rows = list(ef.accounts_rows(30, codes))
    rows[7][3] = "99/1 ถ.ใหม่ ต.ในเมือง"
    ef.write(path, ef.ACCOUNT_HEADER, iter(rows))
    again = run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 29)
    account = ElectricityAccount.objects.get(ca_number=rows[7][0])
    assert account.premises_address == "99/1 ถ.ใหม่ ต.ในเมือง"


def test_a_tis_620_file_reads_as_its_utf8_twin(tmp_path, codes):
    utf8, tis, bom = tmp_path / "u.csv", tmp_path / "t.csv", tmp_path / "b.csv"
    ef.write(utf8, ef.ACCOUNT_HEADER, ef.accounts_rows(200, codes))
    ef.write(tis, ef.ACCOUNT_HEADER, ef.accounts_rows(200, codes), encoding="tis-620")
    ef.write(bom, ef.ACCOUNT_HEADER, ef.accounts_rows(200, codes), bom=True)
    assert utf8.read_bytes() != tis.read_bytes()
    first = run(tis)
    assert (first.encoding, first.created, first.rejected) == ("tis-620", 200, 0)
    holder = ef.account_fields(11, codes)
    account = ElectricityAccount.objects.get(ca_number=holder[0])
    assert (account.holder_name, account.premises_address) == (holder[1], holder[3])
    assert "ใจดี" in account.holder_name or any(
        c in account.holder_name for c in "กขคงจ"
    )
    # The UTF-8 twin (with or without a BOM) finds every row as it is.
    for twin in (utf8, bom):
        again = run(twin)
        assert (again.encoding, again.created, again.updated, again.unchanged) == (
            "utf-8", 0, 0, 200,
        )  # fmt: skip


def test_a_file_that_looks_ascii_at_first_is_read_as_tis_620_after(tmp_path, codes):
    path = tmp_path / "late.csv"
    rows = [ef.account_fields(i, codes) for i in range(1003)]
    for row in rows[:1000]:
        row[1] = row[3] = "ASCII ONLY"
    with open(path, "wb") as f:
        f.write((",".join(ef.ACCOUNT_HEADER) + "\r\n").encode())
        for row in rows:
            f.write((",".join(row) + "\r\n").encode("tis-620"))
    assert path.stat().st_size > 64 * 1024  # past what the encoding is sniffed from
    bi = run(path)
    assert (bi.encoding, bi.created, bi.rejected) == ("tis-620", 1003, 0)
    assert (
        ElectricityAccount.objects.get(ca_number=rows[-1][0]).holder_name == rows[-1][1]
    )


def test_the_portal_s_accounts_and_fields_are_never_changed(
    tmp_path, codes, offices, customer, counter
):
    from bills.paying import bills_pay_cash

    path, bills = tmp_path / "a.csv", tmp_path / "b.csv"
    ef.write(path, ef.ACCOUNT_HEADER, ef.accounts_rows(5, codes))
    ef.write(bills, ef.BILL_HEADER, ef.bills_rows(5, 2, first=FIRST_MONTH))
    run(path), run(bills)
    # A customer links account 1 and names it; account 2 was opened by the
    # portal's Move-In before the billing system's file came.
    linked = ElectricityAccount.objects.get(ca_number=ef.ca_number(1))
    ElectricityAccount.objects.filter(pk=linked.pk).update(
        customer=customer,
        nickname="บ้าน",
        bill_notices=False,
        linked_at="2025-01-05T10:00Z",
    )
    ElectricityAccount.objects.filter(ca_number=ef.ca_number(2)).update(
        source="portal", holder_name="ชื่อของพอร์ทัล", tariff="1.1.1"
    )
    # A bill of account 3 paid in cash at the counter.
    unpaid_bill = Bill.objects.filter(account__ca_number=ef.ca_number(3)).first()
    Bill.objects.filter(pk=unpaid_bill.pk).update(status="unpaid")
    bills_pay_cash(
        user=counter, ca_number=ef.ca_number(3), numbers=[unpaid_bill.number],
        amount=Decimal(unpaid_bill.total),
    )  # fmt: skip

    rows = list(ef.accounts_rows(5, codes))
    for row in rows:
        row[1] = "นาย ชื่อ ใหม่"
    ef.write(path, ef.ACCOUNT_HEADER, iter(rows))
    again = run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 4, 1)
    linked.refresh_from_db()
    assert linked.holder_name == "นาย ชื่อ ใหม่"
    assert (linked.customer, linked.nickname, linked.bill_notices, linked.linked_at) == (
        customer, "บ้าน", False, linked.linked_at,
    )  # fmt: skip
    assert linked.linked_at is not None
    portal = ElectricityAccount.objects.get(ca_number=ef.ca_number(2))
    assert (portal.source, portal.holder_name, portal.tariff) == (
        "portal", "ชื่อของพอร์ทัล", "1.1.1",
    )  # fmt: skip
    # The billing system has not heard of the cash yet: its file says
    # unpaid, and the bill stays paid by the portal's payment.
    rows = [r for r in ef.bills_rows(5, 2, first=FIRST_MONTH)]
    for r in rows:
        if r[0] == unpaid_bill.number:
            r[14] = "unpaid"
    ef.write(bills, ef.BILL_HEADER, iter(rows))
    run(bills)
    unpaid_bill.refresh_from_db()
    assert unpaid_bill.status == "paid" and unpaid_bill.paid_invoice_id is not None


def test_a_second_bill_for_an_account_s_period_and_duplicates_are_refused(
    tmp_path, codes
):
    path, bills = tmp_path / "a.csv", tmp_path / "b.csv"
    ef.write(path, ef.ACCOUNT_HEADER, ef.accounts_rows(3, codes))
    run(path)
    rows = list(ef.bills_rows(3, 1, first=FIRST_MONTH))
    ef.write(bills, ef.BILL_HEADER, iter(rows))
    run(bills)
    other = [*rows[0]]
    other[0] = "BX" + other[0][2:]  # another number, same account and month
    ef.write(bills, ef.BILL_HEADER, iter([other, rows[1], rows[1]]))
    bi = run(bills)
    assert rejections(bi) == {2: "period_taken", 4: "duplicate"}
    with translation.override("en"):
        assert reason_text(bi.rejections.get(line_no=4).reason) == (
            f"bill_number “{rows[1][0]}” is on line 3 of this file too."
        )
    assert Bill.objects.count() == 3


def test_a_file_without_a_known_header_fails_as_a_whole(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("name,amount\nA,1\n")
    bi = run(path)
    assert bi.status == "failed" and bi.finished_at is not None
    with translation.override("en"):
        assert "not the header of an accounts or a bills file" in reason_text(bi.error)
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    assert run(empty).status == "failed"


def test_columns_in_another_order_and_buddhist_years_read_the_same(tmp_path, codes):
    path, bills = tmp_path / "a.csv", tmp_path / "b.csv"
    ef.write(path, ef.ACCOUNT_HEADER, ef.accounts_rows(2, codes))
    run(path)
    row = ef.bill_fields(0, FIRST_MONTH, 0)
    order = list(reversed(range(len(ef.BILL_HEADER))))
    be = [*row]
    be[2] = "2568-01"
    be[3], be[4], be[13] = (
        f"{int(v[:4]) + 543}{v[4:]}" for v in (row[3], row[4], row[13])
    )
    ef.write(bills, [ef.BILL_HEADER[i] for i in order], iter([[be[i] for i in order]]))
    bi = run(bills)
    assert (bi.created, bi.rejected) == (1, 0)
    bill = Bill.objects.get()
    assert (bill.period, bill.due_date.isoformat()) == (FIRST_MONTH, row[13])


def test_the_command_imports_files_and_prints_a_summary(tmp_path, codes, capsys):
    path, bills = tmp_path / "accounts.csv", tmp_path / "bills.csv"
    bad = ef.Spoiled()
    ef.write(path, ef.ACCOUNT_HEADER, ef.spoil(ef.accounts_rows(20, codes), 10, ef.ACCOUNT_SPOILERS, bad))  # fmt: skip
    ef.write(bills, ef.BILL_HEADER, ef.bills_rows(20, 1, first=FIRST_MONTH))
    call_command("import_billing", str(path), str(bills), "--chunk", "7")
    out = capsys.readouterr().out
    assert (
        "accounts.csv: done, accounts, utf-8, 20 lines: 18 created, 0 updated, 0 unchanged, 2 rejected"
        in out
    )
    assert (
        "bills.csv: done, bills, utf-8, 20 lines: 18 created, 0 updated, 0 unchanged, 2 rejected"
        in out
    )
    assert "line 11: ca_number must be the 12 digits of a CA number" in out
    assert BillingImport.objects.count() == 2
