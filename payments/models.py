from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Office
from core.language import localized


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
        return localized(self, "name")


def _private_storage_lazy():
    from django.core.files.storage import storages

    return storages["private"]


class Invoice(models.Model):
    class Status(models.TextChoices):
        UNPAID = "unpaid", _("Unpaid")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")
        # Past the last day its request allows it to be paid (a reconnection
        # invoice outlives neither its day band nor its due date).
        EXPIRED = "expired", _("Expired")

    class Kind(models.TextChoices):
        # The fees of a service request; paying it takes the request's step.
        REQUEST = "request", _("Service request")
        # Electricity bills (bills.BillPaymentItem); paying it settles them
        # through settings.INVOICE_PAID_EFFECTS["bills"].
        BILLS = "bills", _("Electricity bills")

    number = models.CharField(max_length=24, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REQUEST)
    # Empty for a bill payment (no request).
    request = models.ForeignKey(
        "requests_app.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT)
    # Empty when nobody on the portal pays it (a bill of an account nobody
    # linked, paid by Thai QR or at a counter): `payer_name` names the payer.
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    payer_name = models.CharField(max_length=200, blank=True)
    # The bill-payment references a bank payment of it carries when they are
    # not the invoice's own (a paper bill's Thai QR: reference 1 the CA
    # number, reference 2 the bill number).
    bank_ref1 = models.CharField(max_length=20, blank=True)
    bank_ref2 = models.CharField(max_length=20, blank=True)
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
    # The printable invoice with its Thai QR, rendered by a task after commit.
    pdf = models.FileField(
        upload_to="invoices/%Y/",
        storage=_private_storage_lazy,
        blank=True,
        max_length=255,
    )

    class Meta:
        constraints = [
            # At most one live invoice per request at a time.
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(status="unpaid"),
                name="one_unpaid_invoice_per_request",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="bills") | models.Q(request__isnull=False),
                name="invoice_request_unless_bills",
            ),
        ]
        indexes = [
            # A bank payment by a paper bill's references (CA, bill number):
            # its invoice (payments.services.invoice_for_bank_refs).
            models.Index(
                fields=["bank_ref1", "bank_ref2"],
                name="invoice_bank_refs_idx",
                condition=~models.Q(bank_ref1=""),
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

    @staticmethod
    def number_from_ref(ref: str) -> str:
        """The invoice number a bill-payment reference 1 stands for (the bank's
        notification of a Thai QR payment carries ref 1, not the number)."""
        ref = ref.strip().upper()
        if len(ref) < 11 or not ref[-10:].isdigit():
            return ""
        return f"INV{ref[:-10]}-{ref[-10:-6]}-{ref[-6:]}"

    @staticmethod
    def office_code_from_ref(ref: str) -> str:
        """The code of the office a reference 1 names ("" if none)."""
        number = Invoice.number_from_ref(ref)
        return number[3:-12] if number else ""

    @property
    def payment_ref(self) -> str:
        """Reference 1 of the bill payment: the number without its prefix and
        dashes (letters and digits, at most 20)."""
        return self.number.removeprefix("INV").replace("-", "")

    @property
    def payer_shown(self) -> str:
        """Who pays it, as documents name them."""
        if self.customer_id:
            return self.customer.get_full_name()
        return self.payer_name


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
        return localized(self, "name")


class Payment(models.Model):
    class Method(models.TextChoices):
        CASH = "cash", _("Cash at the counter")
        ONLINE = "online", _("Online (card / internet banking / Thai QR)")

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
    # The provider's transaction id of an online payment: at most one payment
    # per transaction, whatever the number of callbacks.
    provider_txn = models.CharField(max_length=64, null=True, blank=True, unique=True)

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
    """Money PEA owes back: a meter-test fee when the meter was faulty (charter
    §3.6: within 7 days), a deposit on ending a contract, or a bank payment
    made twice or for too much. A supervisor approves it; it then gets its
    number and a printable refund voucher."""

    class Status(models.TextChoices):
        DUE = "due", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid out")

    class Kind(models.TextChoices):
        FEE = "fee", _("Fee refund")
        DEPOSIT = "deposit", _("Deposit refund")
        OVERPAYMENT = "overpayment", _("Over-payment refund")

    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    # The request the money is paid back on (a meter test; a deposit refund,
    # whose deposit was paid on the connection's invoice).
    request = models.ForeignKey(
        "requests_app.ServiceRequest",
        null=True,
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    # The refund document's number, given when a supervisor approves it.
    number = models.CharField(max_length=32, null=True, blank=True, unique=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Who raised it, when a person did (an over-payment refund from a
    # settlement report): they may not approve it themselves (four eyes).
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.FEE)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    # Why it is owed: the portal's own words as a key of
    # requests_app.notes.MESSAGES with its parameters, shown in the reader's
    # language (`shown_reason`); `reason` holds a typed one, and the words
    # refunds raised before the keys were given, in their writer's language.
    reason = models.CharField(max_length=200, blank=True)
    reason_key = models.CharField(max_length=40, blank=True)
    reason_params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DUE)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The refund voucher, rendered by a task once the refund is approved.
    pdf = models.FileField(
        storage=_private_storage_lazy, upload_to="refunds/%Y/%m/", blank=True
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
        return f"{self.number or self.request_id} −{self.amount} ({self.status})"

    @property
    def shown_reason(self) -> str:
        from requests_app.notes import shown

        return shown(self, "reason")


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


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


def _receipt_path(instance: "Receipt", filename: str) -> str:
    return f"receipts/{instance.be_year}/{instance.office_id}/{filename}"


class Receipt(models.Model):
    """A system receipt, or the credit note that cancels one. Numbered without
    gaps per issuing office, kind and Buddhist-era year (the counter row is
    locked in the payment's transaction, so a rollback gives its number back).
    Never edited: a mistake is cancelled by a credit note of its own number."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        CREDIT_NOTE = "credit_note", _("Credit note")

    number = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    be_year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="receipts"
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="receipts"
    )
    total = models.DecimalField(max_digits=12, decimal_places=2)
    net = models.DecimalField(max_digits=12, decimal_places=2)
    vat = models.DecimalField(max_digits=12, decimal_places=2)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancels = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_note",
    )
    reason = models.CharField(max_length=200, blank=True)
    pdf = models.FileField(
        upload_to=_receipt_path, storage=_private_storage, blank=True, max_length=255
    )
    pdf_copy = models.FileField(
        upload_to=_receipt_path, storage=_private_storage, blank=True, max_length=255
    )
    rendered_at = models.DateTimeField(null=True, blank=True)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["office", "kind", "be_year", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "kind", "be_year", "seq"], name="receipt_seq_once"
            ),
            models.UniqueConstraint(
                fields=["payment"],
                condition=models.Q(kind="receipt"),
                name="one_receipt_per_payment",
            ),
        ]
        indexes = [
            # The render safety net: receipts still without their PDF.
            models.Index(
                fields=["issued_at"],
                name="receipt_unrendered_idx",
                condition=models.Q(rendered_at__isnull=True),
            ),
            # ... and reprints asked for whose copy is not rendered yet.
            models.Index(
                fields=["issued_at"],
                name="receipt_copy_missing_idx",
                condition=models.Q(downloads__gt=0, pdf_copy=""),
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ProviderEvent(models.Model):
    """A callback from the payment provider, stored as received (after its
    signature was checked) and processed by a task. The event id makes a
    replayed or duplicated callback a no-op."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        APPLIED = "applied", _("Applied")
        IGNORED = "ignored", _("Ignored")
        REJECTED = "rejected", _("Rejected")

    event_id = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=40)
    transaction_id = models.CharField(max_length=64, db_index=True)
    invoice_number = models.CharField(max_length=32)
    # Empty when the callback's amount was no amount (NaN, 1e400, -5, 1.234):
    # the event is then rejected and `outcome` says why (the payload keeps
    # what was sent).
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    currency = models.CharField(max_length=3)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default="received")
    # Why it was ignored or rejected, or the payment it made.
    outcome = models.CharField(max_length=200, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at"]
        indexes = [
            # The return page's outcome (polled every few seconds): an
            # invoice's latest results (payments.selectors.online_payment_outcome).
            models.Index(
                fields=["invoice_number", "-received_at"],
                name="payments_event_invoice_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.kind} {self.status}"


class Settlement(models.Model):
    """An imported end-of-day settlement file and its reconciliation report,
    for one office tree: the uploader's office and the offices below it (a
    province supervisor's import is their province's report). A line belongs
    to the office its reference 1 names (an invoice's number carries its
    office's code): lines of offices outside the tree are left out of the
    report (counted in `other_lines`); lines naming no office of ours are
    kept (the bank returns that money). Empty office: every office (an
    administrator's import). The same file may be imported once per tree."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Matching")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bank = models.CharField(max_length=3, blank=True)
    effective = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default="pending")
    error = models.CharField(max_length=300, blank=True)
    total_lines = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    # Lines of invoices of offices outside the tree, left out of the report.
    other_lines = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)
    # Four eyes: the uploader proposes; another supervisor of the tree posts
    # its lines or raises their refunds (SettlementRow.resolved_by).
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            # A file is imported once per office tree (each province may import
            # the bank's one file for its own lines) ...
            models.UniqueConstraint(
                fields=["sha256", "office"],
                condition=models.Q(office__isnull=False),
                name="settlement_once_per_office",
            ),
            # ... and once for every office.
            models.UniqueConstraint(
                fields=["sha256"],
                condition=models.Q(office__isnull=True),
                name="settlement_once_for_all_offices",
            ),
        ]
        indexes = [
            # The supervisor's list: their tree's imports, newest first.
            models.Index(
                fields=["office", "-uploaded_at"], name="settlement_office_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.filename} {self.status}"

    @property
    def progress(self) -> int:
        return round(100 * self.processed / self.total_lines) if self.total_lines else 0


class SettlementRow(models.Model):
    class Result(models.TextChoices):
        MATCHED = "matched", _("Matched")
        MISSING_HERE = "missing_here", _("In the file, no payment here")
        MISSING_IN_FILE = "missing_in_file", _("Our payment, not in the file")
        AMOUNT_MISMATCH = "amount_mismatch", _("Amounts differ")
        DUPLICATE = "duplicate", _("Duplicate line")

    class Resolution(models.TextChoices):
        POSTED = "posted", _("Posted as the payment")
        REFUND = "refund", _("Refund raised")

    settlement = models.ForeignKey(
        Settlement, on_delete=models.CASCADE, related_name="rows"
    )
    result = models.CharField(max_length=16, choices=Result.choices)
    line_seq = models.PositiveIntegerField(null=True)
    ref1 = models.CharField(max_length=20, blank=True)
    ref2 = models.CharField(max_length=20, blank=True)
    file_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    paid_at = models.DateTimeField(null=True)
    payment = models.ForeignKey(
        Payment, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # What finance did about a discrepancy: a bank line with no payment of
    # ours posted as the payment, or money paid twice or too much refunded.
    resolution = models.CharField(
        max_length=8, choices=Resolution.choices, blank=True, default=""
    )
    refund = models.OneToOneField(
        Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["settlement", "result"], name="settlement_row_idx")
        ]

    def __str__(self) -> str:
        return f"{self.ref1} {self.result}"
