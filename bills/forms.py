"""Forms of the account pages: link an account, name it, and the counter's
link for a walk-in customer."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from bills.linking import LinkProof, normalize_ca
from core.phones import normalize_digits, normalize_mobile


class CaField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("CA number (account number)"))
        kwargs.setdefault(
            "help_text",
            _("The 12 digits printed as “CA” or “Account no.” on your bill."),
        )
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update(inputmode="numeric", autocomplete="off")

    def clean(self, value):
        value = normalize_ca(super().clean(value))
        if not re.fullmatch(r"\d{6,12}", value):
            raise forms.ValidationError(_("Enter the CA number: up to 12 digits."))
        return value


class AccountLinkForm(forms.Form):
    ca_number = CaField()
    bill_amount = forms.DecimalField(
        label=_("Amount of one of the last three bills (baht)"),
        help_text=_("The total to pay, e.g. 1234.50."),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        localize=False,
    )
    meter_number = forms.CharField(
        label=_("or the meter number"),
        help_text=_("Printed on the bill and on the meter itself."),
        required=False,
        max_length=32,
    )
    nickname = forms.CharField(
        label=_("A name for this account (optional)"),
        help_text=_("For example: home, shop, mother's house."),
        required=False,
        max_length=40,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bill_amount"].widget.attrs.update(inputmode="decimal", step="0.01")

    def proof(self) -> LinkProof:
        data = self.cleaned_data
        return LinkProof(
            bill_amount=data.get("bill_amount"),
            meter_number=(data.get("meter_number") or "").strip(),
        )


class AccountEditForm(forms.Form):
    nickname = forms.CharField(
        label=_("Name of this account"),
        help_text=_("For example: home, shop, mother's house."),
        required=False,
        max_length=40,
    )
    bill_notices = forms.BooleanField(
        label=_("Send me an SMS and e-mail when a bill is issued and before it is due"),
        required=False,
    )


class WalkInLinkForm(forms.Form):
    ca_number = CaField(help_text=_("From the customer's bill."))
    phone = forms.CharField(
        label=_("Customer's mobile number"),
        help_text=_("The number the customer logs in to the portal with."),
        max_length=20,
    )
    id_shown = forms.CharField(
        label=_("ID card or juristic registration number shown"),
        help_text=_("The 13 digits on the card the customer shows you."),
        max_length=20,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")
        self.fields["id_shown"].widget.attrs.update(
            inputmode="numeric", autocomplete="off"
        )

    def clean_phone(self):
        return normalize_mobile(self.cleaned_data["phone"])

    def clean_id_shown(self):
        value = normalize_digits(self.cleaned_data["id_shown"])
        if not re.fullmatch(r"\d{13}", value):
            raise forms.ValidationError(_("Enter the 13 digits of the card."))
        return value
