"""A receipt render killed after it wrote the PDF and before it committed
(fault drill 1, scripts/drills.sh) leaves the file with no row pointing to
it. The render that runs again replaces it: one receipt, one PDF file, under
the receipt's own name, and the lock it takes is on the receipt alone."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from payments.models import Receipt
from payments.receipts import receipt_render_one
from payments.services import payment_record_cash, request_quote_fees
from requests_app import services as rs
from tests import factories


@pytest.fixture
def receipt(customer, office, counter, monkeypatch):
    for name in ("pdf", "pdf_copy"):  # resolved at import: use this test's store
        monkeypatch.setattr(
            Receipt._meta.get_field(name), "storage", storages["private"]
        )
    req = factories.submit_request(customer=customer, office=office)
    req = rs.request_accept(request=req, user=counter)
    invoice = request_quote_fees(request=req, user=counter)
    payment = payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    return payment.receipts.get()


@pytest.mark.django_db
def test_a_render_after_a_killed_one_leaves_one_pdf(receipt):
    name = receipt.pdf.field.generate_filename(receipt, f"{receipt.number}.pdf")
    store = storages["private"]
    store.save(name, ContentFile(b"%PDF-1.4 left by a killed render"))

    assert receipt_render_one(receipt_id=receipt.pk)

    receipt.refresh_from_db()
    assert receipt.pdf.name == name
    folder = name.rsplit("/", 1)[0]
    assert store.listdir(folder)[1] == [f"{receipt.number}.pdf"]
    with store.open(name) as f:
        assert b"killed" not in f.read()


@pytest.mark.django_db
def test_the_render_locks_the_receipt_row_only(receipt):
    """Receipt's ordering joins the office: FOR UPDATE without OF locked the
    office's row too, holding up every write of the office meanwhile."""
    with CaptureQueriesContext(connection) as queries:
        receipt_render_one(receipt_id=receipt.pk)
    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    if connection.vendor == "postgresql":
        assert locks and all('FOR UPDATE OF "payments_receipt"' in q for q in locks)
