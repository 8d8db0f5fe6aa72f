"""What the flows share: how a step describes itself to the screens, and the
intake every filed request starts with (return for documents, resubmit,
accept). Transitions on a plain mixin are collected for each proxy flow."""

from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from requests_app.models import State
from requests_app.permissions import COUNTER_ROLES, is_applicant, staff_may


def not_paid(request) -> bool:
    """The request's fee is not paid yet (a transition condition)."""
    return request.paid_at is None


def staff_step(label, form="note", style="primary") -> dict:
    return {"label": label, "audience": "staff", "form": form, "style": style}


def customer_step(label, form="note", style="primary") -> dict:
    return {"label": label, "audience": "customer", "form": form, "style": style}


class IntakeSteps:
    @transition(
        field="state",
        source=State.SUBMITTED,
        target=State.RETURNED,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(_("Return for documents"), form="reason", style="secondary"),
    )
    def return_for_documents(self):
        pass

    @transition(
        field="state",
        source=State.RETURNED,
        target=State.SUBMITTED,
        permission=is_applicant,
        custom=customer_step(_("Resubmit")),
    )
    def resubmit(self):
        pass

    @transition(
        field="state",
        source=State.SUBMITTED,
        target=State.ACCEPTED,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(_("Accept request"), form="accept"),
    )
    def accept(self):
        pass
