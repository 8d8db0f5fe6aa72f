"""Receipts and invoices print in Thai with the English beside it, as their
headings do (issue 18): each line item, the dates, the service, the payment
method and the amount in words."""

import subprocess

import pytest
from django.utils import translation

from core.dates import format_date
from core.english_words import baht_words_en
from core.thai_words import baht_words
from payments.receipts import _for_render, render_invoice_pdf, render_pdf
from tests.payments.test_receipts import _flat, _invoice, _pay

pytestmark = [pytest.mark.tools("pdftotext"), pytest.mark.django_db]


def _text(data: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    )
    return out.stdout.decode()


def _in_english(value, **kwargs) -> str:
    with translation.override("en"):
        return format_date(value, **kwargs)


def test_the_receipt_prints_each_line_date_and_sum_in_thai_and_english(
    customer, office, counter
):
    receipt = _pay(_invoice(customer, office, counter), counter).receipts.get()
    receipt = _for_render(receipt.pk).get()
    text = _text(render_pdf(receipt, copy=False))
    flat = _flat(text)

    lines = list(receipt.invoice.lines.all())
    assert lines
    for line in lines:
        assert _flat(line.name_th) in flat
        assert _flat(line.name_en) in flat
    assert _flat(format_date(receipt.issued_at, with_time=True)) in flat
    assert _in_english(receipt.issued_at, with_time=True) in text  # 24 Nov 2026
    assert _flat(baht_words(receipt.total)) in flat
    assert _flat(baht_words_en(receipt.total)) in flat
    service = receipt.invoice.request.service
    assert _flat(service.name_th) in flat and _flat(service.name_en) in flat
    assert "Cash at the counter" in text  # beside เงินสด…, the method in Thai


def test_the_invoice_prints_each_line_its_dates_and_sum_in_thai_and_english(
    customer, office, counter
):
    invoice = _invoice(customer, office, counter)
    text = _text(render_invoice_pdf(invoice))
    flat = _flat(text)

    for line in invoice.lines.all():
        assert _flat(line.name_th) in flat and _flat(line.name_en) in flat
    for day in (invoice.created_at, invoice.due_date):
        assert _flat(format_date(day)) in flat
        assert _in_english(day) in text
    assert _flat(baht_words(invoice.total)) in flat
    assert _flat(baht_words_en(invoice.total)) in flat
    assert "Scan with any bank's app, or pay at any PEA counter." in text


def test_a_credit_note_says_its_sum_in_english_words_too(
    customer, office, counter, supervisor
):
    from payments.receipts import receipt_cancel

    receipt = _pay(_invoice(customer, office, counter), counter).receipts.get()
    note = receipt_cancel(receipt=receipt, user=supervisor, reason="ผิดรายการ")
    text = _text(render_pdf(_for_render(note.pk).get(), copy=False))

    assert _flat(baht_words_en(receipt.total)) in _flat(text)


def test_the_refund_voucher_prints_its_reason_kind_date_and_sum_in_both(
    customer, office, counter
):
    """A deposit refund (the reason is the portal's own text, stored as a
    message key for readers of both languages): Thai with the English beside
    it."""
    from payments.models import Refund
    from payments.vouchers import render_voucher_pdf
    from tests.payments.test_pdf import _voucher

    _voucher(customer, office, counter)
    refund = Refund.objects.get()
    assert (refund.reason, refund.reason_key) == ("", "deposit_refund")
    text = _text(render_voucher_pdf(refund))
    flat = _flat(text)

    assert (
        _flat("คืนเงินประกันการใช้ไฟฟ้าเมื่อเลิกใช้ไฟ / Deposit refund on ending the contract")
        in flat
    )
    assert "Deposit refund" in text  # the kind, beside its Thai
    assert _flat(format_date(refund.approved_at, with_time=True)) in flat
    assert _in_english(refund.approved_at, with_time=True) in text
    assert _flat(baht_words(refund.amount)) in flat
    assert _flat(baht_words_en(refund.amount)) in flat
    service = refund.request.service
    assert _flat(service.name_th) in flat and _flat(service.name_en) in flat
