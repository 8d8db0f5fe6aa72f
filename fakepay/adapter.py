"""The provider adapter for the fake: the portal calls `checkout`, exactly as
it would call a real provider's SDK."""

from django.urls import reverse

from fakepay.models import FakeCharge


class FakeProvider:
    def checkout(self, *, invoice, return_url: str) -> str:
        charge = FakeCharge.objects.create(
            reference=invoice.number, amount=invoice.total,
            description=f"PEA {invoice.request.reference}", return_url=return_url,
        )  # fmt: skip
        return reverse("fakepay:checkout", args=[charge.pk])
