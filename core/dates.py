"""Buddhist-era dates for Thai readers, C.E. for English ones."""

from datetime import date, datetime

from django.utils import timezone

from core.language import english

THAI_MONTHS_ABBR = [
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
]
EN_MONTHS_ABBR = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
]


def be_year(value: date) -> int:
    return value.year + 543


def format_date(value: date | datetime | None, *, with_time: bool = False) -> str:
    """3 ธ.ค. 2569 (Thai) or 3 Dec 2026 (English); local time for datetimes."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    thai = not english()
    if thai:
        text = f"{value.day} {THAI_MONTHS_ABBR[value.month - 1]} {be_year(value)}"
    else:
        text = f"{value.day} {EN_MONTHS_ABBR[value.month - 1]} {value.year}"
    if with_time and isinstance(value, datetime):
        text += f" {value:%H:%M}"
        if thai:
            text += " น."
    return text


def format_month(value: date | None) -> str:
    """The month of a date: ธ.ค. 2569 (Thai) or Dec 2026 (English)."""
    if value is None:
        return ""
    if english():
        return f"{EN_MONTHS_ABBR[value.month - 1]} {value.year}"
    return f"{THAI_MONTHS_ABBR[value.month - 1]} {be_year(value)}"
