"""Plain-language wording for customers: what is happening and by when."""

from django.utils.translation import gettext as _

from core.dates import format_date

STEP_TEXT = {
    "submitted": lambda: _("We are checking your documents."),
    "returned": lambda: _(
        "Some documents are missing or unclear. Please add them and resubmit."
    ),
    "accepted": lambda: _("Accepted. We will call you to book the wiring inspection."),
    "survey_booked": lambda: _("Waiting for the wiring inspection."),
    "wiring_failed": lambda: _(
        "Your wiring does not meet the standard yet. Please have it fixed; we will inspect again."
    ),
    "surveyed": lambda: _("Your wiring passed. We are preparing the fees."),
    "fees_quoted": lambda: _("Please pay the fees at any PEA office counter."),
    "paid": lambda: _(
        "Payment received. We will call you to book the meter installation."
    ),
    "installation_booked": lambda: _("Waiting for the meter installation."),
    "installed": lambda: _("Meter installed. We are opening your electricity account."),
    "closed": lambda: _(
        "Done: your meter is installed and your electricity account is open."
    ),
    "cancelled": lambda: _("Cancelled."),
    "rejected": lambda: _("Rejected."),
}

PROMISE_TEXT = {
    "submitted": lambda due: _("We will accept it by %(due)s.") % {"due": due},
    "accepted": lambda due: _("We will call you by %(due)s.") % {"due": due},
    "survey_booked": lambda due: (
        _("We will tell you the result by %(due)s.") % {"due": due}
    ),
    "surveyed": lambda due: _("We will send the fees by %(due)s.") % {"due": due},
    "paid": lambda due: _("We will call you by %(due)s.") % {"due": due},
    "installation_booked": lambda due: (
        _("We will install the meter by %(due)s.") % {"due": due}
    ),
}


def step_text(request) -> str:
    return STEP_TEXT.get(request.state, lambda: "")()


def promise_text(request) -> str:
    if not request.due_at or request.state not in PROMISE_TEXT:
        return ""
    return PROMISE_TEXT[request.state](format_date(request.due_at, with_time=True))


def sla_status(request, now) -> str:
    """on_track / at_risk / late, for the small chip staff and customers see."""
    if not request.due_at or not request.is_open:
        return ""
    if now > request.due_at:
        return "late"
    if (request.due_at - now).total_seconds() < 3600:
        return "at_risk"
    return "on_track"
