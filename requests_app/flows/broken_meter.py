"""Broken-meter replacement (charter §3.8). Natural wear: free, replaced within
3 working days of the report. Caused by the user: a debt for the meter is
raised, and the meter is replaced within 3 working days of payment. Either
way the technician fills form มต.75."""

from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from requests_app.flows.common import (
    ACCOUNT_FORM,
    SERVICES,
    cancel_step,
    not_paid,
    payment_step,
    staff_step,
)
from requests_app.models import Appointment, ServiceRequest, State
from requests_app.permissions import (
    COUNTER_ROLES,
    INSTALL_ROLES,
    staff_may,
)

S = State
Kind = Appointment.Kind


class BrokenMeterRequest(ServiceRequest):
    flow = "broken_meter"  # ServiceType.flow
    filing_form = ACCOUNT_FORM  # filed with (requests_app.filing)
    # What the customer reads in a state, where it differs from the shared
    # texts (requests_app.display.STEP_TEXT, PROMISE_TEXT).
    step_texts = {
        "submitted": lambda: _("Report received. We will check your meter."),
        "accepted": lambda: _("Report taken. We will replace your meter."),
        "fees_quoted": lambda: _(
            "The damage was caused at the premises: please pay for the meter."
        ),
        "paid": lambda: _("Payment received. We will replace your meter."),
        "installation_booked": lambda: _("Waiting for the meter replacement."),
        "closed": lambda: _("Done: your meter is replaced."),
    }
    promise_texts = {
        state: (lambda due: _("We will replace your meter by %(due)s.") % {"due": due})
        for state in ("accepted", "paid", "installation_booked")
    }

    class Meta:
        proxy = True

    @transition(
        field="state",
        source=S.SUBMITTED,
        target=S.ACCEPTED,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(_("Take the report"), perform=SERVICES + "request_accept"),
    )
    def accept(self):
        pass

    @transition(
        field="state",
        source=S.ACCEPTED,
        target=S.FEES_QUOTED,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Caused by the user: raise the debt"),
            form="debt",
            style="secondary",
            perform="meters.services.broken_meter_raise_debt",
        ),
    )
    def raise_debt(self):
        pass

    record_payment = payment_step()

    @transition(
        field="state",
        source=[S.ACCEPTED, S.PAID],
        target=S.INSTALLATION_BOOKED,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Book the replacement"),
            form="appointment",
            perform="meters.services.broken_meter_book",
        ),
    )
    def book_replacement(self):
        pass

    @transition(
        field="state",
        source=S.INSTALLATION_BOOKED,
        target=S.CLOSED,
        permission=staff_may(INSTALL_ROLES),
        custom=staff_step(
            _("Meter replaced (form มต.75)"),
            form="mt75",
            perform="meters.services.broken_meter_replace",
            closes=(Kind.INSTALLATION,),
        ),
    )
    def record_replacement(self, *, at):
        self.installed_at = at
        self.closed_at = at

    cancel = cancel_step(
        [S.SUBMITTED, S.ACCEPTED, S.FEES_QUOTED], conditions=[not_paid]
    )
