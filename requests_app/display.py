"""Plain-language wording for customers: what is happening and by when."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    "test_booked": lambda: _("Waiting for the comparison meter to be installed."),
    "comparison_installed": lambda: _(
        "The comparison meter is measuring beside yours."
    ),
    "refund_pending": lambda: _(
        "Your meter was found faulty: we are refunding the test fee."
    ),
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
    "test_booked": lambda due: (
        _("We will install the comparison meter by %(due)s.") % {"due": due}
    ),
    "refund_pending": lambda due: (
        _("We will refund the fee by %(due)s.") % {"due": due}
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


def _number(value) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:g}"


def step_time_text(step) -> str:
    """ "within 2 working days from payment" / "ภายใน 2 วันทำการ นับจากวันชำระเงิน"."""
    if not step.time_unit:
        return ""
    n = step.time_value
    count = int(n) if n == int(n) else 2
    if step.time_unit == "working_hours":
        text = ngettext(
            "within %(n)s working hour", "within %(n)s working hours", count
        ) % {"n": _number(n)}
    elif step.time_unit == "working_days":
        text = ngettext(
            "within %(n)s working day", "within %(n)s working days", count
        ) % {"n": _number(n)}
    elif step.time_unit == "calendar_days":
        text = ngettext("within %(n)s day", "within %(n)s days", count) % {
            "n": _number(n)
        }
    else:  # clock
        hours, minutes = int(n), int(round((n - int(n)) * 60))
        text = _("by %(time)s") % {"time": f"{hours:02d}:{minutes:02d}"}
    if step.time_from:
        text = f"{text} {step.time_from}"
    return text


def request_facts(request, now) -> dict:
    """What both the customer's and the staff's page show about a request."""
    from requests_app.services import missing_document_types

    invoices = list(request.invoices.all())
    return {
        "req": request,
        "step": step_text(request),
        "promise": promise_text(request),
        "sla": sla_status(request, now),
        "missing": missing_document_types(request) if request.is_open else [],
        "account": (
            getattr(request, "electricity_account", None)
            if request.state == "closed"
            else None
        ),
        "invoice": next((i for i in invoices if i.status != "cancelled"), None),
        "meter_test": getattr(request, "meter_test", None),
        "refunds": [r for i in invoices for r in i.refunds.all()],
        "estimate": next(iter(request.estimates.all()), None),
    }
