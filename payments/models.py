from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Office


class FeeItem(models.Model):
    """A dated line of the fee schedule. Amounts are what the customer pays:
    fees include 7 % VAT, deposits carry none."""

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("Deposit")
        FEE = "fee", _("Fee")
        BILL = "bill", _("Outstanding bills")

    service = models.ForeignKey(
        "requests_app.ServiceType", on_delete=models.PROTECT, related_name="fees"
    )
    code = models.SlugField(max_length=40)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name_th = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    meter_size = models.ForeignKey(
        "meters.MeterSize", null=True, blank=True, on_delete=models.PROTECT
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    uncertain = models.BooleanField(default=False)

    class Meta:
        ordering = ["service", "meter_size", "kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="fee_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.amount}"

    @property
    def name(self) -> str:
        return (
            self.name_en if (get_language() or "th").startswith("en") else self.name_th
        )


class Invoice(models.Model):
    class Status(models.TextChoices):
        UNPAID = "unpaid", _("Unpaid")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(max_length=24, unique=True)
    request = models.ForeignKey(
        "requests_app.ServiceRequest", on_delete=models.PROTECT, related_name="invoices"
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invoices"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.UNPAID
    )
    total = models.DecimalField(max_digits=12, decimal_places=2)
    due_date = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # At most one live invoice per request at a time.
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(status="unpaid"),
                name="one_unpaid_invoice_per_request",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def vat_total(self) -> Decimal:
        return sum((line.vat for line in self.lines.all()), Decimal("0.00"))

    @property
    def net_total(self) -> Decimal:
        return sum((line.net for line in self.lines.all()), Decimal("0.00"))


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    fee_item = models.ForeignKey(FeeItem, null=True, on_delete=models.PROTECT)
    kind = models.CharField(max_length=10, choices=FeeItem.Kind.choices)
    name_th = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    net = models.DecimalField(max_digits=12, decimal_places=2)
    vat = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount=models.F("net") + models.F("vat")),
                name="line_amount_is_net_plus_vat",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name_en} {self.amount}"

    @property
    def name(self) -> str:
        return (
            self.name_en if (get_language() or "th").startswith("en") else self.name_th
        )


class Payment(models.Model):
    class Method(models.TextChoices):
        CASH = "cash", _("Cash at the counter")

    # One payment settles one invoice: the unique key makes a double payment
    # impossible, not just unlikely.
    invoice = models.OneToOneField(
        Invoice, on_delete=models.PROTECT, related_name="payment"
    )
    method = models.CharField(max_length=10, choices=Method.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    office = models.ForeignKey(Office, on_delete=models.PROTECT)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField()

    class Meta:
        indexes = [
            # Daily cash summary per office.
            models.Index(
                fields=["office", "received_at"], name="payment_office_day_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.amount}"


class Refund(models.Model):
    """Money PEA owes back, e.g. a meter-test fee when the meter was faulty
    (charter §3.6: within 7 days). Recorded here; paying it out through the
    provider or at the counter comes with the payments work."""

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        PAID = "paid", _("Paid out")

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="refunds"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.CharField(max_length=200)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.DUE)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="refund_positive"
            ),
            # One refund per invoice: a double click never pays twice.
            models.UniqueConstraint(fields=["invoice"], name="one_refund_per_invoice"),
        ]
        indexes = [
            # Refunds still owed, oldest first (dashboards, sweeps).
            models.Index(
                fields=["created_at"],
                name="refund_due_idx",
                condition=models.Q(status="due"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice} −{self.amount} ({self.status})"


class DepositSettlement(models.Model):
    """Ending a contract (charter §3.9): the final reading, the final bill set
    against the deposit, and how the rest is paid out — cash to the holder in
    person up to 15,000 baht, otherwise a cheque."""

    class Method(models.TextChoices):
        CASH = "cash", _("Cash to the contract holder in person")
        CHEQUE = "cheque", _("Cheque")

    request = models.OneToOneField(
        "requests_app.ServiceRequest",
        on_delete=models.PROTECT,
        related_name="settlement",
    )
    final_reading = models.DecimalField(max_digits=10, decimal_places=1)
    meter_removed_at = models.DateTimeField()
    deposit = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    final_bill = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    refund_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    method = models.CharField(max_length=6, choices=Method.choices, blank=True)
    cheque_number = models.CharField(max_length=20, blank=True)
    paid_out_at = models.DateTimeField(null=True, blank=True)
    paid_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refund_amount__isnull=True)
                | models.Q(refund_amount__gte=0),
                name="settlement_refund_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.refund_amount} {self.method}"


class Estimate(models.Model):
    """A cost estimate for work PEA builds (extensions): the customer accepts
    it (an invoice follows) or declines it."""

    request = models.ForeignKey(
        "requests_app.ServiceRequest",
        on_delete=models.PROTECT,
        related_name="estimates",
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    details = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted = models.BooleanField(null=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="estimate_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.amount}"
