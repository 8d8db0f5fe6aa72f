from django.contrib import admin

from core.admin import ImmutableAdmin, ImmutableInline
from requests_app.models import (
    DocumentType,
    RequestEvent,
    ServiceDocument,
    ServiceRequest,
    ServiceType,
)


class ServiceDocumentInline(admin.TabularInline):
    model = ServiceDocument
    extra = 0


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_th", "name_en", "flow", "is_active", "sort_order")
    inlines = [ServiceDocumentInline]


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_th", "name_en")


class EventInline(ImmutableInline):
    model = RequestEvent

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ImmutableAdmin):
    """Read-only: requests change only through their state machine's services,
    and their timeline (the transition log) is never edited."""

    list_display = ("reference", "service", "state", "office", "due_at", "created_at")
    list_filter = ("state", "service")
    list_select_related = ("service", "office")
    search_fields = ("reference",)
    inlines = [EventInline]


@admin.register(RequestEvent)
class RequestEventAdmin(ImmutableAdmin):
    """The transition log across requests (who did what, when)."""

    list_display = (
        "created_at",
        "request",
        "kind",
        "action",
        "from_state",
        "to_state",
        "actor",
    )
    list_filter = ("kind", "action")
    list_select_related = ("request", "actor")
    search_fields = ("request__reference",)
    date_hierarchy = "created_at"
