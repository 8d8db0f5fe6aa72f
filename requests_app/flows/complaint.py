"""The voice of the customer: a complaint, suggestion or compliment (voc app
holds its kind, category and department). Staff of the office acknowledge it
(1 working day) and resolve it with their answer (complaints: 15 working
days); both targets are SLA policies like every other clock."""

from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from requests_app.flows.common import SERVICES, STEP, cancel_step, staff_step
from requests_app.models import ServiceRequest, State
from requests_app.permissions import ANY_STAFF, staff_may

S = State


class ComplaintRequest(ServiceRequest):
    flow = "complaint"  # ServiceType.flow
    # What the customer reads in a state, where it differs from the shared
    # texts (requests_app.display.STEP_TEXT, PROMISE_TEXT).
    step_texts = {
        "submitted": lambda: _("Received. The department responsible will reply."),
        "acknowledged": lambda: _("Acknowledged: the department is looking into it."),
        "closed": lambda: _("Done: see our answer below."),
    }
    promise_texts = {
        state: (lambda due: _("We will reply by %(due)s.") % {"due": due})
        for state in ("submitted", "acknowledged")
    }

    class Meta:
        proxy = True

    @transition(
        field="state",
        source=S.SUBMITTED,
        target=S.ACKNOWLEDGED,
        permission=staff_may(ANY_STAFF),
        custom=staff_step(_("Acknowledge"), perform=STEP, bind={"name": "acknowledge"}),
    )
    def acknowledge(self):
        pass

    @transition(
        field="state",
        source=[S.SUBMITTED, S.ACKNOWLEDGED],
        target=S.CLOSED,
        permission=staff_may(ANY_STAFF),
        custom=staff_step(
            _("Resolve and answer"),
            form="reason",
            perform=SERVICES + "complaint_resolve",
        ),
    )
    def resolve(self, *, at):
        self.closed_at = at

    cancel = cancel_step(S.SUBMITTED, label=_("Withdraw"))
