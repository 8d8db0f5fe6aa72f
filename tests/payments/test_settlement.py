"""The bank's settlement file: a generated file with each kind of discrepancy
gives the right report, by service, by command and through the back office."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.calendar import BANGKOK
from payments import settlement as s
from payments.models import Payment, Settlement
from payments.provider import CallbackEvent
from payments.services import (
    provider_event_apply,
    provider_event_store,
    request_quote_fees,
)
from requests_app import services as rs
from tests import factories

pytestmark = pytest.mark.django_db


def _paid_online(customer, office, counter, n):
    """n invoices paid online today, through the provider callback path."""
    payments = []
    for _ in range(n):
        r = rs.request_accept(
            request=factories.submit_request(customer=customer, office=office),
            user=counter,
        )
        invoice = request_quote_fees(request=r, user=counter)
        event, _ = provider_event_store(CallbackEvent(
            event_id=f"e{invoice.pk}", kind="charge.succeeded",
            transaction_id=f"t{invoice.pk}", invoice_number=invoice.number,
            amount=invoice.total, currency="THB", payload={},
        ))  # fmt: skip
        provider_event_apply(event_pk=event.pk)
        payments.append(Payment.objects.get(invoice=invoice))
    return payments


def _line(payment, *, amount=None, ref1=None):
    return s.Line(
        seq=0, paid_at=payment.received_at, name="SOMCHAI",
        ref1=ref1 or payment.invoice.payment_ref, ref2=payment.invoice.request.reference.replace("-", ""),
        amount=payment.amount if amount is None else amount, channel="CSH",
    )  # fmt: skip


@pytest.fixture
def day_file(customer, office, counter):
    """Six payments of ours; the bank's file: two matched, one with another
    amount, one twice, one the bank has that we do not, one we have that the
    bank does not list (the sixth)."""
    p = _paid_online(customer, office, counter, 6)
    lines = [
        _line(p[0]), _line(p[1]),
        _line(p[2], amount=p[2].amount + Decimal("10.00")),
        _line(p[3]), _line(p[3]),
        _line(p[4], ref1="B999992569999999"),  # a payment we never received
    ]  # fmt: skip
    data = s.write(bank="014", account="1234567890", effective=timezone.localdate(),
                   lines=lines)  # fmt: skip
    return data, p


def test_the_file_reads_back_field_by_field(day_file):
    data, payments = day_file
    assert all(len(r) == 256 for r in data.decode("tis-620").split("\r\n") if r)
    parsed = s.parse(data)
    assert (parsed.bank, parsed.account, parsed.effective) == (
        "014", "1234567890", timezone.localdate(),
    )  # fmt: skip
    first = parsed.lines[0]
    assert first.ref1 == payments[0].invoice.payment_ref
    assert first.amount == payments[0].amount
    assert first.paid_at == payments[0].received_at.astimezone(BANGKOK).replace(
        microsecond=0
    )


def test_each_kind_of_discrepancy_is_reported(day_file):
    data, p = day_file
    rows = s.match(s.parse(data), p)
    got = sorted((r["result"], r["payment"].pk if r["payment"] else None) for r in rows)
    assert got == sorted([
        ("matched", p[0].pk), ("matched", p[1].pk),
        ("amount_mismatch", p[2].pk),
        ("matched", p[3].pk), ("duplicate", p[3].pk),
        ("missing_here", None),
        ("missing_in_file", p[4].pk), ("missing_in_file", p[5].pk),
    ])  # fmt: skip


def test_a_broken_file_is_refused_with_the_reason():
    with pytest.raises(s.SettlementFormatError):
        s.parse(b"H" + b" " * 100)
    good = s.write(bank="014", account="1", effective=timezone.localdate(), lines=[])
    head, tail = good.decode("tis-620").rstrip("\r\n").split("\r\n")
    tail = tail[:39] + "000001" + tail[45:]  # the trailer claims a line
    with pytest.raises(s.SettlementFormatError, match="totals"):
        s.parse(f"{head}\r\n{tail}\r\n".encode("tis-620"))


def test_the_command_imports_and_reports(day_file, tmp_path, supervisor, capsys):
    data, _ = day_file
    path = tmp_path / "settle.txt"
    path.write_bytes(data)
    call_command("import_settlement", str(path), user=supervisor.username)
    out = capsys.readouterr().out
    assert "6 lines" in out and "matched: 3" in out and "duplicate: 1" in out
    assert "missing_here: 1" in out and "missing_in_file: 2" in out
    assert "amount_mismatch: 1" in out
    settlement = Settlement.objects.get()
    assert settlement.status == "done" and settlement.progress == 100
    from django.core.management import CommandError
    from django.utils import translation

    with (
        translation.override("en"),
        pytest.raises(CommandError, match="imported already"),
    ):
        call_command("import_settlement", str(path), user=supervisor.username)


def test_supervisors_upload_it_and_read_the_report(
    client, day_file, supervisor, counter, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    data, _ = day_file
    client.force_login(counter)
    assert client.get(reverse("staff:settlements")).status_code == 404
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff:settlements"),
            {"file": SimpleUploadedFile("settle-0001.txt", data)},
        )
    assert response.status_code == 302
    page = client.get(response.url)
    html = page.content.decode()
    assert 'data-result="matched">3<' in html and 'data-result="duplicate">1<' in html
    csv_text = client.get(response.url + "?format=csv").content.decode("utf-8-sig")
    assert csv_text.count("missing_in_file") == 2


def _exported_rows(client, supervisor, lines) -> list[dict]:
    """The report's CSV rows after a file of these bank lines is imported
    and reconciled."""
    import csv
    import io

    from payments.services import settlement_reconcile, settlement_upload

    data = s.write(bank="014", account="1", effective=timezone.localdate(), lines=lines)
    settlement = settlement_upload(filename="t.txt", data=data, user=supervisor,
                                   schedule=False)  # fmt: skip
    settlement_reconcile(settlement_id=settlement.pk)
    client.force_login(supervisor)
    response = client.get(
        reverse("staff:settlement", args=[settlement.pk]) + "?format=csv"
    )
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_export_neutralises_formulas_the_payer_typed(client, supervisor):
    """ref 1 / ref 2 are typed by payers: in the export a formula is text."""
    evil = [("=cmd|'/C calc'!A0", "+1+1"), ("@SUM(1+1)", "-2+3"), ("X1", "\t=1")]
    lines = [
        s.Line(seq=0, paid_at=timezone.now(), name="EVE", ref1=ref1, ref2=ref2,
               amount=Decimal("10.00"), channel="ATM")
        for ref1, ref2 in evil
    ]  # fmt: skip
    rows = _exported_rows(client, supervisor, lines)
    assert [(r["ref1"], r["ref2"]) for r in rows] == [
        ("'=cmd|'/C calc'!A0", "'+1+1"),
        ("'@SUM(1+1)", "'-2+3"),
        ("X1", "'=1"),
    ]  # the file's fields are trimmed: the tab goes, "=1" stays
    assert all(r["file_amount"] == "10.00" for r in rows)


def test_the_csv_export_gives_the_bank_time_in_local_time(client, supervisor):
    """As the screen shows it (Asia/Bangkok, to the second), the column
    heading saying the zone; never the database's UTC ISO form."""
    paid = datetime(2026, 3, 2, 1, 30, 15, tzinfo=UTC)  # 08:30:15 in Bangkok
    line = s.Line(seq=0, paid_at=paid, name="EVE", ref1="X1", ref2="X2",
                  amount=Decimal("10.00"), channel="ATM")  # fmt: skip
    rows = _exported_rows(client, supervisor, [line])
    assert [r["paid_at (Asia/Bangkok)"] for r in rows] == ["2026-03-02 08:30:15"]
