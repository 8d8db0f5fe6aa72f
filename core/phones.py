"""Phone numbers (and the digits of IDs) as people type them, and as pages
and logs show them. The base of the base layer: accounts' validators and
forms, the security log and the templates all use these (issue 17)."""

import re


def normalize_digits(value: str) -> str:
    """Drop spaces and dashes people type into IDs and phone numbers."""
    return re.sub(r"[\s\-]", "", value or "")


def normalize_mobile(value: str) -> str:
    value = normalize_digits(value)
    if value.startswith("+66"):
        value = "0" + value[3:]
    elif value.startswith("66") and len(value) == 11:
        value = "0" + value[2:]
    return value


def mask_phone(value: str) -> str:
    digits = normalize_digits(value)
    if len(digits) < 7:
        return "X" * len(digits)
    return f"{digits[:3]}-XXX-{digits[-4:]}"
