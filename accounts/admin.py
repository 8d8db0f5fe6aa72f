from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerProfile, Office, OfficeContact, User
from accounts.validators import (
    normalize_digits,
    validate_juristic_registration,
    validate_national_id,
)


class OfficeContactInline(admin.TabularInline):
    """The department heads' titles and phones the office's charter pages print."""

    model = OfficeContact
    extra = 0


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_th", "name_en", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name_th", "name_en")
    list_select_related = ("parent",)
    readonly_fields = ("path",)
    inlines = [OfficeContactInline]


class ProfileForm(forms.ModelForm):
    """The ID numbers are write-only here (PDPA): the admin shows them masked
    and can replace one, never read it back. Staff who need the full number
    use "Show full ID" on the request page, which records the look."""

    new_national_id = forms.CharField(
        label=_("Replace the national ID"), max_length=17, required=False
    )
    new_registration_no = forms.CharField(
        label=_("Replace the registration no."), max_length=17, required=False
    )

    class Meta:
        model = CustomerProfile
        # Never the ID numbers themselves: they are not sent to the browser.
        fields = ("kind", "company_name", "vat_number", "address")

    def clean_new_national_id(self):
        value = normalize_digits(self.cleaned_data["new_national_id"])
        if value:
            validate_national_id(value)
        return value

    def clean_new_registration_no(self):
        value = normalize_digits(self.cleaned_data["new_registration_no"])
        if value:
            validate_juristic_registration(value)
        return value

    def clean(self):
        data = super().clean()
        before = (self.instance.national_id, self.instance.juristic_registration_no)
        if data.get("new_national_id"):
            self.instance.national_id = data["new_national_id"]
        if data.get("new_registration_no"):
            self.instance.juristic_registration_no = data["new_registration_no"]
        if before != (
            self.instance.national_id,
            self.instance.juristic_registration_no,
        ):
            # A new ID is self-declared again until staff see the card.
            self.instance.id_verified_at = None
            self.instance.id_verified_by = None
        kind = data.get("kind", self.instance.kind)
        if kind == CustomerProfile.Kind.INDIVIDUAL and not self.instance.national_id:
            raise ValidationError({"new_national_id": _("Enter the national ID.")})
        if (
            kind == CustomerProfile.Kind.JURISTIC
            and not self.instance.juristic_registration_no
        ):
            raise ValidationError(
                {"new_registration_no": _("Enter the registration no.")}
            )
        return data


class ProfileInline(admin.StackedInline):
    model = CustomerProfile
    fk_name = "user"
    form = ProfileForm
    can_delete = False
    readonly_fields = ("national_id_shown", "registration_shown", "id_verified_at")
    fields = (
        "kind",
        "national_id_shown",
        "new_national_id",
        "company_name",
        "registration_shown",
        "new_registration_no",
        "vat_number",
        "address",
        "id_verified_at",
    )

    @admin.display(description=_("National ID"))
    def national_id_shown(self, profile) -> str:
        return profile.national_id_masked or "—"

    @admin.display(description=_("Registration no."))
    def registration_shown(self, profile) -> str:
        return profile.juristic_registration_masked or "—"


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = (
        "login",
        "first_name",
        "last_name",
        "role",
        "office",
        "is_active",
    )
    list_filter = ("role", "is_active", "is_department_head", "office__kind")
    list_select_related = ("office",)
    search_fields = ("username", "first_name", "last_name", "phone", "email")
    fieldsets = UserAdmin.fieldsets + (
        (
            "PEA",
            {
                "fields": (
                    "role",
                    "office",
                    "department",
                    "is_department_head",
                    "phone",
                    "preferred_language",
                )
            },
        ),
    )
    inlines = [ProfileInline]

    @admin.display(description=_("username"), ordering="username")
    def login(self, user) -> str:
        # A customer's username is their mobile number: masked in the list.
        return user.username_masked
