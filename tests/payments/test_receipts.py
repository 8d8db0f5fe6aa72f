"""Receipts: gap-free numbers per office and BE year, a WeasyPrint PDF whose
text is checked, Thai words checked against a second implementation, signed
verification, original then copy, credit notes instead of edits."""

import re
import subprocess
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import ServiceError
from core.thai_words import baht_words
from payments.models import Invoice, Receipt
from payments.receipts import (
    receipt_cancel,
    receipt_render_copy,
    receipt_render_one,
    verify_url,
)
from payments.services import payment_record_cash, request_quote_fees
from requests_app import services as rs
from tests import factories


def _invoice(customer, office, counter) -> Invoice:
    r = factories.submit_request(customer=customer, office=office)
    r = rs.request_accept(request=r, user=counter)
    return request_quote_fees(request=r, user=counter)


def _pay(invoice, counter):
    return payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)


THAI_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def _flat(text: str) -> str:
    """Thai as a PDF's text layer can be compared. WeasyPrint maps each glyph
    to the text of the first cluster it was drawn in, so after "ผู้" a tone mark
    drawn elsewhere reads back as another mark ("ต้น" → "ตูน"); the page itself
    is right. So marks above and below the line are dropped on both sides (the
    consonants and leading vowels still spell the words), sara am is unfolded
    (NFKC) and whitespace removed."""
    flat = "".join(unicodedata.normalize("NFKC", text).split())
    return THAI_MARKS.sub("", flat)


def _text(field) -> str:
    with field.open("rb") as f:
        data = f.read()
    assert data.startswith(b"%PDF")
    out = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    )
    return _flat(out.stdout.decode())


@pytest.mark.django_db
def test_each_payment_gets_the_next_number_of_its_office_and_year(
    customer, office, other_office, counter, other_counter
):
    from core.dates import be_year

    year = be_year(timezone.localtime())
    here = [_pay(_invoice(customer, office, counter), counter) for _ in range(2)]
    there = _pay(_invoice(customer, other_office, other_counter), other_counter)
    numbers = [p.receipts.get().number for p in (*here, there)]
    assert numbers == [
        f"RC{office.code}-{year}-000001",
        f"RC{office.code}-{year}-000002",
        f"RC{other_office.code}-{year}-000001",
    ]


@pytest.mark.tools("pdftotext")
@pytest.mark.django_db
def test_the_pdf_says_what_was_paid_in_figures_and_thai_words(
    customer, office, counter
):
    from core.dates import format_date

    payment = _pay(_invoice(customer, office, counter), counter)
    receipt = payment.receipts.get()
    assert receipt.rendered_at is None  # rendered by the task, after commit
    assert receipt_render_one(receipt_id=receipt.pk)
    assert not receipt_render_one(receipt_id=receipt.pk)  # once
    receipt.refresh_from_db()
    text = _text(receipt.pdf)
    lines = list(receipt.invoice.lines.all())
    assert receipt.number in text
    assert _flat("ต้นฉบับ") in text and _flat("สำเนา") not in text
    assert _flat(format_date(receipt.issued_at)) in text  # Buddhist-era date
    assert str(receipt.issued_at.year + 543) in text
    for line in lines:
        assert f"{line.amount:,.2f}" in text and f"{line.vat:,.2f}" in text
    assert f"{receipt.total:,.2f}" in text and f"{receipt.vat:,.2f}" in text
    assert _flat(baht_words(receipt.total)) in text
    assert receipt.invoice.request.reference in text
    assert not receipt.pdf_copy  # the copy follows in its own task
    assert receipt_render_copy(receipt_id=receipt.pk)
    assert not receipt_render_copy(receipt_id=receipt.pk)  # once
    receipt.refresh_from_db()
    assert _flat("สำเนา") in _text(receipt.pdf_copy)


# Thai words, against a second, independent reading ---------------------------------

ONES = "ศูนย์ หนึ่ง สอง สาม สี่ ห้า หก เจ็ด แปด เก้า".split()


def _independent(n: int) -> str:
    """Recursive, from the top place down (unlike core.thai_words, which reads
    six-digit groups left to right)."""
    if n >= 1_000_000:
        head, rest = divmod(n, 1_000_000)
        tail = _independent_rest(rest, after=True) if rest else ""
        return _independent(head) + "ล้าน" + tail
    return _independent_rest(n, after=False) if n else ONES[0]


def _independent_rest(n: int, after: bool) -> str:
    names = {100_000: "แสน", 10_000: "หมื่น", 1000: "พัน", 100: "ร้อย"}
    out = ""
    for size, name in names.items():
        d, n = divmod(n, size)
        if d:
            out += ONES[d] + name
    tens, ones = divmod(n, 10)
    out += {0: "", 1: "สิบ", 2: "ยี่สิบ"}.get(tens, ONES[tens] + "สิบ")
    if ones == 1 and (out or after):
        out += "เอ็ด"
    elif ones:
        out += ONES[ones]
    return out


def _independent_baht(amount: Decimal) -> str:
    satang_total = int(amount * 100)
    baht, satang = divmod(satang_total, 100)
    if not satang:
        return _independent(baht) + "บาทถ้วน"
    return (_independent(baht) + "บาท" if baht else "") + _independent(satang) + "สตางค์"


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=0, max_value=99_999_999_999))
def test_thai_words_agree_with_an_independent_reading(satang):
    amount = Decimal(satang) / 100
    assert baht_words(amount) == _independent_baht(amount)


@pytest.mark.parametrize(
    "amount, words",
    [
        ("107.00", "หนึ่งร้อยเจ็ดบาทถ้วน"),
        ("21.00", "ยี่สิบเอ็ดบาทถ้วน"),
        ("1000001", "หนึ่งล้านเอ็ดบาทถ้วน"),
        ("0.50", "ห้าสิบสตางค์"),
        ("15000.01", "หนึ่งหมื่นห้าพันบาทหนึ่งสตางค์"),
    ],
)
def test_thai_words_by_hand(amount, words):
    assert baht_words(Decimal(amount)) == words


# Verification, download, credit note -----------------------------------------------


@pytest.fixture
def rendered(customer, office, counter):
    receipt = _pay(_invoice(customer, office, counter), counter).receipts.get()
    receipt_render_one(receipt_id=receipt.pk)
    receipt_render_copy(receipt_id=receipt.pk)
    receipt.refresh_from_db()
    return receipt


@pytest.mark.django_db
def test_the_signed_link_confirms_a_genuine_receipt_and_nothing_else(
    client, rendered, customer
):
    response = client.get(verify_url(rendered))
    html = response.content.decode()
    assert response.status_code == 200 and 'data-verified="yes"' in html
    assert rendered.number in html and customer.get_full_name() not in html
    forged = verify_url(rendered)[:-2] + "00/"
    assert client.get(forged).status_code == 404


@pytest.mark.django_db
def test_the_first_download_is_the_original_later_ones_copies(
    client, rendered, customer, counter, other_customer, other_counter
):
    url = reverse("payments:receipt", args=[rendered.number])
    for outsider in (other_customer, other_counter):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(customer)
    first = client.get(url)
    assert first["Content-Disposition"].endswith(f'{rendered.number}.pdf"')
    client.force_login(counter)
    again = client.get(url)
    assert again["Content-Disposition"].endswith(f'{rendered.number}-copy.pdf"')


@pytest.mark.django_db
def test_a_reprint_before_its_copy_is_rendered_waits_for_it(
    client, customer, office, counter
):
    receipt = _pay(_invoice(customer, office, counter), counter).receipts.get()
    receipt_render_one(receipt_id=receipt.pk)
    url = reverse("payments:receipt", args=[receipt.number])
    client.force_login(customer)
    assert client.get(url).status_code == 200  # the original
    assert client.get(url).status_code == 202  # the copy: being prepared
    receipt_render_copy(receipt_id=receipt.pk)
    again = client.get(url)
    assert again["Content-Disposition"].endswith(f'{receipt.number}-copy.pdf"')


@pytest.mark.django_db
def test_before_rendering_the_page_says_it_is_being_prepared(
    client, customer, office, counter
):
    receipt = _pay(_invoice(customer, office, counter), counter).receipts.get()
    client.force_login(customer)
    assert (
        client.get(reverse("payments:receipt", args=[receipt.number])).status_code
        == 202
    )


@pytest.mark.django_db
def test_a_mistake_is_cancelled_by_a_credit_note(rendered, counter, supervisor):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        receipt_cancel(receipt=rendered, user=counter, reason="ผิดคน")
    note = receipt_cancel(receipt=rendered, user=supervisor, reason="รับเงินซ้ำ")
    assert note.number.startswith(f"CN{rendered.office.code}-") and note.seq == 1
    assert note.total == -rendered.total and note.cancels == rendered
    with pytest.raises(ServiceError):
        receipt_cancel(receipt=rendered, user=supervisor, reason="อีกครั้ง")
    rendered.refresh_from_db()
    assert rendered.total > 0  # the receipt itself is never edited


# 100 payments at once --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_100_concurrent_payments_get_100_consecutive_numbers(offices):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    office = offices["branch"]
    counter = factories.StaffFactory(office=office)
    invoices = [
        _invoice(factories.CustomerFactory(), office, counter) for _ in range(100)
    ]
    barrier = threading.Barrier(20)

    def pay(chunk):
        try:
            barrier.wait()
            for invoice in chunk:
                _pay(invoice, counter)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(pay, [invoices[i::20] for i in range(20)]))
    seqs = sorted(Receipt.objects.filter(office=office).values_list("seq", flat=True))
    assert seqs == list(range(1, 101))
