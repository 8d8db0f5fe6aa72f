"""The provider adapter for the fake: the portal calls `checkout`, exactly as
it would call a real provider's SDK."""

from django.urls import reverse

from fakepay.models import FakeCharge
from payments.provider import Checkout


class FakeProvider:
    # Moves no money: refused with DEBUG off unless ALLOW_TEST_PAYMENTS, and
    # then every page says so (payments/checks.py, context_processors.py).
    test_payments = True

    def checkout(self, *, invoice, return_url: str) -> Checkout:
        charge = FakeCharge.objects.create(
            reference=invoice.number,
            amount=invoice.total,
            description=f"PEA {invoice.request.reference if invoice.request_id else invoice.number}",
            return_url=return_url,
        )
        return Checkout(
            url=reverse("fakepay:checkout", args=[charge.pk]),
            transaction_id=charge.transaction_id,
        )
