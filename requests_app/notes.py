"""What the portal itself writes on a request's timeline ("3 documents
attached", "Planned outage on …"), in its internal notes ("Meter PEA0001,
first reading 0") and in a refund's reason: stored as a key and parameters
(RequestEvent.message_key / message_params, note_key / note_params,
Refund.reason_key / reason_params) and rendered in the reader's language, so
an English reader never sees the Thai a Thai clerk's step happened to be
taken in, nor the reverse. What a person typed is stored as typed (the
parameter `note` of a message holds such a text, shown as it is)."""

from __future__ import annotations

from django.utils import translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core.dates import format_date

LANGUAGES = ("th", "en")


def both(owner, field: str) -> dict:
    """A name in both languages, for a parameter (`name_th`, `name_en`)."""
    return {
        lang: str(getattr(owner, f"{field}_{lang}", "") or "") for lang in LANGUAGES
    }


def both_text(text) -> dict:
    """A translatable text (a lazy gettext, a choice's label) in both
    languages, for a parameter."""
    out = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            out[lang] = str(text)
    return out


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
    # Internal notes (staff only) the portal writes on a step.
    "documents_dated": lambda p: _typed(
        " ".join(
            _("%(name)s issued on %(day)s.")
            % {"name": _pick(d["name"]), "day": format_date(parse_date(d["day"]))}
            for d in p["documents"]
        ),
        p,
    ),
    "budget_requested": lambda p: _typed(
        _("Budget of %(amount)s baht requested (%(number)s)") % p + ".", p
    ),
    "budget_approved": lambda p: _typed(_("Budget approved (%(number)s)") % p + ".", p),
    "meter_installed": lambda p: _("Meter %(serial)s, first reading %(reading)s") % p,
    "meter_replaced": lambda p: (
        _("Meter %(old)s replaced by %(new)s on account %(ca)s") % p
    ),
    "account_opened": lambda p: _("Electricity account %(ca)s opened") % p,
    "comparison_installed": lambda p: (
        _("Comparison meter %(serial)s; readings %(m)s / %(c)s") % p
    ),
    "meter_error": lambda p: _("Error %(error)s %%") % p,
    "disconnected_days": lambda p: _("Disconnected %(days)d days") % p,
    "reconnection_refused": lambda p: (
        _(
            "This account has been disconnected for %(days)d days. After 90 days "
            "the supply cannot be reconnected: please file a new connection; "
            "the remaining deposit will be refunded."
        )
        % p
    ),
    "invoice_reissued": lambda p: (
        _(
            "Invoice %(old)s expired; disconnected %(days)d days: invoice "
            "%(new)s of %(total)s baht replaces it."
        )
        % p
    ),
    "form_mt75": lambda p: (
        _("Form มต.75: %(old)s (%(old_r)s) → %(new)s (%(new_r)s)") % p
    ),
    "refund_approved": lambda p: _("Refund %(number)s of %(amount)s baht approved") % p,
    "deposit_cash_sms": lambda p: (
        _("SMS sent: %(amount)s baht to collect in cash, ID card shown") % p
    ),
    "deposit_call_task": lambda p: (
        _("Call task for %(who)s: tell the customer the cheque is ready")
        % {"who": p["who"] or _("the counter")}
    ),
    "final_reading": lambda p: _("Final reading %(reading)s") % p,
    "deposit_settled": lambda p: (
        _("Deposit %(deposit)s − final bill %(bill)s = %(refund)s baht, by %(method)s")
        % p
    ),
    "paid_out": lambda p: _("Paid out %(amount)s baht") % p,
    "estimate_sent": lambda p: (
        _("Estimated cost %(amount)s baht. %(details)s") % p
    ).strip(),
    "work_order_assigned": lambda p: f"{p['kind']}: {p['who'] or '-'}",
    # An outage incident's update.
    "incident_merged_here": lambda p: _("%(other)s merged into this incident") % p,
    "incident_merged_into": lambda p: _("Merged into %(target)s") % p,
    "incident_split": lambda p: _("Split from %(number)s") % p,
    # A refund's reason.
    "deposit_refund": lambda p: _("Deposit refund on ending the contract"),
    "meter_found_faulty": lambda p: _("Meter found faulty"),
    "bill_paid_twice": lambda p: (
        _("Bills %(bills)s were paid already when invoice %(number)s was paid") % p
    ),
    "overpayment": lambda p: (
        _("Over-payment of invoice %(number)s (bank line %(line)s, %(date)s)")
        % {**p, "date": format_date(parse_date(p["date"]))}
    ),
}


def _typed(text: str, p: dict) -> str:
    """The portal's text, then what the person typed with it (as typed)."""
    typed = (p.get("note") or "").strip()
    return f"{text} {typed}" if typed else text


def render(key: str, params: dict) -> str:
    """The message `key` with `params`, in the active language."""
    return str(MESSAGES[key]({k: _pick(v) for k, v in params.items()}))


def text_fields(field: str, value) -> dict:
    """A model's text `field`: what a person typed as it is, or the portal's
    own (a SystemMessage) as `field`_key and `field`_params."""
    if isinstance(value, SystemMessage):
        return {f"{field}_key": value.key, f"{field}_params": value.params}
    return {field: value or ""}


def shown(obj, field: str) -> str:
    """The text of `field` (see text_fields) in the active language."""
    key = getattr(obj, f"{field}_key")
    if key:
        return render(key, getattr(obj, f"{field}_params"))
    return getattr(obj, field)


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
