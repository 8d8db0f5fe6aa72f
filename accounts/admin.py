from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import CustomerProfile, Office, User


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_th", "name_en", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name_th", "name_en")
    list_select_related = ("parent",)
    readonly_fields = ("path",)


class ProfileInline(admin.StackedInline):
    model = CustomerProfile
    can_delete = False


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = (
        "username",
        "first_name",
        "last_name",
        "role",
        "office",
        "is_active",
    )
    list_filter = ("role", "is_active", "office__kind")
    list_select_related = ("office",)
    search_fields = ("username", "first_name", "last_name", "phone", "email")
    fieldsets = UserAdmin.fieldsets + (
        ("PEA", {"fields": ("role", "office", "phone", "preferred_language")}),
    )
    inlines = [ProfileInline]
