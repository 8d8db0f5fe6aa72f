"""Refund vouchers: the printable document of an approved refund, rendered by
a Celery task after the approval commits and stored beside the receipts."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from core.english_words import baht_words_en
from core.queue import delay_on_commit
from core.thai_words import baht_words
from payments.models import Refund
from payments.pdf import PrintDocument, document_to_pdf

logger = logging.getLogger(__name__)


def voucher_schedule(refund: Refund) -> None:
    # broker down: the beat sweep renders it later
    delay_on_commit(
        "payments.tasks.refund_render",
        refund.pk,
        warning="refund %s: could not reach the broker; left for the sweep",
        logger=logger,
    )


def render_voucher_pdf(refund: Refund) -> bytes:
    return document_to_pdf(voucher_document(refund))


def voucher_document(refund: Refund) -> PrintDocument:
    from payments.models import DepositSettlement

    request = refund.request
    invoice = refund.invoice  # a bill payment's refund has no request
    deposit = (
        DepositSettlement.objects.filter(request=request).first()
        if refund.kind == Refund.Kind.DEPOSIT
        else None
    )
    with translation.override("en"):
        reason_en = refund.shown_reason
    with translation.override("th"):
        html = render_to_string(
            "payments/refund_pdf.html",
            {
                "refund": refund,
                "request": request,
                "invoice": invoice,
                "office": (request or invoice).office,
                "payee": request.applicant if request else invoice.customer,
                "account": request.account if request else None,
                "deposit": deposit,
                "words": baht_words(refund.amount),
                "words_en": baht_words_en(refund.amount),
                "reason_en": reason_en,
            },
        )
    return PrintDocument(html, ("base", "refund"))


def voucher_render_one(*, refund_id: int) -> bool:
    """Render and store the voucher of an approved refund, once."""
    refund = (
        Refund.objects.select_related(
            "request__office",
            "request__applicant",
            "request__account",
            "request__service",
            "invoice__office",
            "invoice__customer",
            "approved_by",
        )
        .filter(pk=refund_id, pdf="")
        .exclude(number=None)
        .first()
    )
    if refund is None:
        return False
    data = render_voucher_pdf(refund)
    with transaction.atomic():
        locked = Refund.objects.select_for_update().filter(pk=refund_id, pdf="").first()
        if locked is None:
            return False  # another worker finished first
        locked.pdf.save(f"{locked.number}.pdf", ContentFile(data), save=False)
        locked.save(update_fields=["pdf"])
    return True


def vouchers_render_missing(*, limit: int = 200) -> int:
    ids = list(
        Refund.objects.filter(pdf="")
        .exclude(number=None)
        .order_by("approved_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(voucher_render_one(refund_id=pk) for pk in ids)
