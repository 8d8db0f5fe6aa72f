"""Meter accuracy test (charter §3.6).

The customer pays the test fee; PEA books the comparison meter within 1
working day of payment, installs and later removes it with the customer
present and signing; a faulty meter means the fee is refunded within 7 days.
"""

from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from requests_app.flows.common import (
    ACCOUNT_FORM,
    SERVICES,
    IntakeSteps,
    cancel_step,
    not_paid,
    payment_step,
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
BEFORE_PAYMENT = [S.SUBMITTED, S.RETURNED, S.ACCEPTED, S.FEES_QUOTED]


class MeterTestRequest(IntakeSteps, ServiceRequest):
    flow = "meter_test"  # ServiceType.flow
    filing_form = ACCOUNT_FORM  # filed with (requests_app.filing)
    # What the customer reads in a state, where it differs from the shared
    # texts (requests_app.display.STEP_TEXT, PROMISE_TEXT).
    step_texts = {
        "test_booked": lambda: _("Waiting for the comparison meter to be installed."),
        "comparison_installed": lambda: _(
            "The comparison meter is measuring beside yours."
        ),
        "refund_pending": lambda: _(
            "Your meter was found faulty: we are refunding the test fee."
        ),
        "accepted": lambda: _("Accepted. We will send the test fee invoice."),
        "paid": lambda: _(
            "Payment received. We will call you to book the comparison meter."
        ),
        "closed": lambda: _("Done: the meter test is finished."),
    }
    promise_texts = {
        "paid": lambda due: _("We will call you by %(due)s.") % {"due": due},
    }

    class Meta:
        proxy = True

    @transition(
        field="state",
        source=S.ACCEPTED,
        target=S.FEES_QUOTED,
        conditions=[not_paid],
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Issue the test fee invoice"),
            form="fees",
            perform="payments.services.request_quote_fees",
        ),
    )
    def quote_fees(self):
        pass

    record_payment = payment_step()

    @transition(
        field="state",
        source=S.PAID,
        target=S.TEST_BOOKED,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Book the comparison meter"),
            form="appointment",
            perform=SERVICES + "request_book_test",
        ),
    )
    def book_test(self):
        pass

    @transition(
        field="state",
        source=S.TEST_BOOKED,
        target=S.COMPARISON_INSTALLED,
        permission=staff_may(INSTALL_ROLES),
        custom=staff_step(
            _("Comparison meter installed"),
            form="comparison",
            perform="meters.services.meter_test_install_comparison",
            closes=(Kind.TEST,),
            opens=(Kind.REMOVAL, "next_working_day"),
        ),
    )
    def install_comparison(self):
        pass

    @transition(
        field="state",
        source=S.COMPARISON_INSTALLED,
        target=S.CLOSED,
        permission=staff_may(INSTALL_ROLES),
        custom=staff_step(
            _("Meter is normal"),
            form="test_result",
            perform="meters.services.meter_test_record_result",
            bind={"faulty": False},
            closes=(Kind.REMOVAL,),
        ),
    )
    def record_test_normal(self, *, at):
        self.closed_at = at

    @transition(
        field="state",
        source=S.COMPARISON_INSTALLED,
        target=S.REFUND_PENDING,
        permission=staff_may(INSTALL_ROLES),
        custom=staff_step(
            _("Meter is faulty"),
            form="test_result",
            style="secondary",
            perform="meters.services.meter_test_record_result",
            bind={"faulty": True},
            closes=(Kind.REMOVAL,),
        ),
    )
    def record_test_faulty(self):
        pass

    @transition(
        field="state",
        source=S.REFUND_PENDING,
        target=S.CLOSED,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Record the fee refund"),
            form="note",
            perform="payments.services.refund_record_paid",
        ),
    )
    def record_refund(self, *, at):
        self.closed_at = at

    cancel = cancel_step(BEFORE_PAYMENT, conditions=[not_paid])

    reject = reject_step(BEFORE_PAYMENT, conditions=[not_paid])
