from decimal import Decimal

from django import template

from core.dates import format_date, format_month
from core.language import english

register = template.Library()


@register.filter
def thai_date(value):
    return format_date(value)


@register.filter
def thai_datetime(value):
    return format_date(value, with_time=True)


@register.filter
def month_year(value):
    return format_month(value)


@register.filter
def month_short(value):
    """ธ.ค. / Dec: a chart's tick."""
    if value is None:
        return ""
    return format_month(value).rsplit(" ", 1)[0]


@register.filter
def baht(value):
    """1234.5 → 1,234.50 บาท / ฿1,234.50 (always two decimals)."""
    if value is None or value == "":
        return ""
    amount = f"{Decimal(value):,.2f}"
    if english():
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
    """081-XXX-5678: phone numbers in staff lists are masked (PDPA)."""
    from core.phones import mask_phone

    return mask_phone(value or "")


@register.filter
def format_thai_id(value):
    """1234567890123 → 1-2345-67890-12-3, as printed on the ID card."""
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    if len(digits) != 13:
        return value
    return f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"


@register.filter
def may_reveal_identity(user) -> bool:
    """Whether the page offers "show full ID" (accounts.audit.REVEAL_ROLES)."""
    from accounts.audit import may_reveal_identity as may

    return may(user)


@register.filter
def may_read_audit(user) -> bool:
    from accounts.audit import may_read_audit as may

    return may(user)


@register.simple_tag
def identity_reasons():
    """Why staff may need a customer's full ID (core.models.PersonalDataAccess)."""
    from core.models import PersonalDataAccess

    return PersonalDataAccess.Reason.choices
