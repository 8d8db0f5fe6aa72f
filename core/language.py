"""Thai or English: which one the active language asks for, and the Thai or
English column of a model (`name_th` / `name_en`) to show. Thai is the
default when no language is active."""

from django.utils.translation import get_language, gettext, override


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


def bilingual(msgid: str, params: dict | None = None, *, limit: int = 200) -> str:
    """A system text stored once for readers of both languages, as Thai
    documents print it: "ไทย / English" (the Thai alone when both read the
    same), cut to `limit` characters. A parameter that is callable is called
    in each language (a date: `lambda: format_date(day)`)."""

    def text(language: str) -> str:
        with override(language):
            if params is None:
                return gettext(msgid)
            values = {k: v() if callable(v) else v for k, v in params.items()}
            return gettext(msgid) % values

    th, en = text("th"), text("en")
    return (th if th == en else f"{th} / {en}")[:limit]
