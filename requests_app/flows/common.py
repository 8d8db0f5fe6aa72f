"""What the flows share: how a step describes itself to the screens, the
intake every filed request starts with (return for documents, resubmit,
accept), and the cancel and reject steps. Transitions on a plain mixin are
collected for each proxy flow; cancel and reject leave from different states
in each machine, so each machine builds its own with `cancel_step` and
`reject_step` (django-fsm keeps a transition's sources on the method object,
which a shared mixin method would merge across machines)."""

from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from requests_app.models import State
from requests_app.permissions import (
    COUNTER_ROLES,
    applicant_or_counter,
    is_applicant,
    staff_may,
)


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


CANCEL_LABEL = _("Cancel request")


def cancel_step(
    source,
    *,
    conditions=(),
    permission=applicant_or_counter,
    custom: dict | None = None,
    label=CANCEL_LABEL,
):
    """The machine's cancel step from `source` to CANCELLED: by default the
    customer or the counter (staff cancel for walk-in customers who have no
    login), with a reason. `custom` replaces the whole step description."""
    if custom is None:
        custom = {
            "label": label,
            "audience": ("customer", "staff"),
            "form": "reason",
            "style": "danger",
        }

    @transition(
        field="state",
        source=source,
        target=State.CANCELLED,
        conditions=list(conditions),
        permission=permission,
        custom=custom,
    )
    def cancel(self):
        pass

    return cancel


def reject_step(source, *, conditions=()):
    """The machine's reject step from `source` to REJECTED: the counter, with
    the reason kept on the request."""

    @transition(
        field="state",
        source=source,
        target=State.REJECTED,
        conditions=list(conditions),
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(_("Reject"), form="reason", style="danger"),
    )
    def reject(self, *, reason):
        self.rejection_reason = reason

    return reject
