"""Deposit refund on ending the contract (charter §3.9).

Two forms in one request (cancel the service, refund the deposit). PEA
removes the meter and records the final reading, sets the final bill against
the deposit, and pays the rest out within 15 working days: cash to the holder
in person up to 15,000 baht, a cheque above that, for a representative, or for
a juristic person. Once a supervisor approves the refund the customer is told:
by SMS when it is paid in cash, by a phone call from the counter when it is a
cheque (a call task, Appointment.Kind.CALL, recorded by `record_call`)."""

from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from requests_app.flows.common import (
    ACCOUNT_FORM,
    IntakeSteps,
    accept_step,
    cancel_step,
    reject_step,
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
BEFORE_REMOVAL = [S.SUBMITTED, S.RETURNED, S.ACCEPTED]


def call_to_make(request) -> bool:
    """A call task is open: the cheque is ready and the customer not yet told."""
    return request.appointments.filter(
        kind=Appointment.Kind.CALL, status=Appointment.Status.OPEN
    ).exists()


class DepositRefundRequest(IntakeSteps, ServiceRequest):
    flow = "deposit_refund"  # ServiceType.flow
    filing_form = ACCOUNT_FORM  # filed with (requests_app.filing)
    # What the customer reads in a state, where it differs from the shared
    # texts (requests_app.display.STEP_TEXT, PROMISE_TEXT).
    step_texts = {
        "accepted": lambda: _(
            "Accepted. We will remove the meter and read it a last time."
        ),
        "meter_removed": lambda: _(
            "The meter is removed. We are setting your last bill against the deposit."
        ),
        "settled": lambda: _(
            "Your last bill is set against the deposit. We will tell you when the "
            "refund is ready: by SMS for cash, by phone for a cheque."
        ),
        "closed": lambda: _("Done: your deposit has been paid out."),
    }
    promise_texts = {
        state: (
            lambda due: _("We will pay out your deposit by %(due)s.") % {"due": due}
        )
        for state in ("accepted", "meter_removed", "settled")
    }

    class Meta:
        proxy = True

    # Accepted: the meter is to be removed from the next working day.
    accept = accept_step(opens=(Kind.REMOVAL, "next_working_day"))

    @transition(
        field="state",
        source=S.ACCEPTED,
        target=S.METER_REMOVED,
        permission=staff_may(INSTALL_ROLES),
        custom=staff_step(
            _("Meter removed, final reading"),
            form="final_reading",
            perform="payments.services.deposit_record_meter_removal",
            closes=(Kind.REMOVAL,),
        ),
    )
    def record_meter_removal(self):
        pass

    @transition(
        field="state",
        source=S.METER_REMOVED,
        target=S.SETTLED,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Settle the deposit"),
            form="settlement",
            perform="payments.services.deposit_settle",
        ),
    )
    def settle(self):
        pass

    @transition(
        field="state",
        source=S.SETTLED,
        target=S.SETTLED,
        conditions=[call_to_make],
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Customer called: the cheque is ready"),
            form="call",
            perform="payments.services.deposit_record_call",
            closes=(Kind.CALL,),
        ),
    )
    def record_call(self):
        pass

    @transition(
        field="state",
        source=S.SETTLED,
        target=S.CLOSED,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Record the pay-out"),
            form="payout",
            perform="payments.services.deposit_record_payout",
        ),
    )
    def record_payout(self, *, at):
        self.closed_at = at

    cancel = cancel_step(BEFORE_REMOVAL)

    reject = reject_step(BEFORE_REMOVAL)
