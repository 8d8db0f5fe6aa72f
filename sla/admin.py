from django.contrib import admin

from sla.models import Clock, DayOff, Policy, WorkingHours


@admin.register(DayOff)
class DayOffAdmin(admin.ModelAdmin):
    """Days PEA or an office announces off; the calendar reads them at once."""

    list_display = ("day", "name", "office")
    list_filter = ("office",)
    date_hierarchy = "day"
    search_fields = ("name",)


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ("office", "opens", "closes")


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    """Read only: a policy changes by a new version (sla.clocks.policy_publish),
    which editing the catalog step's time in the service admin does."""

    list_display = (
        "service",
        "step_code",
        "version",
        "target_value",
        "target_unit",
        "owner_role",
        "smart_plus",
    )
    list_filter = ("service", "target_unit", "owner_role")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Clock)
class ClockAdmin(admin.ModelAdmin):
    list_display = ("request", "step_code", "status", "due_at", "stopped_at")
    list_filter = ("status", "step_code")
    raw_id_fields = ("request", "policy", "office", "service", "assignee")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
