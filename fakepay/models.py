import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class FakeCharge(models.Model):
    """What the fake provider knows of a payment: its own records, not ours."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=32)  # our invoice number
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="THB")
    description = models.CharField(max_length=200, blank=True)
    return_url = models.URLField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default="pending")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.id} {self.reference} {self.status}"

    @property
    def transaction_id(self) -> str:
        """The id its events carry (data.transaction_id)."""
        return f"txn_{self.id.hex}"

    @property
    def expires_at(self) -> datetime:
        """A hosted payment page lives FAKEPAY_CHECKOUT_SECONDS, as a real
        provider's checkout session does; then it can no longer be paid."""
        return self.created_at + timedelta(seconds=settings.FAKEPAY_CHECKOUT_SECONDS)

    def is_expired(self, now: datetime | None = None) -> bool:
        return (
            self.status == self.Status.PENDING
            and (now or timezone.now()) >= self.expires_at
        )


class FakeDelivery(models.Model):
    """Each callback attempt, as a real provider's dashboard would list it."""

    charge = models.ForeignKey(
        FakeCharge, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=40)
    attempt = models.PositiveSmallIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True)
    error = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.event_id} #{self.attempt} {self.status_code}"
