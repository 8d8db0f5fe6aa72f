"""Receipt download (its customer and the office's staff), the public signed
verification page, the provider's callback and the page the customer comes
back to from the provider."""

import logging

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.queue import delay_on_commit
from payments.receipts import receipt_for_download, receipt_for_verification
from payments.selectors import (
    invoice_get_for_user,
    receipt_get_for_user,
    refund_get_for_user,
)
from requests_app.documents import file_response


@login_required
def receipt_download(request, number):
    receipt = receipt_get_for_user(request.user, number)
    if not receipt.rendered_at:
        return render(
            request, "payments/receipt_pending.html", {"r": receipt}, status=202
        )
    file, is_copy = receipt_for_download(receipt)
    if file is None:  # the copy for reprints is still being rendered
        return render(
            request, "payments/receipt_pending.html", {"r": receipt}, status=202
        )
    return pdf_response(file, f"{receipt.number}{'-copy' if is_copy else ''}.pdf")


def receipt_verify(request, number, sig):
    """Anyone holding the printed link sees whether the receipt is genuine:
    number, date, office and amount, nothing about the payer."""
    receipt = receipt_for_verification(number, sig)
    status = 200 if receipt else 404
    return render(
        request, "payments/verify.html", {"r": receipt, "number": number}, status=status
    )


logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def provider_callback(request):
    """Verify, store once, answer at once; a task applies it after commit."""
    from payments import provider as p
    from payments.services import provider_event_store

    body = request.body
    try:
        p.verify(body, request.META.get(p.HEADER))
        event = p.parse(body)
    except p.BadCallback as exc:
        logger.warning("provider callback refused: %s", exc)
        return JsonResponse({"error": str(exc)}, status=400)
    with transaction.atomic():
        stored, created = provider_event_store(event)
        if created and stored.status == stored.Status.RECEIVED:
            # broker down: beat applies pending events
            delay_on_commit(
                "payments.tasks.provider_event_apply",
                stored.pk,
                warning="provider event %s: broker unreachable; left for the sweep",
                logger=logger,
            )
    if created and event.problem:
        logger.warning("provider event %s rejected: %s", stored.pk, event.problem)
    # 200 for every event stored, rejected ones too: resending it can only
    # give the same answer, so the provider must not retry (payments/provider.py).
    answer = {
        "received": stored.event_id,
        "duplicate": not created,
        "status": stored.status,
    }
    if stored.status == stored.Status.REJECTED and event.problem:
        answer["reason"] = event.problem
    return JsonResponse(answer)


# The session remembers when the customer last left for the provider's page,
# per invoice: results that reached us before belong to an earlier attempt,
# and the page can tell when the bank is slow.
ATTEMPTS_KEY = "payment_attempts"


def _attempt_begin(request, number, *, started, transaction_id: str) -> None:
    attempts = dict(request.session.get(ATTEMPTS_KEY) or {})
    attempts.pop(number, None)
    attempts[number] = [started.timestamp(), transaction_id]
    request.session[ATTEMPTS_KEY] = dict(list(attempts.items())[-5:])


def _attempt(request, number):
    """When the attempt the customer comes back from began and the provider's
    transaction id of it ((None, "") when this browser began none: the page
    follows the invoice's last attempt). An earlier, abandoned attempt that
    the provider expires later is not this one."""
    import datetime as dt

    attempt = (request.session.get(ATTEMPTS_KEY) or {}).get(number)
    if isinstance(attempt, (int, float)):  # a session from before the id
        attempt = [attempt, ""]
    if not (isinstance(attempt, list) and len(attempt) == 2):
        return None, ""
    seconds, transaction_id = attempt
    if not isinstance(seconds, (int, float)) or not isinstance(transaction_id, str):
        return None, ""
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC), transaction_id


def _return_context(request, number) -> dict:
    from payments.selectors import invoice_get_for_customer, online_payment_outcome
    from payments.services import invoice_back_url

    invoice = invoice_get_for_customer(request.user, number)
    since, transaction_id = _attempt(request, number)
    outcome = online_payment_outcome(
        invoice, since=since, transaction_id=transaction_id
    )
    return {"invoice": invoice, "outcome": outcome, "back": invoice_back_url(invoice)}


@login_required
@never_cache
def payment_return(request, number):
    """Where the provider sends the customer back. It shows what our records
    say; it never marks anything paid (only the signed callback does). Until
    a final outcome, static/js/payment_return.js asks `payment_status` every
    few seconds and swaps the outcome in; without script the page offers
    "Check again"."""
    return render(request, "payments/return.html", _return_context(request, number))


@login_required
@never_cache
def payment_status(request, number):
    """The return page's outcome as JSON: the state, whether it is final (the
    script stops asking) and the outcome's HTML, rendered as the page does."""
    from django.template.loader import render_to_string

    ctx = _return_context(request, number)
    outcome = ctx["outcome"]
    return JsonResponse(
        {
            "state": outcome.state,
            "final": outcome.final,
            "html": render_to_string(
                "payments/return_outcome.html", ctx, request=request
            ),
        }
    )


@login_required
@require_POST
def pay_online(request, number):
    """Send the customer to the provider's payment page for an unpaid invoice."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.urls import reverse
    from django.utils import timezone

    from payments.models import Invoice
    from payments.provider import provider
    from payments.services import (
        invoice_back_url,
        invoice_payment_refusal,
        invoice_refuse,
    )

    invoice = (
        Invoice.objects.select_related("request__service")
        .filter(number=number, customer=request.user)
        .first()
    )
    if invoice is None:
        raise Http404
    if invoice.status != Invoice.Status.UNPAID:
        return redirect(invoice_back_url(invoice))
    # Refused before the provider takes any money (charter §3.7: a
    # reconnection invoice does not outlive its day band).
    refusal = invoice_payment_refusal(invoice=invoice, on_date=timezone.localdate())
    if refusal:
        messages.error(request, invoice_refuse(invoice=invoice, refusal=refusal))
        return redirect(invoice_back_url(invoice))
    back = request.build_absolute_uri(reverse("payments:return", args=[number]))
    started = timezone.now()  # before the provider knows of it
    checkout = provider().checkout(invoice=invoice, return_url=back)
    _attempt_begin(
        request, number, started=started, transaction_id=checkout.transaction_id
    )
    return redirect(checkout.url)


@login_required
def invoice_pdf(request, number):
    """The printable invoice with its Thai QR, for its customer and the
    office's staff."""
    invoice = invoice_get_for_user(request.user, number)
    if not invoice.pdf:
        return _pending(request, _("Invoice"), invoice.number)
    return pdf_response(invoice.pdf, f"{invoice.number}.pdf")


@login_required
def refund_voucher(request, number):
    """The refund voucher, for the customer refunded and the office's staff."""
    refund = refund_get_for_user(request.user, number)
    if not refund.pdf:
        return _pending(request, _("Refund voucher"), refund.number)
    return pdf_response(refund.pdf, f"{refund.number}.pdf")


def _pending(request, title, number):
    return render(
        request,
        "payments/pdf_pending.html",
        {"title": title, "number": number},
        status=202,
    )


def pdf_response(file, name: str) -> FileResponse:
    """A stored PDF of ours as a private, non-sniffable attachment (an
    attachment like the customers' documents: one rule for every file)."""
    return file_response(file, filename=name, content_type="application/pdf")
