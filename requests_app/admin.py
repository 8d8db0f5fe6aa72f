from django.contrib import admin

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


class EventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in RequestEvent._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    """Read-only: requests change only through their state machine's services."""

    list_display = ("reference", "service", "state", "office", "due_at", "created_at")
    list_filter = ("state", "service")
    list_select_related = ("service", "office")
    search_fields = ("reference",)
    inlines = [EventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ServiceRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
