"""Validators for Thai identifiers. Messages go through gettext (Thai first)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# In core since the security log needs them too (issue 17); used here and
# still importable from here.
from core.phones import mask_phone, normalize_digits, normalize_mobile

_MOBILE_RE = re.compile(r"^0[689]\d{8}$")


def national_id_checksum_ok(value: str) -> bool:
    if not re.fullmatch(r"\d{13}", value):
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(value[:12]))
    return (11 - total % 11) % 10 == int(value[12])


def validate_national_id(value: str) -> None:
    value = normalize_digits(value)
    if not re.fullmatch(r"\d{13}", value):
        raise ValidationError(
            _("A national ID number has 13 digits."), code="national_id_length"
        )
    if not national_id_checksum_ok(value):
        raise ValidationError(
            _("This national ID number is not valid: please check the digits."),
            code="national_id_checksum",
        )


def normalize_login_name(value: str) -> str:
    """What a customer types to log in, as stored: a mobile number however
    written (081-234-5678, +66812345678) becomes 0812345678; a staff username
    stays as typed. Used by the login form, the API and django-axes, so every
    spelling of one number counts towards the same lockout."""
    value = (value or "").strip()
    mobile = normalize_mobile(value)
    return mobile if mobile.isdigit() and len(mobile) == 10 else value


def validate_thai_mobile(value: str) -> None:
    if not _MOBILE_RE.match(normalize_mobile(value)):
        raise ValidationError(
            _("Enter a Thai mobile number of 10 digits starting 06, 08 or 09."),
            code="mobile",
        )


def validate_juristic_registration(value: str) -> None:
    if not re.fullmatch(r"\d{13}", normalize_digits(value)):
        raise ValidationError(
            _("A juristic person registration number has 13 digits."),
            code="juristic_registration",
        )


def mask_national_id(value: str) -> str:
    """1-2345-67890-12-3 shown as X-XXXX-XXXXX-12-3 (PDPA: masked by default).

    Anything that is not a clean 13-digit ID is masked but for its last 3 digits."""
    digits = normalize_digits(value)
    if not digits:
        return ""
    if len(digits) != 13:
        return "X" * max(len(digits) - 3, 0) + digits[-3:]
    return f"X-XXXX-XXXXX-{digits[10:12]}-{digits[12]}"


def mask_username(value: str) -> str:
    """Customers log in with their mobile number (accounts.services): a
    username that is a phone number is masked like one; others are shown."""
    digits = normalize_mobile(value)
    if _MOBILE_RE.match(digits):
        return mask_phone(digits)
    return value
