from django.contrib import admin

from meters.models import ElectricityAccount, MeterSize


@admin.register(MeterSize)
class MeterSizeAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "rating",
        "phase",
        "max_load_a",
        "main_conductor_mm2",
        "ground_conductor_mm2",
        "main_breaker_a",
        "uncertain",
        "is_active",
    )


@admin.register(ElectricityAccount)
class ElectricityAccountAdmin(admin.ModelAdmin):
    list_display = ("ca_number", "customer", "office", "created_at")
    list_select_related = ("customer", "office")
    search_fields = ("ca_number",)
    readonly_fields = (
        "ca_number",
        "customer",
        "office",
        "request",
        "meter",
        "premises_address",
    )
