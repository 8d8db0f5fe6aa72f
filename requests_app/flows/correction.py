"""Correction of the distribution system, in a public area (charter §3.11) or on
the customer's premises (§3.12). Free. A joint survey, approval (materials,
estimate), a planned outage announced 7 days ahead (3 for high voltage), and
the work done within 1 day. On the premises the budget is a step of its own:
requested once the estimate is approved, and the outage announced only once it
is granted. Which services have that step is the catalog's: a published step
`budget` (ServiceStep), the row the charter page shows."""

from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from requests_app.flows.common import (
    FINISH,
    SERVICES,
    IntakeSteps,
    cancel_step,
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
BEFORE_WORK = [
    S.SUBMITTED,
    S.RETURNED,
    S.ACCEPTED,
    S.SURVEY_BOOKED,
    S.SURVEYED,
    S.APPROVED,
    S.BUDGET_REQUESTED,
    S.BUDGET_APPROVED,
]
BUDGET_STEP = "budget"


def needs_budget(request) -> bool:
    """The service publishes a budget step (charter §3.12)."""
    return request.service.steps.filter(code=BUDGET_STEP).exists()


def ready_to_announce(request) -> bool:
    return request.state == S.BUDGET_APPROVED or not needs_budget(request)


class CorrectionRequest(IntakeSteps, ServiceRequest):
    flow = "correction"  # ServiceType.flow
    # What the customer reads in a state, where it differs from the shared
    # texts (requests_app.display.STEP_TEXT, PROMISE_TEXT).
    step_texts = {
        "survey_booked": lambda: _("Waiting for the joint site survey."),
        "accepted": lambda: _("Accepted. We will call you to book the site survey."),
        "surveyed": lambda: _("Survey done. We are getting the work approved."),
        "approved": lambda: _("Approved. We will announce the planned outage."),
        "budget_requested": lambda: _(
            "The budget for the work is requested. Once it is granted we will "
            "announce the planned outage."
        ),
        "budget_approved": lambda: _(
            "The budget is granted. We will announce the planned outage."
        ),
        "outage_announced": lambda: _(
            "The planned outage is announced; the work follows."
        ),
        "closed": lambda: _("Done: the correction is finished."),
    }
    promise_texts = {
        "accepted": lambda due: _("We will survey the site by %(due)s.") % {"due": due},
        "survey_booked": lambda due: (
            _("We will survey the site by %(due)s.") % {"due": due}
        ),
        "surveyed": lambda due: (
            _("We will have it approved by %(due)s.") % {"due": due}
        ),
        "outage_announced": lambda due: (
            _("We will finish the work by %(due)s.") % {"due": due}
        ),
    }
    # What differs for one service of this flow.
    service_step_texts = {
        "correction-premises": {
            "approved": lambda: _(
                "Approved. We are requesting the budget for the work."
            ),
        },
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
        target=S.APPROVED,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Approved (materials, estimate)"), perform=SERVICES + "request_approve"
        ),
    )
    def approve(self):
        pass

    @transition(
        field="state",
        source=S.APPROVED,
        target=S.BUDGET_REQUESTED,
        conditions=[needs_budget],
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Request the budget"),
            form="budget",
            perform=SERVICES + "request_budget_request",
        ),
    )
    def request_budget(self):
        pass

    @transition(
        field="state",
        source=S.BUDGET_REQUESTED,
        target=S.BUDGET_APPROVED,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Record the budget approval"),
            form="budget_approval",
            perform=SERVICES + "request_budget_approve",
        ),
    )
    def approve_budget(self):
        pass

    @transition(
        field="state",
        source=[S.APPROVED, S.BUDGET_APPROVED],
        target=S.OUTAGE_ANNOUNCED,
        conditions=[ready_to_announce],
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Announce the planned outage"),
            form="outage",
            perform=SERVICES + "request_announce_outage",
        ),
    )
    def announce_outage(self):
        pass

    @transition(
        field="state",
        source=S.OUTAGE_ANNOUNCED,
        target=S.CLOSED,
        permission=staff_may(INSTALL_ROLES),
        custom=staff_step(
            _("Work done"),
            form="note",
            perform=FINISH,
            bind={"name": "finish_work"},
            closes=(Kind.OUTAGE,),
        ),
    )
    def finish_work(self, *, at):
        self.closed_at = at

    cancel = cancel_step(BEFORE_WORK)

    reject = reject_step(BEFORE_WORK)
