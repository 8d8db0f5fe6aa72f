"""Thai or English: which one the active language asks for, and the Thai or
English column of a model (`name_th` / `name_en`) to show. Thai is the
default when no language is active."""

from django.utils.translation import get_language


def english() -> bool:
    """Whether the active language is English."""
    return (get_language() or "th").startswith("en")


def localized(obj, field: str, *, thai_if_blank: bool = False) -> str:
    """`obj.<field>_en` in English, else `obj.<field>_th`. With
    `thai_if_blank`, an empty English text shows the Thai one."""
    th, en = getattr(obj, f"{field}_th"), getattr(obj, f"{field}_en")
    if english() and (en or not thai_if_blank):
        return en
    return th
