from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Office
from accounts.validators import normalize_mobile, validate_thai_mobile
from outages.models import Symptom


class ThaiMobileField(forms.CharField):
    """0812345678 however written (+66 81 234 5678, 081-234-5678)."""

    default_validators = [validate_thai_mobile]

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_mobile(value) if value else value


class OutageReportForm(forms.Form):
    symptom = forms.ChoiceField(
        label=_("What do you see?"), choices=Symptom.choices, widget=forms.RadioSelect
    )
    ca_number = forms.RegexField(
        regex=r"^\d{9,12}$",
        required=False,
        label=_("CA number (on your bill)"),
        error_messages={"invalid": _("A CA number has 9 to 12 digits.")},
    )
    office = forms.ModelChoiceField(
        queryset=Office.objects.filter(kind=Office.Kind.BRANCH, is_active=True),
        required=False,
        label=_("PEA office of the area"),
        help_text=_("Not needed when you use your location."),
    )
    address = forms.CharField(
        required=False,
        label=_("Where (address or landmark)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    lat = forms.FloatField(
        required=False,
        label=_("Latitude"),
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    lon = forms.FloatField(
        required=False,
        label=_("Longitude"),
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    note = forms.CharField(
        required=False,
        label=_("Anything else we should know"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    name = forms.CharField(required=False, label=_("Your name"), max_length=120)
    phone = ThaiMobileField(required=False, label=_("Mobile phone"), max_length=20)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        if self.user is not None:  # we know who they are and how to reach them
            del self.fields["name"], self.fields["phone"]
        else:
            self.fields["phone"].required = True

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None):
            self.add_error("lon", _("Give both the latitude and the longitude."))
        if not (
            data.get("ca_number") or data.get("address") or data.get("lat") is not None
        ):
            raise forms.ValidationError(
                _("Give the CA number, or the address, or use your location.")
            )
        return data


class DispatchForm(forms.Form):
    crew = forms.ModelChoiceField(queryset=None, label=_("Crew (technician)"))
    eta = forms.DateTimeField(
        required=False,
        label=_("Estimated restoration"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    message = forms.CharField(
        required=False, label=_("Message to reporters"), max_length=300
    )

    def __init__(self, *args, technicians=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["crew"].queryset = technicians


class UpdateForm(forms.Form):
    message = forms.CharField(
        required=False, label=_("Message to reporters"), max_length=300
    )
    eta = forms.DateTimeField(
        required=False,
        label=_("Estimated restoration"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, **kwargs):
        # Its fields share their names with the dispatch form's, on the same
        # page: ids of their own, so each label names its own field.
        kwargs.setdefault("auto_id", "id_update_%s")
        super().__init__(*args, **kwargs)
