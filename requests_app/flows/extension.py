"""Grid extensions (charter §3.2 general, §3.3 dedicated built by PEA, §3.4
dedicated built by the customer): a joint site survey, a cost estimate the
customer accepts or declines, payment, then construction as agreed. The
three services share this machine; their times and documents differ in the
catalog."""

from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from requests_app.flows.common import (
    FINISH,
    SERVICES,
    IntakeSteps,
    cancel_step,
    customer_step,
    payment_step,
    reject_step,
    staff_step,
)
from requests_app.models import Appointment, ServiceRequest, State
from requests_app.permissions import (
    COUNTER_ROLES,
    INSTALL_ROLES,
    SURVEY_ROLES,
    is_applicant,
    staff_may,
)

S = State
Kind = Appointment.Kind
BEFORE_PAYMENT = [S.SUBMITTED, S.RETURNED, S.ACCEPTED, S.SURVEY_BOOKED, S.SURVEYED]


class ExtensionRequest(IntakeSteps, ServiceRequest):
    flow = "extension"  # ServiceType.flow
    # What the customer reads in a state, where it differs from the shared
    # texts (requests_app.display.STEP_TEXT, PROMISE_TEXT).
    step_texts = {
        "survey_booked": lambda: _("Waiting for the joint site survey."),
        "estimate_sent": lambda: _(
            "The cost estimate is ready: accept it to go ahead, or decline it."
        ),
        "construction": lambda: _("Construction is under way."),
        "accepted": lambda: _("Accepted. We will call you to book the site survey."),
        "surveyed": lambda: _("Survey done. We are preparing the cost estimate."),
        "paid": lambda: _("Payment received. We will book the construction."),
        "closed": lambda: _("Done: the extension is built."),
    }
    promise_texts = {
        "accepted": lambda due: _("We will survey the site by %(due)s.") % {"due": due},
        "survey_booked": lambda due: (
            _("We will survey the site by %(due)s.") % {"due": due}
        ),
        "surveyed": lambda due: (
            _("We will send the estimate by %(due)s.") % {"due": due}
        ),
        "paid": lambda due: _("We will finish building by %(due)s.") % {"due": due},
        "construction": lambda due: (
            _("We will finish building by %(due)s.") % {"due": due}
        ),
    }

    class Meta:
        proxy = True

    @transition(
        field="state",
        source=S.ACCEPTED,
        target=S.SURVEY_BOOKED,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Book the joint site survey"),
            form="appointment",
            perform=SERVICES + "request_book_survey",
        ),
    )
    def book_survey(self):
        pass

    @transition(
        field="state",
        source=S.SURVEY_BOOKED,
        target=S.SURVEYED,
        permission=staff_may(SURVEY_ROLES),
        custom=staff_step(
            _("Record the site survey"),
            form="survey",
            perform=SERVICES + "request_record_site_survey",
            closes=(Kind.SURVEY,),
        ),
    )
    def record_survey(self, *, at):
        self.survey_passed_at = at

    @transition(
        field="state",
        source=S.SURVEYED,
        target=S.ESTIMATE_SENT,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Send the cost estimate"),
            form="estimate",
            perform="payments.services.estimate_send",
        ),
    )
    def send_estimate(self):
        pass

    @transition(
        field="state",
        source=S.ESTIMATE_SENT,
        target=S.FEES_QUOTED,
        permission=is_applicant,
        custom=customer_step(
            _("Accept the estimate"),
            perform="payments.services.estimate_decide",
            bind={"accept": True},
            form="none",
            done=_("Thank you: your answer was recorded."),
        ),
    )
    def accept_estimate(self):
        pass

    @transition(
        field="state",
        source=S.ESTIMATE_SENT,
        target=S.CANCELLED,
        permission=is_applicant,
        custom=customer_step(
            _("Decline the estimate"),
            form="reason",
            style="danger",
            perform="payments.services.estimate_decide",
            bind={"accept": False},
            done=_("Thank you: your answer was recorded."),
        ),
    )
    def decline_estimate(self):
        pass

    record_payment = payment_step()

    @transition(
        field="state",
        source=S.PAID,
        target=S.CONSTRUCTION,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Start construction"),
            form="appointment",
            perform=SERVICES + "request_start_construction",
        ),
    )
    def start_construction(self):
        pass

    @transition(
        field="state",
        source=S.CONSTRUCTION,
        target=S.CLOSED,
        permission=staff_may(INSTALL_ROLES),
        custom=staff_step(
            _("Construction finished"),
            form="note",
            perform=FINISH,
            bind={"name": "finish_construction"},
            closes=(Kind.CONSTRUCTION,),
        ),
    )
    def finish_construction(self, *, at):
        self.closed_at = at

    cancel = cancel_step(BEFORE_PAYMENT)

    reject = reject_step(BEFORE_PAYMENT)
