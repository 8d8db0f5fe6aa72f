"""Plain-language wording for customers: what is happening and by when."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import format_date
from requests_app.flows import FLOWS
from requests_app.models import Appointment

# The texts of the states every flow means the same by; a flow says what its
# other states mean itself (`step_texts` on its machine, requests_app/flows/).
STEP_TEXT = {
    "submitted": lambda: _("We are checking your documents."),
    "returned": lambda: _(
        "Some documents are missing or unclear. Please add them and resubmit."
    ),
    "fees_quoted": lambda: _(
        "Please pay the fees online, by Thai QR, or at any PEA office counter."
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


def _machine(request):
    return FLOWS.get(getattr(request.service, "flow", ""))


def step_text(request) -> str:
    """What is happening now: the service's own text, else its machine's
    (`service_step_texts`, `step_texts` on the flow), else the shared one."""
    machine = _machine(request)
    code = getattr(request.service, "code", "")
    text = getattr(machine, "service_step_texts", {}).get(code, {}).get(request.state)
    text = text or getattr(machine, "step_texts", {}).get(request.state)
    return str((text or STEP_TEXT.get(request.state, lambda: ""))())


def promise_text(request) -> str:
    if not request.due_at:
        return ""
    text = getattr(_machine(request), "promise_texts", {}).get(request.state)
    text = text or PROMISE_TEXT.get(request.state)
    if not text:
        return ""
    # Thai times end with "น." already: no second full stop.
    return str(text(format_date(request.due_at, with_time=True))).replace("..", ".")


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


def _shown_invoice(invoices):
    """The invoice to pay or paid; else the newest expired one (a reconnection
    refused at 90 days shows what could no longer be paid)."""
    live = sorted((i for i in invoices if i.status != "cancelled"), key=lambda i: i.pk)
    return next((i for i in live if i.status != "expired"), None) or (
        live[-1] if live else None
    )


def _next_visit(request):
    """The open field visit the customer should expect next (a phone call
    task of the counter is not a visit)."""
    visits = [
        a
        for a in request.appointments.all()
        if a.status == Appointment.Status.OPEN
        and a.kind != Appointment.Kind.CALL
        and a.scheduled_for
    ]
    return min(visits, key=lambda a: a.scheduled_for, default=None)


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
        "invoice": _shown_invoice(invoices),
        "visit": _next_visit(request),
        "meter_test": getattr(request, "meter_test", None),
        "refunds": list(request.refunds.all()),
        "estimate": next(iter(request.estimates.all()), None),
    }


def flow_forms(service) -> set[str]:
    """The forms the steps of the service's flow ask for ("estimate", "debt",
    "wiring" …): what the workflow will charge and check."""
    cls = FLOWS.get(service.flow)
    if cls is None:
        return set()
    field = cls._meta.get_field("state")
    return {t.custom.get("form", "") for t in field.get_all_transitions(cls)}


def _step_time(steps, code: str) -> str:
    step = next((s for s in steps if s.code == code), None)
    return step_time_text(step) if step is not None else ""


def charges_text(service, steps, *, fees_in_force: bool) -> list[str]:
    """What the customer pays for a service with no fixed fee, and when, in
    the terms the workflow charges it: an estimate after the survey (grid
    extensions), a debt when the user damaged the meter, an adjusted bill.
    Empty for a service whose fees are its fee schedule (or that is free)."""
    forms = flow_forms(service)
    out = []
    if "estimate" in forms:
        out.append(
            _(
                "The cost depends on your site, so there is no fixed fee. After "
                "the survey PEA sends you a cost estimate (%(when)s). You pay only "
                "if you accept it, the amount on the PEA invoice, and the work "
                "starts from payment (%(build)s)."
            )
            % {
                "when": _step_time(steps, "estimate") or _("after the survey"),
                "build": _step_time(steps, "build") or _("as agreed"),
            }
        )
        if service.code == "dedicated-extension-self":
            out.append(
                _(
                    "The estimate includes PEA's fees for inspecting the part you "
                    "build (drawings, equipment and the finished work)."
                )
            )
    if "debt" in forms:
        out.append(
            _(
                "Natural wear (insects or water inside, a stuck disc, a blank "
                "display …): no charge; the meter is replaced %(when)s."
            )
            % {"when": _step_time(steps, "replace-natural")}
        )
        out.append(
            _(
                "Damage caused by the user (overload, tampering, a broken cover, "
                "damage by others …): PEA charges the meter and equipment at the "
                "price in force on the day of your report. You pay against the PEA "
                "invoice; the meter is replaced %(when)s."
            )
            % {"when": _step_time(steps, "replace-after-payment")}
        )
        if not fees_in_force:
            out.append(
                _(
                    "No meter price list is in force at the moment: the office "
                    "tells you the amount when it raises the charge, on the "
                    "invoice."
                )
            )
    if service.flow == "adjusted_bill":
        out.append(
            _(
                "You pay the adjusted bill PEA computes from the evidence (your "
                "consumption 3 to 6 months before the fault or after the meter "
                "was fixed), against the notice letter, at a PEA office."
            )
        )
    return out


def wiring_standard_rows(sizes) -> list[dict]:
    """The wiring standard table of the charter (§3.1): the same
    MeterSize.wiring_standard() the surveyor's checklist asks about."""
    rows = []
    for size in sizes:
        items = {item.code: item for item in size.wiring_standard()}
        if items:
            rows.append({"size": size, "items": items})
    return rows
