"""Every file the portal hands out (customers' documents, the PDFs of
invoices, receipts and refund vouchers, staff's CSV exports) goes out as an
attachment under a name of ours, with the content type we validated or made
(never one guessed from a customer's file name), no sniffing and no caching.
"""

from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from payments.models import Invoice, Receipt, Refund, Settlement
from payments.services import (
    deposit_record_meter_removal,
    deposit_settle,
    payment_record_cash,
    refund_approve,
    request_quote_fees,
)
from requests_app import services as rs
from requests_app.documents import content_disposition
from tests import factories
from tests.security.hostile_files import GOOD_PDF, picture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _payments_files_in_the_test_store(_private_storage, monkeypatch):
    """The PDF fields resolved their storage at import: point them at this
    test's private store, as tests/conftest.py does for documents."""
    for model, field in (
        (Invoice, "pdf"),
        (Refund, "pdf"),
        (Receipt, "pdf"),
        (Receipt, "pdf_copy"),
    ):
        monkeypatch.setattr(
            model._meta.get_field(field), "storage", storages["private"]
        )


def assert_private_attachment(
    response, *, content_type: str, filename: str, disposition: str = "attachment"
) -> None:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == f'{disposition}; filename="{filename}"'


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


# Customers' documents -----------------------------------------------------------------


@pytest.fixture
def png_named_pdf(customer, submitted_request):
    """A PNG its customer named deed.pdf: accepted (the content decides)."""
    return rs.document_attach(
        request=submitted_request,
        document_type=submitted_request.documents.first().document_type,
        uploaded=SimpleUploadedFile("deed.pdf", picture("PNG")),
        user=customer,
    )


@pytest.mark.parametrize("actor", ["customer", "counter", "supervisor"])
def test_a_document_goes_out_as_the_type_its_content_was_validated_as(
    client, request, png_named_pdf, actor
):
    client.force_login(request.getfixturevalue(actor))

    response = client.get(reverse("requests:document", args=[png_named_pdf.token]))

    req = png_named_pdf.request
    assert_private_attachment(
        response,
        content_type="image/png",  # not application/pdf, whatever the name said
        filename=f"{req.reference}-{png_named_pdf.document_type.code}.png",
        # Staff see it in the browser (issue 18); its customer downloads it.
        disposition="attachment" if actor == "customer" else "inline",
    )
    assert _body(response) == picture("PNG")


def test_the_customers_file_name_never_reaches_the_header(
    client, customer, submitted_request
):
    hostile = 'สัญญา"; filename="evil.html"; x=\\..\\a.pdf'
    document = rs.document_attach(
        request=submitted_request,
        document_type=submitted_request.documents.first().document_type,
        uploaded=SimpleUploadedFile("x.pdf", GOOD_PDF),
        user=customer,
    )
    document.original_name = hostile  # as if the label had got through
    document.save(update_fields=["original_name"])
    client.force_login(customer)

    response = client.get(reverse("requests:document", args=[document.token]))

    assert_private_attachment(
        response,
        content_type="application/pdf",
        filename=f"{submitted_request.reference}-{document.document_type.code}.pdf",
    )
    assert "evil" not in response["Content-Disposition"]


# PDFs of ours -------------------------------------------------------------------------


@pytest.fixture
def invoice(customer, office, counter) -> Invoice:
    r = rs.request_accept(
        request=factories.submit_request(customer=customer, office=office),
        user=counter,
    )
    invoice = request_quote_fees(request=r, user=counter)
    invoice.pdf.save("invoice.pdf", ContentFile(GOOD_PDF))
    return invoice


@pytest.fixture
def receipt(invoice, counter) -> Receipt:
    payment = payment_record_cash(invoice=invoice, user=counter, amount=invoice.total)
    receipt = payment.receipts.get()
    receipt.pdf.save("original.pdf", ContentFile(GOOD_PDF), save=False)
    receipt.pdf_copy.save("copy.pdf", ContentFile(GOOD_PDF), save=False)
    receipt.rendered_at = timezone.now()
    receipt.save()
    return receipt


@pytest.fixture
def refund(customer, office, counter, technician, supervisor) -> Refund:
    account = factories.account_for(customer, office, deposit="300.00")
    r = factories.submit_account_request(service_code="deposit-refund", account=account)
    r = deposit_record_meter_removal(
        request=rs.request_accept(request=r, user=counter), user=technician,
        final_reading=Decimal("10.0"),
    )  # fmt: skip
    deposit_settle(request=r, user=counter, final_bill=Decimal("120.50"))
    refund = refund_approve(refund=Refund.objects.get(request=r), user=supervisor)
    refund.pdf.save("voucher.pdf", ContentFile(GOOD_PDF))
    return refund


@pytest.mark.parametrize("actor", ["customer", "counter"])
def test_an_invoice_pdf_is_a_private_attachment(client, request, invoice, actor):
    client.force_login(request.getfixturevalue(actor))

    response = client.get(reverse("payments:invoice_pdf", args=[invoice.number]))

    assert_private_attachment(
        response, content_type="application/pdf", filename=f"{invoice.number}.pdf"
    )
    assert _body(response) == GOOD_PDF


def test_a_receipt_pdf_and_its_copy_are_private_attachments(client, customer, receipt):
    client.force_login(customer)
    url = reverse("payments:receipt", args=[receipt.number])

    first, again = client.get(url), client.get(url)

    for response, name in ((first, receipt.number), (again, f"{receipt.number}-copy")):
        assert_private_attachment(
            response, content_type="application/pdf", filename=f"{name}.pdf"
        )


def test_a_receipt_pdf_from_the_api_is_a_private_attachment(customer, receipt):
    api = APIClient()
    api.force_authenticate(customer)

    response = api.get(reverse("api:receipt_pdf", args=[receipt.number]))

    assert_private_attachment(
        response, content_type="application/pdf", filename=f"{receipt.number}.pdf"
    )


def test_a_refund_voucher_pdf_is_a_private_attachment(client, customer, refund):
    client.force_login(customer)

    response = client.get(reverse("payments:refund_voucher", args=[refund.number]))

    assert_private_attachment(
        response, content_type="application/pdf", filename=f"{refund.number}.pdf"
    )


# Staff's CSV exports ------------------------------------------------------------------


def test_the_csv_exports_are_private_attachments(client, supervisor, offices):
    settlement = Settlement.objects.create(
        filename="bank.txt", content=b"", sha256="0" * 64, uploaded_by=supervisor,
        office=supervisor.office,
    )  # fmt: skip
    client.force_login(supervisor)
    day = timezone.localdate()
    settlement_url = reverse("staff:settlement", args=[settlement.pk])
    exports = {
        f"settlement-{settlement.pk}.csv": f"{settlement_url}?format=csv",
        f"pea-takings-{day.isoformat()}.csv": reverse("staff:finance_daily"),
        f"open-{supervisor.office.code}-{day}.csv": (
            reverse("sla:list", args=["open"]) + "?format=csv"
        ),
    }

    for filename, url in exports.items():
        response = client.get(url)
        assert_private_attachment(response, content_type="text/csv", filename=filename)


# The header itself --------------------------------------------------------------------


def test_a_plain_name_is_sent_as_is():
    assert content_disposition("RC30101-2568-000001.pdf") == (
        'attachment; filename="RC30101-2568-000001.pdf"'
    )
    assert content_disposition("a.pdf", inline=True) == 'inline; filename="a.pdf"'


def test_a_thai_name_is_sent_in_utf8_with_an_ascii_stand_in():
    header = content_disposition("ใบเสร็จรับเงิน RC-1.pdf")

    plain, extended = header.split("; filename*=")
    assert plain == 'attachment; filename="RC-1.pdf"'
    assert extended.startswith("UTF-8''")
    assert unquote(extended.removeprefix("UTF-8''")) == "ใบเสร็จรับเงิน RC-1.pdf"


@pytest.mark.parametrize(
    "name",
    [
        'a"; filename="evil.html',
        "../../etc/passwd",
        "..\\..\\win.ini",
        "deed.pdf\r\nSet-Cookie: session=x",
        "evil\u202efdp.exe",
        "\x00",
        "",
        "ก" * 400,
    ],
)
def test_no_name_can_break_out_of_the_header(name):
    header = content_disposition(name)

    assert header.startswith("attachment; filename=")
    assert not any(c in header for c in "\r\n\x00\u202e/\\")
    # Exactly the two quotes around the plain name, nothing else quoted.
    plain = header.split("; filename*=")[0]
    assert plain.count('"') == 2 and plain.endswith('"')
    assert len(header) < 1500  # the name is cut to 150 characters
