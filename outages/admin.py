from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.validators import mask_phone
from outages.models import Incident, IncidentUpdate, OutageReport


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "office",
        "status",
        "danger",
        "reports_count",
        "first_reported_at",
    ]
    list_filter = ["status", "danger"]
    search_fields = ["number", "area"]
    readonly_fields = [f.name for f in Incident._meta.fields]


@admin.register(OutageReport)
class OutageReportAdmin(admin.ModelAdmin):
    list_display = ["token", "incident", "symptom", "channel", "created_at"]
    list_filter = ["symptom", "channel"]
    # The reporter's phone is shown masked (PDPA); staff reach reporters by the
    # incident's SMS updates, not by dialling from the admin.
    exclude = ["phone"]
    readonly_fields = ["phone_shown"] + [
        f.name for f in OutageReport._meta.fields if f.name != "phone"
    ]

    @admin.display(description=_("phone"))
    def phone_shown(self, report) -> str:
        return mask_phone(report.phone)


@admin.register(IncidentUpdate)
class IncidentUpdateAdmin(admin.ModelAdmin):
    list_display = ["incident", "kind", "created_at", "author"]
    readonly_fields = [f.name for f in IncidentUpdate._meta.fields]
