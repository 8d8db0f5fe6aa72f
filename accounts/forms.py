from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerProfile, User
from accounts.validators import (
    normalize_digits,
    normalize_login_name,
    normalize_mobile,
    validate_juristic_registration,
    validate_national_id,
    validate_thai_mobile,
)


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Mobile number or username"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    def clean_username(self):
        return normalize_login_name(self.cleaned_data["username"])


class CustomerDetailsForm(forms.Form):
    """Who the customer is; shared by sign-up and counter filing (walk-in)."""

    kind = forms.ChoiceField(
        label=_("I am"),
        choices=CustomerProfile.Kind.choices,
        initial="individual",
        widget=forms.RadioSelect,
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=16,
        validators=[validate_thai_mobile],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("10 digits, e.g. 0812345678. We send status updates here by SMS."),
    )
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    national_id = forms.CharField(
        label=_("National ID number"),
        max_length=17,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("13 digits, as on your ID card."),
    )
    company_name = forms.CharField(
        label=_("Company name"), max_length=255, required=False
    )
    juristic_registration_no = forms.CharField(
        label=_("Juristic person registration number"), max_length=17, required=False
    )
    vat_number = forms.CharField(label=_("VAT number"), max_length=17, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Language for messages"), choices=User.Language.choices, initial="th"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shown only for the matching kind of customer (static/js/portal.js).
        self.fields["national_id"].kind_only = "individual"
        for name in ("company_name", "juristic_registration_no", "vat_number"):
            self.fields[name].kind_only = "juristic"

    def clean_phone(self):
        phone = normalize_mobile(self.cleaned_data["phone"])
        if User.objects.filter(phone=phone).exists():
            raise ValidationError(
                _("An account with this mobile number already exists. Please log in.")
            )
        return phone

    def national_id_taken(self, national_id: str) -> None:
        """Staff filing at the counter are told plainly: they may look the
        customer up (SignupForm says less, to strangers)."""
        self.add_error(
            "national_id",
            _(
                "A customer with this national ID already has an account: find "
                "them by their mobile number instead."
            ),
        )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == CustomerProfile.Kind.INDIVIDUAL:
            value = normalize_digits(data.get("national_id", ""))
            if not value:
                self.add_error(
                    "national_id", _("Enter your 13-digit national ID number.")
                )
            else:
                try:
                    validate_national_id(value)
                    data["national_id"] = value
                except ValidationError as exc:
                    self.add_error("national_id", exc)
                else:
                    if CustomerProfile.objects.filter(
                        kind=CustomerProfile.Kind.INDIVIDUAL, national_id=value
                    ).exists():
                        self.national_id_taken(value)
        elif kind == CustomerProfile.Kind.JURISTIC:
            if not data.get("company_name"):
                self.add_error("company_name", _("Enter the company's name."))
            value = normalize_digits(data.get("juristic_registration_no", ""))
            try:
                validate_juristic_registration(value)
                data["juristic_registration_no"] = value
            except ValidationError as exc:
                self.add_error("juristic_registration_no", exc)
        return data


ACCOUNT_EXISTS = _(
    "We could not open an account with these details. If you already have an "
    "account, log in or reset your password."
)


class SignupForm(CustomerDetailsForm):
    """A stranger's form: a mobile number or a national ID that already has
    an account gets one message for both, naming neither field, so the form
    never says which of the two is known. (That the details were refused
    still tells whoever typed them that one of the two is taken: only an
    SMS-verified sign-up, answering the same in both cases, would not; the
    log-in and reset pages already answer the same for every number.)"""

    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_phone(self):
        phone = normalize_mobile(self.cleaned_data["phone"])
        if User.objects.filter(phone=phone).exists():
            self._taken = True
        return phone

    def national_id_taken(self, national_id: str) -> None:
        self._taken = True

    def clean(self):
        data = super().clean()
        if getattr(self, "_taken", False):
            self.add_error(None, ValidationError(ACCOUNT_EXISTS, code="account_exists"))
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            from django.contrib.auth.password_validation import validate_password

            try:
                validate_password(p1)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class PasswordResetRequestForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=16,
        validators=[validate_thai_mobile],
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "autofocus": True}
        ),
        help_text=_("The number you log in with, e.g. 0812345678."),
    )

    def clean_phone(self):
        return normalize_mobile(self.cleaned_data["phone"])


class PasswordResetCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
            }
        ),
        help_text=_("6 digits."),
    )

    def clean_code(self):
        code = normalize_digits(self.cleaned_data["code"])
        if not (len(code) == 6 and code.isdigit()):
            raise ValidationError(_("The code has 6 digits."), code="code_format")
        return code


class NewPasswordForm(SetPasswordForm):
    """Django's form (its validators, its checks), with the portal's help."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = _(
            "At least 8 characters, not only digits."
        )
        self.fields["new_password2"].help_text = ""
