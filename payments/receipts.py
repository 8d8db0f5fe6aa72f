"""Receipts: issued in the payment's transaction, rendered to PDF by a Celery
task after commit, verified by anyone through a signed link."""

from __future__ import annotations

import hashlib
import hmac
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.code128 import code128_svg
from core.dates import be_year
from core.english_words import baht_words_en
from core.queue import delay, delay_on_commit
from core.services import sequence_next
from core.thai_words import baht_words
from payments.models import Receipt
from payments.pdf import PrintDocument, document_to_pdf, qr_png_uri

logger = logging.getLogger(__name__)

PREFIX = {Receipt.Kind.RECEIPT: "RC", Receipt.Kind.CREDIT_NOTE: "CN"}


def _issue(*, kind, payment, invoice, user, now, cancels=None, reason="") -> Receipt:
    year = be_year(timezone.localtime(now))
    office = payment.office
    seq = sequence_next(key=f"{kind}:{office.code}:{year}")
    sign = -1 if kind == Receipt.Kind.CREDIT_NOTE else 1
    net = sum((line.net for line in invoice.lines.all()), 0)
    vat = sum((line.vat for line in invoice.lines.all()), 0)
    receipt = Receipt.objects.create(
        number=f"{PREFIX[kind]}{office.code}-{year}-{seq:06d}",
        kind=kind,
        office=office,
        be_year=year,
        seq=seq,
        payment=payment,
        invoice=invoice,
        total=sign * invoice.total,
        net=sign * net,
        vat=sign * vat,
        issued_at=now,
        issued_by=user,
        cancels=cancels,
        reason=reason,
    )
    # broker down: the beat sweep renders it later
    delay_on_commit(
        "payments.tasks.receipt_render",
        receipt.pk,
        warning="receipt %s: could not reach the broker; left for the sweep",
        logger=logger,
    )
    return receipt


def receipt_issue(*, payment, user) -> Receipt:
    """The receipt of a payment; call inside the payment's transaction."""
    return _issue(
        kind=Receipt.Kind.RECEIPT,
        payment=payment,
        invoice=payment.invoice,
        user=user,
        now=payment.received_at,
    )


def receipt_cancel(*, receipt: Receipt, user, reason: str) -> Receipt:
    """A receipt is never edited: a supervisor of its office cancels it with a
    credit note of its own number."""
    from accounts.models import User
    from accounts.offices import covers_office

    if user.role != User.Role.SUPERVISOR or not covers_office(user, receipt.office):
        raise PermissionDenied(
            _("Only a supervisor of the office may cancel a receipt.")
        )
    if not reason.strip():
        from django.core.exceptions import ValidationError

        raise ValidationError({"reason": _("Say why the receipt is cancelled.")})
    with transaction.atomic():
        original = Receipt.objects.select_for_update().get(pk=receipt.pk)
        if original.kind != Receipt.Kind.RECEIPT or hasattr(original, "credit_note"):
            from core.errors import ServiceError

            raise ServiceError(_("This receipt is already cancelled."))
        return _issue(
            kind=Receipt.Kind.CREDIT_NOTE,
            payment=original.payment,
            invoice=original.invoice,
            user=user,
            now=timezone.now(),
            cancels=original,
            reason=reason,
        )


# Verification ----------------------------------------------------------------------


def signature(receipt: Receipt) -> str:
    message = f"{receipt.number}|{receipt.total:.2f}|{receipt.issued_at:%Y%m%d}"
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"receipt:{message}".encode(), hashlib.sha256
    ).hexdigest()
    return digest[:24]


def verify_url(receipt: Receipt) -> str:
    path = reverse("payments:verify", args=[receipt.number, signature(receipt)])
    return settings.SITE_URL.rstrip("/") + path


def receipt_for_verification(number: str, sig: str) -> Receipt | None:
    receipt = Receipt.objects.select_related("office").filter(number=number).first()
    if receipt is None or not hmac.compare_digest(signature(receipt), sig):
        return None
    return receipt


# Rendering -------------------------------------------------------------------------


def render_pdf(receipt: Receipt, *, copy: bool) -> bytes:
    return document_to_pdf(receipt_document(receipt, copy=copy))


def receipt_document(receipt: Receipt, *, copy: bool) -> PrintDocument:
    invoice = receipt.invoice
    request = invoice.request
    verify = verify_url(receipt)
    with translation.override("th"):
        html = render_to_string(
            "payments/receipt_pdf.html",
            {
                "r": receipt,
                "invoice": invoice,
                "request": request,
                "office": receipt.office,
                "lines": list(invoice.lines.all()),
                "copy": copy,
                "payer": invoice.customer,
                "account": request.account if request else None,
                "words": baht_words(abs(receipt.total)),
                "words_en": baht_words_en(abs(receipt.total)),
                "qr": qr_png_uri(verify),
                "verify": verify,
            },
        )
    return PrintDocument(html, ("base", "receipt"))


def _for_render(receipt_id: int):
    return Receipt.objects.select_related(
        "office",
        "invoice__customer",
        "invoice__request__account",
        "invoice__request__service",
        "payment",
    ).filter(pk=receipt_id)


def store_pdf(file, filename: str, data: bytes) -> None:
    """Store a rendered PDF under its document's own name. Call holding the
    row's lock, before the row records it. A render killed after writing the
    file and before its commit (fault drill 1) left the file behind with no
    row pointing to it: replace it, rather than save a second copy beside it
    under a random suffix."""
    name = file.field.generate_filename(file.instance, filename)
    if file.storage.exists(name):
        file.storage.delete(name)
    file.save(filename, ContentFile(data), save=False)


def receipt_render_one(*, receipt_id: int) -> bool:
    """Render and store the original, once per receipt. The copy is rendered
    only when a reprint is first asked for (most receipts never are), so the
    task renders one page and the worker is free for the next payment."""
    receipt = _for_render(receipt_id).filter(rendered_at__isnull=True).first()
    if receipt is None:
        return False
    original = render_pdf(receipt, copy=False)
    with transaction.atomic():
        # of=self: the default ordering joins the office, whose row would be
        # locked too and hold up every write of the office (fault drill 1).
        locked = (
            Receipt.objects.select_for_update(of=("self",))
            .filter(pk=receipt_id, rendered_at__isnull=True)
            .first()
        )
        if locked is None:
            return False  # another worker finished first
        store_pdf(locked.pdf, f"{locked.number}.pdf", original)
        locked.rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "rendered_at"])
    return True


def receipt_render_copy(*, receipt_id: int) -> bool:
    """The reprint, marked as a copy (task, on the first reprint asked for)."""
    receipt = (
        _for_render(receipt_id).filter(rendered_at__isnull=False, pdf_copy="").first()
    )
    if receipt is None:
        return False
    copy = render_pdf(receipt, copy=True)
    with transaction.atomic():
        locked = (
            Receipt.objects.select_for_update(of=("self",))
            .filter(pk=receipt_id, pdf_copy="")
            .first()
        )
        if locked is None:
            return False
        store_pdf(locked.pdf_copy, f"{locked.number}-copy.pdf", copy)
        locked.save(update_fields=["pdf_copy"])
    return True


def receipts_render_missing(*, limit: int = 200) -> int:
    """Receipts, unpaid invoices and approved refunds still without their
    PDF (beat)."""
    from payments.models import Invoice
    from payments.vouchers import vouchers_render_missing

    ids = list(
        Receipt.objects.filter(rendered_at__isnull=True)
        .order_by("issued_at")
        .values_list("pk", flat=True)[:limit]
    )
    done = sum(receipt_render_one(receipt_id=pk) for pk in ids)
    copies = list(  # reprints asked for while the broker was down
        Receipt.objects.filter(downloads__gt=0, pdf_copy="")
        .order_by("issued_at")
        .values_list("pk", flat=True)[:limit]
    )
    done += sum(receipt_render_copy(receipt_id=pk) for pk in copies)
    invoices = list(
        Invoice.objects.filter(pdf="", status=Invoice.Status.UNPAID)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    done += sum(invoice_render_one(invoice_id=pk) for pk in invoices)
    return done + vouchers_render_missing(limit=limit)


def receipt_for_download(receipt: Receipt):
    """The original for the first download, a copy marked as such after
    (None while the copy is still being rendered)."""
    updated = Receipt.objects.filter(pk=receipt.pk, downloads=0).update(downloads=1)
    if not updated:
        if not receipt.pdf_copy:
            # at once, not on commit; broker down: the beat sweep renders it
            delay(
                "payments.tasks.receipt_render_copy",
                receipt.pk,
                warning="receipt %s copy: broker unreachable; left for the sweep",
                logger=logger,
            )
            return None, True
        Receipt.objects.filter(pk=receipt.pk).update(downloads=F("downloads") + 1)
        return receipt.pdf_copy, True
    return receipt.pdf, False


# Invoices (printable, with the Thai QR) ---------------------------------------------


def invoice_schedule(invoice) -> None:
    # broker down: the beat sweep renders it later
    delay_on_commit(
        "payments.tasks.invoice_render",
        invoice.pk,
        warning="invoice %s: could not reach the broker; left for the sweep",
        logger=logger,
    )


def render_invoice_pdf(invoice) -> bytes:
    return document_to_pdf(invoice_document(invoice))


def invoice_document(invoice) -> PrintDocument:
    from payments import thaiqr

    qr = thaiqr.for_invoice(invoice)
    with translation.override("th"):
        html = render_to_string(
            "payments/invoice_pdf.html",
            {
                "invoice": invoice,
                "request": invoice.request,
                "office": invoice.office,
                "lines": list(invoice.lines.all()),
                "payer": invoice.customer,
                "qr": qr,
                "qr_png": qr_png_uri(qr["payload"]),
                "barcode_svg": mark_safe(code128_svg(qr["barcode"])),  # noqa: S308 - our SVG
                "barcode_text": qr["barcode"].replace("\r", " "),
                "words": baht_words(invoice.total),
                "words_en": baht_words_en(invoice.total),
            },
        )
    return PrintDocument(html, ("base", "invoice"))


def invoice_render_one(*, invoice_id: int) -> bool:
    from payments.models import Invoice

    invoice = (
        Invoice.objects.select_related("request__service", "customer", "office")
        .filter(pk=invoice_id, pdf="")
        .first()
    )
    if invoice is None:
        return False
    data = render_invoice_pdf(invoice)
    with transaction.atomic():
        locked = (
            Invoice.objects.select_for_update().filter(pk=invoice_id, pdf="").first()
        )
        if locked is None:
            return False
        store_pdf(locked.pdf, f"{locked.number}.pdf", data)
        locked.save(update_fields=["pdf"])
    return True
