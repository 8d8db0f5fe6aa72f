"""Reconnection after disconnection, small customers (charter §3.7), the Smart
Plus way: the customer files for a disconnected account, the system issues the
invoice (outstanding bills, the reconnection fee, a new deposit when the old one
was offset and 30–89 days have passed), payment sends the reconnection order,
and the technician reports the supply back on. 90 days or more: refused at
filing, with a pointer to a new connection.

The days are counted to the payment date, so an invoice is payable only
until the last day of the band it was priced in: then it expires and the
system prices a new one (`reissue_invoice`), or, from 90 days, refuses the
request (`refuse_after_90_days`); every payment channel asks first
(`payment_refusal`)."""

from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from requests_app.flows.common import cancel_step, not_paid, payment_step, staff_step
from requests_app.models import Appointment, ServiceRequest, State
from requests_app.permissions import (
    INSTALL_ROLES,
    staff_may,
)

S = State
Kind = Appointment.Kind


def system_only(request, user) -> bool:
    """Steps the portal takes by itself (no person acts)."""
    return user is None


class ReconnectionRequest(ServiceRequest):
    flow = "reconnection"  # ServiceType.flow
    filing_form = (
        "meters.forms.ReconnectionRequestForm"  # filed with (requests_app.filing)
    )
    files_with = "meters.services.reconnection_file"
    # What the customer reads in a state, where it differs from the shared
    # texts (requests_app.display.STEP_TEXT, PROMISE_TEXT).
    step_texts = {
        "submitted": lambda: _("Received. We are preparing your invoice."),
        "fees_quoted": lambda: _(
            "Please pay the outstanding bills and the reconnection fee."
        ),
        "paid": lambda: _("Payment received: the reconnection order has gone out."),
        "closed": lambda: _("Done: your supply is reconnected."),
        "rejected": lambda: _(
            "Disconnected 90 days or more: the supply cannot be reconnected."
        ),
    }
    promise_texts = {
        "paid": lambda due: (
            _("We will reconnect your supply by %(due)s.") % {"due": due}
        ),
    }
    # Asked by payments before any payment is taken, and after a refusal
    # (dotted paths: the workflow core imports no domain app).
    payment_refusal = "meters.services.reconnection_payment_refusal"
    invoice_renewal = "meters.services.reconnection_invoice_renew"

    class Meta:
        proxy = True

    @transition(
        field="state",
        source=S.SUBMITTED,
        target=S.FEES_QUOTED,
        permission=system_only,
        custom={"audience": "system", "label": _("Issue the reconnection invoice")},
    )
    def issue_invoice(self):
        pass

    @transition(
        field="state",
        source=S.FEES_QUOTED,
        target=S.FEES_QUOTED,
        permission=system_only,
        custom={
            "audience": "system",
            "label": _("Issue a new invoice for the day band"),
        },
    )
    def reissue_invoice(self):
        """The invoice outlived its day band: a new one replaces it."""

    @transition(
        field="state",
        source=S.FEES_QUOTED,
        target=S.REJECTED,
        permission=system_only,
        custom={"audience": "system", "label": _("Refuse after 90 days disconnected")},
    )
    def refuse_after_90_days(self, *, days):
        """Unpaid on day 90: only a new connection is left (charter §3.7);
        the reason is the portal's, in the reader's language."""
        self.rejection_reason_key = "reconnection_refused"
        self.rejection_reason_params = {"days": days}

    # Paid: the reconnection order goes out, due by the promised time.
    record_payment = payment_step(opens=(Kind.RECONNECTION, "promised"))

    @transition(
        field="state",
        source=S.PAID,
        target=S.CLOSED,
        permission=staff_may(INSTALL_ROLES),
        custom=staff_step(
            _("Supply reconnected"),
            perform="meters.services.reconnection_record_done",
            closes=(Kind.RECONNECTION,),
        ),
    )
    def record_reconnection(self, *, at):
        self.closed_at = at

    cancel = cancel_step([S.SUBMITTED, S.FEES_QUOTED], conditions=[not_paid])
