"""Receipt download (its customer and the office's staff) and the public,
signed verification page."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render

from payments.models import Receipt
from payments.receipts import receipt_for_download, receipt_for_verification
from requests_app.permissions import covers_office


@login_required
def receipt_download(request, number):
    receipt = (
        Receipt.objects.select_related("invoice", "office")
        .filter(number=number)
        .first()
    )
    user = request.user
    allowed = receipt is not None and (
        receipt.invoice.customer_id == user.pk
        or (user.is_office_staff and covers_office(user, receipt.office))
    )
    if not allowed:
        raise Http404
    if not receipt.rendered_at:
        return render(
            request, "payments/receipt_pending.html", {"r": receipt}, status=202
        )
    file, is_copy = receipt_for_download(receipt)
    name = f"{receipt.number}{'-copy' if is_copy else ''}.pdf"
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def receipt_verify(request, number, sig):
    """Anyone holding the printed link sees whether the receipt is genuine:
    number, date, office and amount, nothing about the payer."""
    receipt = receipt_for_verification(number, sig)
    status = 200 if receipt else 404
    return render(request, "payments/verify.html", {"r": receipt, "number": number},
                  status=status)  # fmt: skip
