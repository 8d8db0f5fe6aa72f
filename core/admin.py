from django.contrib import admin

from core.models import PersonalDataAccess


class NoWrites:
    """No add, change or delete in the admin, whoever asks."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ImmutableAdmin(NoWrites, admin.ModelAdmin):
    """An audit-trail record (transition log, money record, access record):
    the admin shows it (every field read-only) and never adds, changes or deletes it — not even for a
    superuser. A mistake is corrected by a new record through a service (a
    credit note, a refund, a new transition); PostgreSQL triggers refuse the
    same edits from anywhere else (core/migrations/0003_immutable_records.py)."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ImmutableInline(NoWrites, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ImmutableAdmin):
    list_display = (
        "accessed_at",
        "accessed_by",
        "office",
        "subject",
        "kind",
        "field",
        "document_type",
        "reason",
        "reference",
    )
    list_filter = ("kind", "reason", "field")
    list_select_related = ("accessed_by", "office", "subject")
    search_fields = ("reference", "accessed_by__username")
    date_hierarchy = "accessed_at"
