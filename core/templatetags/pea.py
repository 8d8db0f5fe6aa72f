from decimal import Decimal

from django import template
from django.utils.translation import get_language

from core.dates import format_date

register = template.Library()


@register.filter
def thai_date(value):
    return format_date(value)


@register.filter
def thai_datetime(value):
    return format_date(value, with_time=True)


@register.filter
def baht(value):
    """1234.5 → 1,234.50 บาท / ฿1,234.50 (always two decimals)."""
    if value is None or value == "":
        return ""
    amount = f"{Decimal(value):,.2f}"
    if (get_language() or "th").startswith("en"):
        return f"฿{amount}"
    return f"{amount} บาท"


@register.filter
def percent(value) -> str:
    """0.875 → "87.5%"; empty when there is nothing to rate."""
    if value is None:
        return "—"
    pct = round(float(value) * 100, 1)
    return f"{pct:g}%"


@register.filter
def get_item(mapping, key):
    """A dict's value by a variable key (report counts)."""
    return (mapping or {}).get(key)


@register.filter(name="mask_phone")
def mask_phone_filter(value):
    """081•••5678: phone numbers in staff lists are masked (PDPA)."""
    from accounts.validators import mask_phone

    return mask_phone(value or "")
