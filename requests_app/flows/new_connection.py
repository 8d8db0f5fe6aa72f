"""New low-voltage connection: Smart Plus flow (SPEC §2) and charter §3.1.

Transition methods only change fields; services do the rest (checks, logs,
invoices, notifications). `custom` carries what the screens need: the button
label, who sees it, and which form it asks for.
"""

from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, transition

from requests_app.flows.common import (
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
    SURVEY_ROLES,
    staff_may,
)

S = State
Kind = Appointment.Kind
BEFORE_PAYMENT = [
    S.SUBMITTED,
    S.RETURNED,
    S.ACCEPTED,
    S.SURVEY_BOOKED,
    S.WIRING_FAILED,
    S.SURVEYED,
    S.FEES_QUOTED,
]


def survey_not_passed(request) -> bool:
    return request.survey_passed_at is None


def survey_passed(request) -> bool:
    return request.survey_passed_at is not None


def _after_survey_pass(request, **kwargs):
    return S.PAID if request.paid_at else S.SURVEYED


class NewConnectionRequest(IntakeSteps, ServiceRequest):
    flow = "new_connection"  # ServiceType.flow
    filing_form = "meters.forms.NewConnectionForm"  # filed with (requests_app.filing)
    # What the customer reads in a state, where it differs from the shared
    # texts (requests_app.display.STEP_TEXT, PROMISE_TEXT).
    step_texts = {
        "accepted": lambda: _(
            "Accepted. We will call you to book the wiring inspection."
        ),
        "survey_booked": lambda: _("Waiting for the wiring inspection."),
        "wiring_failed": lambda: _(
            "Your wiring does not meet the standard yet. Please have it fixed; "
            "we will inspect again."
        ),
        "surveyed": lambda: _("Your wiring passed. We are preparing the fees."),
        "paid": lambda: _(
            "Payment received. We will call you to book the meter installation."
        ),
        "installation_booked": lambda: _("Waiting for the meter installation."),
        "installed": lambda: _(
            "Meter installed. We are opening your electricity account."
        ),
        "closed": lambda: _(
            "Done: your meter is installed and your electricity account is open."
        ),
    }

    class Meta:
        proxy = True

    @transition(
        field="state",
        source=[S.ACCEPTED, S.WIRING_FAILED, S.PAID],
        target=S.SURVEY_BOOKED,
        conditions=[survey_not_passed],
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Book survey"),
            form="appointment",
            perform=SERVICES + "request_book_survey",
        ),
    )
    def book_survey(self):
        pass

    @transition(
        field="state",
        source=S.SURVEY_BOOKED,
        target=GET_STATE(_after_survey_pass, states=[S.SURVEYED, S.PAID]),
        permission=staff_may(SURVEY_ROLES),
        custom=staff_step(
            _("Wiring passes"),
            form="wiring",
            perform=SERVICES + "request_record_survey",
            bind={"passed": True},
            closes=(Kind.SURVEY,),
        ),
    )
    def record_survey_passed(self, *, at):
        self.survey_passed_at = at

    @transition(
        field="state",
        source=S.SURVEY_BOOKED,
        target=S.WIRING_FAILED,
        permission=staff_may(SURVEY_ROLES),
        custom=staff_step(
            _("Wiring fails"),
            form="wiring",
            style="secondary",
            perform=SERVICES + "request_record_survey",
            bind={"passed": False},
            closes=(Kind.SURVEY,),
        ),
    )
    def record_survey_failed(self):
        pass

    @transition(
        field="state",
        source=[S.SURVEYED, S.ACCEPTED],
        target=S.FEES_QUOTED,
        conditions=[not_paid],
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Quote fees"), form="fees", perform="payments.services.request_quote_fees"
        ),
    )
    def quote_fees(self):
        pass

    record_payment = payment_step()

    @transition(
        field="state",
        source=S.PAID,
        target=S.INSTALLATION_BOOKED,
        conditions=[survey_passed],
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Book installation"),
            form="appointment",
            perform=SERVICES + "request_book_installation",
        ),
    )
    def book_installation(self):
        pass

    @transition(
        field="state",
        source=S.INSTALLATION_BOOKED,
        target=S.INSTALLED,
        permission=staff_may(INSTALL_ROLES),
        custom=staff_step(
            _("Record installation"),
            form="installation",
            perform="meters.services.installation_record",
            closes=(Kind.INSTALLATION,),
        ),
    )
    def record_installation(self, *, at):
        self.installed_at = at

    @transition(
        field="state",
        source=S.INSTALLED,
        target=S.CLOSED,
        permission=staff_may(INSTALL_ROLES),
        custom={"audience": "system", "label": _("Close the request")},
    )
    def close(self, *, at):
        self.closed_at = at

    # Staff cancel for walk-in customers who have no login.
    cancel = cancel_step(BEFORE_PAYMENT, conditions=[not_paid])

    reject = reject_step(BEFORE_PAYMENT, conditions=[not_paid])


class MeterUpgradeRequest(NewConnectionRequest):
    """Meter size upgrade (charter §3.5): the same steps as a new connection —
    inspection of the upgraded wiring, payment (also before the inspection),
    installation — on an existing account, whose meter is replaced."""

    flow = "meter_upgrade"  # ServiceType.flow
    filing_form = "meters.forms.MeterUpgradeForm"  # filed with (requests_app.filing)
    # What the customer reads in a state, where it differs from the shared
    # texts (requests_app.display.STEP_TEXT, PROMISE_TEXT).
    step_texts = {
        **NewConnectionRequest.step_texts,
        "closed": lambda: _("Done: your new meter is installed."),
    }

    class Meta:
        proxy = True
