"""Paying electricity bills: several unpaid bills of the customer's linked
accounts in one online payment, exactly as the pay page does (bills.paying),
then the provider's hosted page like any invoice's payment."""

from django.urls import reverse
from rest_framework import serializers, status
from rest_framework.response import Response

from api.apis.common import Api, CustomerOnly, responses, schema
from bills.paying import bill_payment_start


class BillPaymentStartApi(Api):
    """Start an online payment of one or several unpaid bills: one invoice
    listing them, and the provider's page to open. The bills are paid only
    when the provider's signed callback arrives; the receipt then lists them
    (GET /invoices/{number}/ names it). Choosing the bills of an invoice still
    open again gives that invoice back."""

    permission_classes = [CustomerOnly]

    class InputSerializer(serializers.Serializer):
        bills = serializers.ListField(
            child=serializers.CharField(max_length=20),
            min_length=1,
            max_length=48,
            help_text="Bill numbers of the customer's linked accounts",
        )

    class OutputSerializer(serializers.Serializer):
        checkout_url = serializers.URLField()
        invoice = serializers.CharField()
        total = serializers.DecimalField(max_digits=12, decimal_places=2)
        bills = serializers.ListField(child=serializers.CharField())

    @schema(
        operation_id="bill_payments_create",
        request=InputSerializer,
        responses=responses({201: OutputSerializer}, 400, 401, 403, 429),
    )
    def post(self, request):
        from payments.provider import provider

        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invoice = bill_payment_start(
            user=request.user, numbers=data.validated_data["bills"]
        )
        back = request.build_absolute_uri(
            reverse("payments:return", args=[invoice.number])
        )
        url = request.build_absolute_uri(
            provider().checkout(invoice=invoice, return_url=back).url
        )
        numbers = list(
            invoice.bill_items.order_by("pk").values_list("bill__number", flat=True)
        )
        return Response(
            self.OutputSerializer(
                {"checkout_url": url, "invoice": invoice.number,
                 "total": invoice.total, "bills": numbers}
            ).data,
            status=status.HTTP_201_CREATED,
        )  # fmt: skip
