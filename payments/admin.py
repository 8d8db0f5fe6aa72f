from django.contrib import admin

from payments.models import FeeItem, Invoice, InvoiceLine


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


class LineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in InvoiceLine._meta.fields]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    """Money records are read-only here: they change only through services."""

    list_display = ("number", "request", "status", "total", "due_date")
    list_filter = ("status",)
    list_select_related = ("request",)
    search_fields = ("number", "request__reference")
    inlines = [LineInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Invoice._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
