"""Electricity bills of the accounts the billing system (ECS / c-Service)
holds, the imports of its export files, the proofs customers give to link an
account, and the bills a portal payment settles."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class Bill(models.Model):
    """One monthly bill as the billing system issued it. Upserted by its
    number; its money fields are the billing system's, never recomputed."""

    class Status(models.TextChoices):
        UNPAID = "unpaid", _("Unpaid")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    # Unique by a constraint, not unique=True: PostgreSQL would get a second
    # (text-pattern) index of the number that no query uses, written with
    # every bill imported.
    number = models.CharField(max_length=20)
    # No index of its own: bill_one_per_account_period (account, period)
    # serves every look-up by account, in either order of period.
    account = models.ForeignKey(
        "meters.ElectricityAccount",
        on_delete=models.PROTECT,
        related_name="bills",
        db_index=False,
    )
    # The month billed (its first day) and the meter-reading dates.
    period = models.DateField()
    read_from = models.DateField()
    read_on = models.DateField()
    previous_reading = models.DecimalField(max_digits=12, decimal_places=1)
    reading = models.DecimalField(max_digits=12, decimal_places=1)
    kwh = models.DecimalField(max_digits=12, decimal_places=1)
    energy_charge = models.DecimalField(max_digits=12, decimal_places=2)
    ft = models.DecimalField(max_digits=12, decimal_places=2)
    service_charge = models.DecimalField(max_digits=12, decimal_places=2)
    vat = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    due_date = models.DateField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.UNPAID
    )
    # The portal payment that settled it (payments.Invoice of a bill
    # payment); empty for a bill paid elsewhere, as the billing system says.
    # Never looked up from the invoice's side (invoices are never deleted;
    # BillPaymentItem links them), so no index.
    paid_invoice = models.ForeignKey(
        "payments.Invoice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    # The customer was told once of the bill, and once three days before
    # its due date (bills.notices).
    issue_notice_at = models.DateTimeField(null=True, blank=True)
    reminder_at = models.DateTimeField(null=True, blank=True)
    # Unpaid past its due date: the first notice, once; then, after the
    # tariff's grace period (bills/overdue_rules.json), the disconnection
    # notice, once, stating the amount and the first day the supply may be
    # cut (bills.overdue).
    overdue_notice_at = models.DateTimeField(null=True, blank=True)
    disconnection_notice_at = models.DateTimeField(null=True, blank=True)
    disconnect_from = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__gte=0), name="bill_total_not_negative"
            ),
            models.UniqueConstraint(fields=["number"], name="bill_number_once"),
            # Also "my bills": an account's bills, newest period first (the
            # index read backwards).
            models.UniqueConstraint(
                fields=["account", "period"], name="bill_one_per_account_period"
            ),
        ]
        indexes = [
            # The reminder sweep: unpaid bills not reminded yet, by due date.
            models.Index(
                fields=["due_date"],
                name="bill_reminder_due_idx",
                condition=models.Q(status="unpaid", reminder_at__isnull=True),
            ),
            # The overdue sweeps: unpaid bills not given each notice yet, by
            # due date; a bill leaves each index with its notice (or its
            # payment), so a sweep reads the bills falling due, not every
            # unpaid one.
            models.Index(
                fields=["due_date"],
                name="bill_overdue_due_idx",
                condition=models.Q(status="unpaid", overdue_notice_at__isnull=True),
            ),
            models.Index(
                fields=["due_date"],
                name="bill_disconnect_due_idx",
                condition=models.Q(
                    status="unpaid", disconnection_notice_at__isnull=True
                ),
            ),
            # The issue-notice sweep: bills nobody was told of yet.
            models.Index(
                fields=["created_at"],
                name="bill_issue_notice_idx",
                condition=models.Q(issue_notice_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.number


class BillingImport(models.Model):
    """One export file of the billing system, imported by a task: what it
    held, how far the import got, and what it did."""

    class Kind(models.TextChoices):
        ACCOUNTS = "accounts", _("Accounts")
        BILLS = "bills", _("Bills")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    filename = models.CharField(max_length=200)
    file = models.FileField(
        storage=_private_storage, upload_to="billing/%Y/%m/", blank=True
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, blank=True)
    encoding = models.CharField(max_length=12, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING
    )
    error = models.CharField(max_length=300, blank=True)
    bytes_read = models.PositiveBigIntegerField(default=0)
    lines = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.filename


class ImportRejection(models.Model):
    """A line of an export file that was not imported, and why."""

    billing_import = models.ForeignKey(
        BillingImport, on_delete=models.CASCADE, related_name="rejections"
    )
    line_no = models.PositiveIntegerField()
    reason = models.CharField(max_length=300)
    text = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["billing_import", "line_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["billing_import", "line_no"], name="rejection_line_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.billing_import_id}:{self.line_no}"


class LinkAttempt(models.Model):
    """A customer's try to link an account with a proof; failures count
    towards the lockout (bills.linking)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    ca_number = models.CharField(max_length=20)
    succeeded = models.BooleanField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # The lockout: a user's recent failures.
            models.Index(fields=["user", "at"], name="link_attempt_user_idx")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.ca_number} {self.succeeded}"


class BillPaymentItem(models.Model):
    """A bill on the invoice of a bill payment (one invoice, several bills,
    across the customer's accounts)."""

    invoice = models.ForeignKey(
        "payments.Invoice", on_delete=models.PROTECT, related_name="bill_items"
    )
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="items")
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "bill"], name="bill_item_once_per_invoice"
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}:{self.bill_id}"
