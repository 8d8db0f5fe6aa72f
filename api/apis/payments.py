"""Invoices with their Thai QR, starting a provider payment, and receipt
PDFs — the same rules as the web pages."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from api.apis.common import (
    Api,
    CustomerOnly,
    paged,
    paginate,
    responses,
    schema,
)
from api.errors import error_response
from core.errors import ServiceError
from core.language import localized
from payments import thaiqr
from payments.models import Invoice, Receipt
from payments.receipts import receipt_for_download
from payments.selectors import receipt_get_for_user
from payments.views import pdf_response


def _invoices(user):
    return (
        Invoice.objects.filter(customer=user)
        .select_related("request", "office")
        .prefetch_related(
            "lines", Prefetch("receipts", queryset=Receipt.objects.order_by("id"))
        )
    )


class LineOut(serializers.Serializer):
    kind = serializers.CharField()
    name = serializers.SerializerMethodField()
    net = serializers.DecimalField(max_digits=12, decimal_places=2)
    vat = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)

    def get_name(self, line) -> str:
        return localized(line, "name")


class ThaiQrOut(serializers.Serializer):
    payload = serializers.CharField(help_text="EMVCo payload for a QR image")
    biller_id = serializers.CharField()
    ref1 = serializers.CharField()
    ref2 = serializers.CharField()
    barcode = serializers.CharField(help_text="The counter barcode line")


class InvoiceOut(serializers.Serializer):
    number = serializers.CharField()
    # Empty for a bill payment (no request).
    reference = serializers.CharField(source="request.reference", allow_null=True)
    kind = serializers.CharField()
    status = serializers.CharField()
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    due_date = serializers.DateField()
    created_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    lines = LineOut(source="lines.all", many=True)
    receipts = serializers.SerializerMethodField()

    def get_receipts(self, invoice) -> list[str]:
        return [r.number for r in invoice.receipts.all()]


class InvoiceDetailOut(InvoiceOut):
    thai_qr = serializers.SerializerMethodField()

    def get_thai_qr(self, invoice) -> ThaiQrOut:
        if invoice.status != Invoice.Status.UNPAID:
            return None
        return ThaiQrOut(thaiqr.for_invoice(invoice)).data


class InvoiceListApi(Api):
    """My invoices, newest first."""

    permission_classes = [CustomerOnly]

    @schema(
        operation_id="invoices_list",
        responses=responses({200: paged(InvoiceOut)}, 401, 403, 429),
    )
    def get(self, request):
        return paginate(self, request, _invoices(request.user), InvoiceOut)


class InvoiceDetailApi(Api):
    """One invoice with its VAT split and, while unpaid, the Thai QR payload
    and barcode line."""

    permission_classes = [CustomerOnly]

    @schema(
        operation_id="invoices_retrieve",
        responses=responses({200: InvoiceDetailOut}, 401, 403, 404, 429),
    )
    def get(self, request, number):
        invoice = _invoices(request.user).filter(number=number).first()
        if invoice is None:
            raise NotFound
        return Response(InvoiceDetailOut(invoice).data)


class PaymentStartApi(Api):
    """Start an online payment: the provider's hosted page to open. The
    payment counts only when the provider's signed callback arrives."""

    permission_classes = [CustomerOnly]

    class OutputSerializer(serializers.Serializer):
        checkout_url = serializers.URLField()
        invoice = serializers.CharField()

    @schema(
        operation_id="invoices_payments_create",
        request=None,
        responses=responses({201: OutputSerializer}, 401, 403, 404, 409, 429),
    )
    def post(self, request, number):
        from payments.provider import provider

        invoice = _invoices(request.user).filter(number=number).first()
        if invoice is None:
            raise NotFound
        if invoice.status != Invoice.Status.UNPAID:
            raise ServiceError(_("This invoice is not open for payment."))
        back = request.build_absolute_uri(reverse("payments:return", args=[number]))
        url = request.build_absolute_uri(
            provider().checkout(invoice=invoice, return_url=back).url
        )
        return Response(
            {"checkout_url": url, "invoice": number}, status=status.HTTP_201_CREATED
        )


class PdfRenderer(BaseRenderer):
    """Lets a client ask for application/pdf; the view streams the file."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        import json

        return json.dumps(data).encode() if data is not None else b""


class ReceiptPdfApi(Api):
    """The receipt PDF: the original the first time, a copy marked as such
    after; 202 with the error shape while it is being rendered. For its
    customer and the office's staff."""

    renderer_classes = [JSONRenderer, PdfRenderer]

    @schema(
        operation_id="receipts_pdf_retrieve",
        responses=responses(
            {
                (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
                202: OpenApiResponse(description="Being prepared; try again"),
            },
            401,
            404,
            429,
        ),
    )
    def get(self, request, number):
        receipt = receipt_get_for_user(request.user, number)
        file, is_copy = (None, False)
        if receipt.rendered_at:
            file, is_copy = receipt_for_download(receipt)
        if file is None:
            message = _("The receipt is being prepared; try again shortly.")
            return error_response(202, message, code="not_ready")
        return pdf_response(file, f"{receipt.number}{'-copy' if is_copy else ''}.pdf")
