"""Rental of line-insulation covers (charter §3.13): the cost from the number
of covers and days within 1 working day, payment, installation within 1
working day (or on the requested date), removal at the end of the rental."""

from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from requests_app.flows.common import (
    SERVICES,
    IntakeSteps,
    cancel_step,
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


class CoversRequest(IntakeSteps, ServiceRequest):
    flow = "covers"  # ServiceType.flow
    filing_form = "meters.forms.CoversRequestForm"  # filed with (requests_app.filing)
    files_with = "meters.services.covers_file"
    # What the customer reads in a state, where it differs from the shared
    # texts (requests_app.display.STEP_TEXT, PROMISE_TEXT).
    step_texts = {
        "accepted": lambda: _("Accepted. We are working out the cost."),
        "paid": lambda: _("Payment received. We will book the cover installation."),
        "installation_booked": lambda: _("Waiting for the covers to be installed."),
        "covers_installed": lambda: _("The covers are on."),
        "closed": lambda: _("Done: the covers are removed."),
    }
    promise_texts = {
        "accepted": lambda due: _("We will send the cost by %(due)s.") % {"due": due},
        "paid": lambda due: _("We will install the covers by %(due)s.") % {"due": due},
        "installation_booked": lambda due: (
            _("We will install the covers by %(due)s.") % {"due": due}
        ),
    }

    class Meta:
        proxy = True

    @transition(
        field="state",
        source=S.ACCEPTED,
        target=S.FEES_QUOTED,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Issue the rental invoice"),
            form="fees",
            perform="meters.services.covers_quote",
        ),
    )
    def quote_fees(self):
        pass

    record_payment = payment_step()

    @transition(
        field="state",
        source=S.PAID,
        target=S.INSTALLATION_BOOKED,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Book the cover installation"),
            form="appointment",
            perform=SERVICES + "request_book_covers",
        ),
    )
    def book_covers(self):
        pass

    @transition(
        field="state",
        source=S.INSTALLATION_BOOKED,
        target=S.COVERS_INSTALLED,
        permission=staff_may(INSTALL_ROLES),
        custom=staff_step(
            _("Covers installed"),
            perform="meters.services.covers_record",
            bind={"name": "install_covers"},
            closes=(Kind.COVERS,),
            opens=(Kind.REMOVAL, "end_of_rental"),
        ),
    )
    def install_covers(self, *, at):
        self.installed_at = at

    @transition(
        field="state",
        source=S.COVERS_INSTALLED,
        target=S.CLOSED,
        permission=staff_may(INSTALL_ROLES),
        custom=staff_step(
            _("Covers removed"),
            perform="meters.services.covers_record",
            bind={"name": "remove_covers"},
            closes=(Kind.REMOVAL,),
        ),
    )
    def remove_covers(self, *, at):
        self.closed_at = at

    cancel = cancel_step(BEFORE_PAYMENT)

    reject = reject_step(BEFORE_PAYMENT)
