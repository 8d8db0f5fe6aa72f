"""Money records are read-only here, for every user: they change only through
payments.services (a payment, a receipt's credit note, a refund, a settlement
line's resolution), and what was recorded stays as it was."""

from django.contrib import admin

from core.admin import ImmutableAdmin, ImmutableInline
from payments.models import (
    DepositSettlement,
    Estimate,
    FeeItem,
    Invoice,
    InvoiceLine,
    Payment,
    ProviderEvent,
    Receipt,
    Refund,
    Settlement,
    SettlementRow,
)


@admin.register(FeeItem)
class FeeItemAdmin(admin.ModelAdmin):
    list_display = (
        "service",
        "meter_size",
        "code",
        "kind",
        "amount",
        "effective_from",
        "effective_to",
        "uncertain",
    )
    list_filter = ("service", "kind", "uncertain")
    list_select_related = ("service", "meter_size")


class LineInline(ImmutableInline):
    model = InvoiceLine


@admin.register(Invoice)
class InvoiceAdmin(ImmutableAdmin):
    list_display = ("number", "request", "status", "total", "due_date")
    list_filter = ("status",)
    list_select_related = ("request",)
    search_fields = ("number", "request__reference")
    inlines = [LineInline]


@admin.register(Payment)
class PaymentAdmin(ImmutableAdmin):
    list_display = (
        "invoice",
        "method",
        "amount",
        "office",
        "received_at",
        "provider_txn",
    )
    list_filter = ("method",)
    list_select_related = ("invoice", "office")
    search_fields = ("invoice__number", "provider_txn")
    date_hierarchy = "received_at"


@admin.register(Receipt)
class ReceiptAdmin(ImmutableAdmin):
    list_display = ("number", "kind", "office", "total", "issued_at", "cancels")
    list_filter = ("kind",)
    list_select_related = ("office", "cancels")
    search_fields = ("number", "invoice__number")
    date_hierarchy = "issued_at"


@admin.register(Refund)
class RefundAdmin(ImmutableAdmin):
    list_display = ("number", "kind", "request", "amount", "status", "created_at")
    list_filter = ("status", "kind")
    list_select_related = ("request",)
    search_fields = ("number", "request__reference")


@admin.register(DepositSettlement)
class DepositSettlementAdmin(ImmutableAdmin):
    list_display = (
        "request",
        "deposit",
        "final_bill",
        "refund_amount",
        "method",
        "paid_out_at",
    )
    list_select_related = ("request",)
    search_fields = ("request__reference",)


@admin.register(Estimate)
class EstimateAdmin(ImmutableAdmin):
    list_display = ("request", "amount", "accepted", "created_at")
    list_select_related = ("request",)
    search_fields = ("request__reference",)


@admin.register(ProviderEvent)
class ProviderEventAdmin(ImmutableAdmin):
    list_display = (
        "event_id",
        "kind",
        "invoice_number",
        "amount",
        "status",
        "received_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("event_id", "transaction_id", "invoice_number")


@admin.register(Settlement)
class SettlementAdmin(ImmutableAdmin):
    list_display = (
        "filename",
        "office",
        "bank",
        "effective",
        "status",
        "total_lines",
        "other_lines",
        "uploaded_by",
        "uploaded_at",
    )
    list_filter = ("status", "bank")
    # The file itself is binary; staff download the report from the finance page.
    exclude = ("content",)


@admin.register(SettlementRow)
class SettlementRowAdmin(ImmutableAdmin):
    """Lines of a settlement report (a file has thousands: a paged list, not an
    inline of the settlement)."""

    list_display = ("file", "line_seq", "result", "ref1", "file_amount", "resolution")
    list_filter = ("result", "resolution")
    list_select_related = False
    search_fields = ("ref1", "ref2")

    @admin.display(description="settlement", ordering="settlement_id")
    def file(self, row) -> int:
        # The id, not the file: loading the settlement would load its content.
        return row.settlement_id
