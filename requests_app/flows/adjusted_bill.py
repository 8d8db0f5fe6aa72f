"""Adjusted bill for a faulty or tampered meter (charter §3.10). PEA starts
it: after an inspection the case is opened with the evidence and the bill is
computed from 3–6 months of consumption before the fault (or after the fix);
the customer acknowledges it (or it goes by registered mail) with the first
notice; no payment → a second notice; still none → a disconnection order."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import transition

from requests_app.flows.common import (
    ACCOUNT_FORM,
    SERVICES,
    STEP,
    cancel_step,
    payment_step,
    staff_step,
)
from requests_app.models import Appointment, ServiceRequest, State
from requests_app.permissions import COUNTER_ROLES, staff_may

S = State
Kind = Appointment.Kind


class AdjustedBillRequest(ServiceRequest):
    flow = "adjusted_bill"  # ServiceType.flow
    filing_form = ACCOUNT_FORM  # filed with (requests_app.filing)
    # What the customer reads in a state, where it differs from the shared
    # texts (requests_app.display.STEP_TEXT, PROMISE_TEXT).
    step_texts = {
        "submitted": lambda: _(
            "The inspection found your meter recorded less than you used: we are "
            "preparing the adjusted bill."
        ),
        "fees_quoted": lambda: _(
            "Please pay the adjusted bill by the date on the notice, at a PEA office."
        ),
        "second_notice": lambda: _(
            "Second notice: please pay the adjusted bill, or the supply will be "
            "disconnected."
        ),
        "closed": lambda: _("Done: the adjusted bill case is closed."),
    }

    class Meta:
        proxy = True

    @transition(
        field="state",
        source=S.SUBMITTED,
        target=S.FEES_QUOTED,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Acknowledged: send the first notice"),
            form="acknowledgment",
            perform=STEP,
            bind={"name": "send_first_notice"},
        ),
    )
    def send_first_notice(self):
        pass

    @transition(
        field="state",
        source=S.FEES_QUOTED,
        target=S.SECOND_NOTICE,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("No payment: send the second notice"),
            style="secondary",
            perform=STEP,
            bind={"name": "send_second_notice"},
        ),
    )
    def send_second_notice(self):
        pass

    record_payment = payment_step([S.FEES_QUOTED, S.SECOND_NOTICE], target=S.CLOSED)

    @transition(
        field="state",
        source=S.SECOND_NOTICE,
        target=S.CLOSED,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("No payment after two notices: order disconnection"),
            form="note",
            style="danger",
            perform="meters.services.adjusted_bill_order_disconnection",
            opens=(Kind.DISCONNECTION, "next_working_day"),
        ),
    )
    def order_disconnection(self, *, at):
        self.closed_at = at

    cancel = cancel_step(
        [S.SUBMITTED, S.FEES_QUOTED, S.SECOND_NOTICE],
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            pgettext_lazy("adjusted bill", "Withdraw the case"),
            form="reason",
            style="danger",
            perform=SERVICES + "request_cancel",
        ),
    )
