"""What the portal itself writes on a request's timeline ("3 documents
attached", "Planned outage on …"): stored as a key and parameters
(RequestEvent.message_key, message_params) and rendered in the reader's
language, so an English reader never sees the Thai a Thai clerk's step
happened to be taken in, nor the reverse."""

from __future__ import annotations

from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core.dates import format_date

LANGUAGES = ("th", "en")


def both(owner, field: str) -> dict:
    """A name in both languages, for a parameter (`name_th`, `name_en`)."""
    return {
        lang: str(getattr(owner, f"{field}_{lang}", "") or "") for lang in LANGUAGES
    }


def _pick(value):
    if isinstance(value, dict) and value and set(value) <= set(LANGUAGES):
        lang = (get_language() or "th")[:2]
        return value.get(lang) or value.get("th") or value.get("en") or ""
    return value


MESSAGES = {
    "documents_attached": lambda p: (
        ngettext("%(n)d document attached.", "%(n)d documents attached.", p["n"]) % p
    ),
    "filed_at_counter": lambda p: (
        ngettext(
            "Filed at the counter with %(n)d document.",
            "Filed at the counter with %(n)d documents.",
            p["n"],
        )
        % p
    ),
    "taken_by_phone": lambda p: _("Taken by phone by %(who)s.") % p,
    "planned_outage": lambda p: (
        _("Planned outage on %(when)s")
        % {"when": format_date(parse_datetime(p["when"]), with_time=True)}
    ),
    "disconnection_ordered": lambda p: (
        _("Disconnection ordered; %(amount)s baht outstanding") % p
    ),
    "document_added": lambda p: p["name"],
}


def render(key: str, params: dict) -> str:
    """The message `key` with `params`, in the active language."""
    return str(MESSAGES[key]({k: _pick(v) for k, v in params.items()}))


class SystemMessage:
    """A message of MESSAGES with its parameters (JSON: numbers, strings,
    ISO times, {"th": …, "en": …} names); str() renders it in the active
    language, so a template rendered for its reader renders it in theirs."""

    def __init__(self, key: str, **params):
        if key not in MESSAGES:
            raise KeyError(key)
        self.key, self.params = key, params

    def __str__(self) -> str:
        return render(self.key, self.params)

    def __bool__(self) -> bool:
        return True
