"""An account's bills and usage, a bill with its Thai QR references, and its
PDF — the same rules as the web pages (bills.selectors, bills.documents):
only the customer's linked accounts, 404 for anyone else's."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api.apis.common import Api, CustomerOnly, paged, paginate, responses, schema
from api.apis.payments import PdfRenderer, ThaiQrOut
from api.errors import error_response
from bills.documents import bill_pdf_open, bill_pdf_request, bill_pdf_stored, bill_qr
from bills.models import Bill
from bills.selectors import (
    account_get_for_customer,
    bill_get_for_customer,
    bill_receipt,
    bills_of_account,
    usage_of_account,
)
from requests_app.documents import file_response

USAGE_MONTHS = (12, 24)


class BillOut(serializers.Serializer):
    number = serializers.CharField()
    ca_number = serializers.CharField(source="account.ca_number")
    period = serializers.DateField()
    read_from = serializers.DateField()
    read_on = serializers.DateField()
    previous_reading = serializers.DecimalField(max_digits=12, decimal_places=1)
    reading = serializers.DecimalField(max_digits=12, decimal_places=1)
    kwh = serializers.DecimalField(max_digits=12, decimal_places=1)
    energy_charge = serializers.DecimalField(max_digits=12, decimal_places=2)
    ft = serializers.DecimalField(max_digits=12, decimal_places=2)
    service_charge = serializers.DecimalField(max_digits=12, decimal_places=2)
    vat = serializers.DecimalField(max_digits=12, decimal_places=2)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    due_date = serializers.DateField()
    status = serializers.ChoiceField(choices=Bill.Status.choices)
    overdue = serializers.SerializerMethodField()
    paid_at = serializers.DateTimeField(allow_null=True)

    def get_overdue(self, bill) -> bool:
        return (
            bill.status == Bill.Status.UNPAID and bill.due_date < timezone.localdate()
        )


class BillDetailOut(BillOut):
    thai_qr = ThaiQrOut(
        allow_null=True,
        help_text="While the bill is unpaid: ref1 the CA number, ref2 the bill number",
    )
    receipt = serializers.CharField(
        allow_null=True, help_text="The receipt of the portal payment that paid it"
    )


class AccountBillListApi(Api):
    """An account's bills, newest month first."""

    permission_classes = [CustomerOnly]

    @schema(
        operation_id="accounts_bills_list",
        responses=responses({200: paged(BillOut)}, 401, 403, 404, 429),
    )
    def get(self, request, ca):
        account = account_get_for_customer(request.user, ca)
        bills = bills_of_account(account).select_related("account")
        return paginate(self, request, bills, BillOut, ordering=("-period", "-id"))


class UsageRowOut(serializers.Serializer):
    period = serializers.DateField()
    bill = serializers.CharField(source="number")
    kwh = serializers.DecimalField(max_digits=12, decimal_places=1)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)


class UsageOut(serializers.Serializer):
    ca_number = serializers.CharField()
    months = serializers.IntegerField()
    rows = UsageRowOut(many=True)


class AccountUsageApi(Api):
    """The usage of the last 12 or 24 months, up to this one, oldest first:
    each month's kWh and amount, the figures of its bill (those the web
    page's chart draws)."""

    permission_classes = [CustomerOnly]

    @schema(
        operation_id="accounts_usage_retrieve",
        parameters=[
            OpenApiParameter("months", int, enum=list(USAGE_MONTHS), required=False)
        ],
        responses=responses({200: UsageOut}, 400, 401, 403, 404, 429),
    )
    def get(self, request, ca):
        account = account_get_for_customer(request.user, ca)
        try:
            months = int(request.query_params.get("months", USAGE_MONTHS[0]))
        except ValueError:
            months = 0
        if months not in USAGE_MONTHS:
            raise serializers.ValidationError(
                {"months": [_("Choose 12 or 24 months.")]}
            )
        rows = usage_of_account(account, months=months)
        return Response(
            UsageOut(
                {"ca_number": account.ca_number, "months": months, "rows": rows}
            ).data
        )


class BillDetailApi(Api):
    """One bill: its figures, its Thai QR references while unpaid (ref. 1 the
    CA number, ref. 2 the bill number), and its receipt once paid here."""

    permission_classes = [CustomerOnly]

    @schema(
        operation_id="bills_retrieve",
        responses=responses({200: BillDetailOut}, 401, 403, 404, 429),
    )
    def get(self, request, number):
        bill = bill_get_for_customer(request.user, number)
        receipt = bill_receipt(bill)
        bill.thai_qr = bill_qr(bill) if bill.status == Bill.Status.UNPAID else None
        bill.receipt = receipt.number if receipt else None
        return Response(BillDetailOut(bill).data)


class BillPdfApi(Api):
    """The bill's PDF; 202 with the error shape while the worker renders it."""

    permission_classes = [CustomerOnly]
    renderer_classes = [JSONRenderer, PdfRenderer]

    @schema(
        operation_id="bills_pdf_retrieve",
        responses=responses(
            {
                (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
                202: OpenApiResponse(description="Being prepared; try again"),
            },
            401,
            403,
            404,
            429,
        ),
    )
    def get(self, request, number):
        bill = bill_get_for_customer(request.user, number)
        name = bill_pdf_stored(bill)
        if name is None:
            bill_pdf_request(bill)
            message = _("The bill is being prepared; try again shortly.")
            return error_response(202, message, code="not_ready")
        return file_response(
            bill_pdf_open(name),
            filename=f"{bill.number}.pdf",
            content_type="application/pdf",
        )
