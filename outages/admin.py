from django.contrib import admin

from outages.models import Incident, IncidentUpdate, OutageReport


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["number", "office", "status", "danger", "reports_count",
                    "first_reported_at"]  # fmt: skip
    list_filter = ["status", "danger"]
    search_fields = ["number", "area"]
    readonly_fields = [f.name for f in Incident._meta.fields]


@admin.register(OutageReport)
class OutageReportAdmin(admin.ModelAdmin):
    list_display = ["token", "incident", "symptom", "channel", "created_at"]
    list_filter = ["symptom", "channel"]
    readonly_fields = [f.name for f in OutageReport._meta.fields]


@admin.register(IncidentUpdate)
class IncidentUpdateAdmin(admin.ModelAdmin):
    list_display = ["incident", "kind", "created_at", "author"]
    readonly_fields = [f.name for f in IncidentUpdate._meta.fields]
