"""Thai QR bill payment from a paper bill: reference 1 the CA number,
reference 2 the bill number. The bank's notification and the bank's
settlement file line pay the bill, for a linked account or nobody's."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from bills.models import Bill
from payments import settlement as s
from payments import thaiqr
from payments.models import Invoice, Payment, ProviderEvent, Receipt, Refund
from payments.services import (
    settlement_reconcile,
    settlement_row_post,
    settlement_upload,
)
from tests import factories
from tests.bills import paying_helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _inline(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PAYMENT_PROVIDER_SECRETS = [h.SECRET]


def _notify(client, bill, capture, *, amount=None, event_id="evt_qr_1", txn="txn_qr_1"):
    body = h.event(
        ref1=bill.account.ca_number, ref2=bill.number, event_id=event_id, txn=txn,
        amount=bill.total if amount is None else amount,
    )  # fmt: skip
    with capture(execute=True):
        assert h.callback(client, body).status_code == 200
    return ProviderEvent.objects.get(event_id=event_id)


def test_a_bank_notification_pays_a_bill_by_ca_and_bill_number(
    client, customer, office, django_capture_on_commit_callbacks
):
    bill = h.bill(h.account(office=office, customer=customer))
    event = _notify(client, bill, django_capture_on_commit_callbacks)
    assert event.status == "applied", event.outcome
    bill.refresh_from_db()
    invoice = bill.paid_invoice
    assert bill.status == "paid" and invoice.status == "paid"
    assert (invoice.kind, invoice.customer, invoice.office) == (
        "bills",
        customer,
        office,
    )
    assert (invoice.bank_ref1, invoice.bank_ref2) == (
        bill.account.ca_number,
        bill.number,
    )
    payment = Payment.objects.get()
    assert (payment.method, payment.provider_txn, payment.amount) == (
        "online", "txn_qr_1", bill.total,
    )  # fmt: skip
    assert Receipt.objects.get().invoice == invoice


def test_an_unlinked_accounts_bill_is_paid_in_its_holders_name(
    client, office, django_capture_on_commit_callbacks
):
    bill = h.bill(h.account(office=office, holder="บริษัท ตัวอย่าง จำกัด"))
    assert _notify(client, bill, django_capture_on_commit_callbacks).status == "applied"
    bill.refresh_from_db()
    assert bill.status == "paid"
    assert bill.paid_invoice.customer is None
    assert bill.paid_invoice.payer_name == "บริษัท ตัวอย่าง จำกัด"


def test_an_amount_not_the_bills_total_is_rejected_and_pays_nothing(
    client, customer, office, django_capture_on_commit_callbacks
):
    bill = h.bill(h.account(office=office, customer=customer), total="500.00")
    event = _notify(client, bill, django_capture_on_commit_callbacks, amount="499.00")
    assert event.status == "rejected" and "500.00" in event.outcome
    bill.refresh_from_db()
    assert bill.status == "unpaid" and not Payment.objects.exists()
    # The exact amount then pays it, on the same invoice.
    again = _notify(client, bill, django_capture_on_commit_callbacks,
                    event_id="evt_qr_2", txn="txn_qr_2")  # fmt: skip
    assert again.status == "applied"
    assert Invoice.objects.filter(kind="bills").count() == 1


def test_unknown_references_are_rejected(client, django_capture_on_commit_callbacks):
    body = h.event(ref1="020000000001", ref2="B404", amount="100.00")
    with django_capture_on_commit_callbacks(execute=True):
        h.callback(client, body)
    event = ProviderEvent.objects.get()
    assert (event.status, event.outcome) == ("rejected", "unknown invoice")
    assert not Invoice.objects.exists()


def test_a_qr_payment_of_a_bill_paid_already_is_refunded_never_paid_again(
    client, customer, office, counter, django_capture_on_commit_callbacks
):
    from bills.paying import bills_pay_cash

    bill = h.bill(h.account(office=office, customer=customer))
    cash = bills_pay_cash(user=counter, ca_number=bill.account.ca_number,
                          numbers=[bill.number], amount=bill.total)  # fmt: skip
    event = _notify(client, bill, django_capture_on_commit_callbacks)
    assert event.status == "applied"  # the money was taken: recorded
    bill.refresh_from_db()
    assert bill.paid_invoice == cash.invoice
    refund = Refund.objects.get()
    assert (refund.kind, refund.status, refund.amount) == (
        "overpayment",
        "due",
        bill.total,
    )
    assert refund.invoice.bank_ref2 == bill.number
    # A duplicate notification changes nothing more.
    _notify(client, bill, django_capture_on_commit_callbacks)
    assert Payment.objects.count() == 2 and Refund.objects.count() == 1


def test_the_qr_printed_on_a_bill_carries_the_ca_and_bill_number(office):
    bill = h.bill(h.account(office=office))
    invoice = Invoice(bank_ref1=bill.account.ca_number, bank_ref2=bill.number,
                      total=bill.total, number="INVX-2569-000001")  # fmt: skip
    qr = thaiqr.for_invoice(invoice)
    assert (qr["ref1"], qr["ref2"]) == (bill.account.ca_number, bill.number)


# The bank's settlement file --------------------------------------------------------


def _line(bill, *, seq=0):
    return s.Line(
        seq=seq, paid_at=timezone.now() - timedelta(hours=2), name="SOMCHAI",
        ref1=bill.account.ca_number, ref2=bill.number, channel="MOB",
        amount=bill.total,
    )  # fmt: skip


def _report(lines, uploader):
    data = s.write(bank="014", account="1234567890", effective=timezone.localdate(),
                   lines=lines)  # fmt: skip
    settlement = settlement_upload(filename="day.txt", data=data, user=uploader,
                                   schedule=False)  # fmt: skip
    settlement_reconcile(settlement_id=settlement.pk)
    return {row.ref2: row for row in settlement.rows.all()}


def test_a_settlement_line_pays_a_bill_whose_notification_never_came(
    customer, office, supervisor
):
    uploader = factories.StaffFactory(
        username="faye", role="supervisor", office=supervisor.office
    )
    bill = h.bill(h.account(office=office, customer=customer))
    row = _report([_line(bill)], uploader)[bill.number]
    assert row.result == "missing_here"
    payment = settlement_row_post(row=row, user=supervisor)
    bill.refresh_from_db()
    assert bill.status == "paid" and bill.paid_invoice == payment.invoice
    assert payment.provider_txn.startswith("BANK-014-")
    assert payment.receipts.count() == 1
    with translation.override("en"), pytest.raises(Exception, match="dealt with"):
        settlement_row_post(row=row, user=supervisor)
    assert Bill.objects.get(pk=bill.pk).status == "paid"
    assert Payment.objects.count() == 1


def test_a_settlement_line_of_a_bill_paid_by_its_notification_matches(
    client, customer, office, supervisor, django_capture_on_commit_callbacks
):
    bill = h.bill(h.account(office=office, customer=customer))
    _notify(client, bill, django_capture_on_commit_callbacks)
    uploader = factories.StaffFactory(
        username="faye", role="supervisor", office=supervisor.office
    )
    rows = _report([_line(bill)], uploader)
    assert rows[bill.number].result == "matched"
    assert rows[bill.number].payment == Payment.objects.get()
