"""A bill as a printable PDF in the layout of PEA's paper bill (ใบแจ้งค่าไฟฟ้า),
with its Thai QR (reference 1 the CA number, reference 2 the bill number, as
the paper bill prints them) and the counter's barcode; rendered by a Celery
task into the private storage, never in a web request.

The file's name carries a digest of what the bill prints, so a bill the
billing system corrects (a re-import that changes it) is rendered again,
and an unchanged one never is; no row records it."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from bills.models import Bill
from core.code128 import code128_svg
from core.english_words import baht_words_en
from core.queue import delay
from core.thai_words import baht_words
from payments import thaiqr
from payments.pdf import PrintDocument, document_to_pdf, qr_png_uri

logger = logging.getLogger(__name__)

_PRINTED = (
    "number", "period", "read_from", "read_on", "previous_reading", "reading",
    "kwh", "energy_charge", "ft", "service_charge", "vat", "total", "due_date",
)  # fmt: skip
_ACCOUNT = (
    "ca_number", "holder_name", "premises_address", "tariff", "meter_serial",
)  # fmt: skip
LAYOUT_VERSION = "2"  # bump when templates/bills/bill_pdf.html changes


def _storage():
    return storages["private"]


def pdf_name(bill: Bill) -> str:
    """Where the PDF of the bill as it stands is stored."""
    account = bill.account
    printed = "|".join(
        [LAYOUT_VERSION]
        + [str(getattr(bill, f)) for f in _PRINTED]
        + [str(getattr(account, f)) for f in _ACCOUNT]
        + [str(account.office_id)]
    )
    digest = hashlib.sha256(printed.encode()).hexdigest()[:16]
    return f"bills/{bill.period:%Y/%m}/{bill.number}-{digest}.pdf"


def bill_pdf_stored(bill: Bill) -> str | None:
    """The stored PDF's name, or None while it is to be rendered."""
    name = pdf_name(bill)
    return name if _storage().exists(name) else None


def bill_pdf_open(name: str):
    return _storage().open(name, "rb")


def bill_qr(bill: Bill) -> dict:
    args = {
        "biller_id": settings.PEA_BILLER_ID,
        "ref1": bill.account.ca_number,
        "ref2": bill.number,
        "amount": bill.total,
    }
    return {
        "payload": thaiqr.payload(**args),
        "barcode": thaiqr.barcode_line(**args),
        "ref1": thaiqr.reference(args["ref1"]),
        "ref2": thaiqr.reference(args["ref2"]),
        "biller_id": args["biller_id"],
    }


def bill_document(bill: Bill) -> PrintDocument:
    account = bill.account
    unpaid = bill.status == Bill.Status.UNPAID
    qr = bill_qr(bill) if unpaid else None
    with translation.override("th"):
        html = render_to_string(
            "bills/bill_pdf.html",
            {
                "bill": bill,
                "account": account,
                "office": account.office,
                "unpaid": unpaid,
                "qr": qr,
                "qr_png": qr_png_uri(qr["payload"]) if qr else "",
                "barcode_svg": mark_safe(code128_svg(qr["barcode"])) if qr else "",  # noqa: S308 - our SVG
                "barcode_text": qr["barcode"].replace("\r", " ") if qr else "",
                "words": baht_words(bill.total),
                "words_en": baht_words_en(bill.total),
            },
        )
    return PrintDocument(html, ("base", "bill"))


def bill_render_one(*, bill_id: int) -> bool:
    """Render the bill's PDF unless the one of the bill as it stands is
    there already; True when it rendered."""
    bill = Bill.objects.select_related("account__office").filter(pk=bill_id).first()
    if bill is None:
        return False
    name = pdf_name(bill)
    storage = _storage()
    if storage.exists(name):
        return False
    data = document_to_pdf(bill_document(bill))
    if not storage.exists(name):  # two renders at once: the first one stays
        storage.save(name, ContentFile(data))
    return True


def bill_pdf_request(bill: Bill) -> None:
    """Ask the worker for the bill's PDF (a page offers to try again)."""
    delay(
        "bills.tasks.bill_render",
        bill.pk,
        warning="bill %s: could not reach the broker to render its PDF",
        logger=logger,
    )
