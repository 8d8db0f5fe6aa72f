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


# The filing form of the services about an existing electricity account.
ACCOUNT_FORM = "meters.forms.AccountRequestForm"

# Services of the core that steps of many flows are performed by.
SERVICES = "requests_app.services."
STEP = SERVICES + "request_step"  # nothing to record but who, when, a note
FINISH = SERVICES + "request_finish"  # the same, and the time it was finished


def step(
    label,
    *,
    audience,
    perform: str,
    form: str = "note",
    style: str = "primary",
    bind: dict | None = None,
    done=None,
    closes: tuple = (),
    opens: tuple | None = None,
) -> dict:
    """How a step describes itself (the `custom` of its transition): its
    label, who takes it, its form (a key of requests_app.forms.ACTION_FORMS),
    the service that performs it (a dotted path, called by
    requests_app.machine.step_perform with the request, the user, the state
    they saw, `bind` and the form's arguments), for customers what the page
    says once it is done, and the work orders it follows
    (requests_app.work_orders): `closes` the kinds of open order whose field
    result it records, `opens` the (kind, due rule) of the order it opens."""
    declared = {
        "label": label,
        "audience": audience,
        "form": form,
        "style": style,
        "perform": perform,
        "bind": bind or {},
    }
    if done is not None:
        declared["done"] = done
    if closes:
        declared["closes"] = tuple(closes)
    if opens:
        declared["opens"] = tuple(opens)
    return declared


def staff_step(label, *, perform: str, form="note", style="primary", **more):
    return step(
        label, audience="staff", perform=perform, form=form, style=style, **more
    )


def customer_step(
    label, *, perform: str, form="note", style="primary", bind=None, done=None
):
    return step(
        label,
        audience="customer",
        perform=perform,
        form=form,
        style=style,
        bind=bind,
        done=done,
    )


def accept_step(**more):
    """The counter accepts a request whose documents are complete (`more`:
    the work order the machine's acceptance opens, if any)."""

    @transition(
        field="state",
        source=State.SUBMITTED,
        target=State.ACCEPTED,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Accept request"),
            form="accept",
            perform=SERVICES + "request_accept",
            **more,
        ),
    )
    def accept(self):
        pass

    return accept


class IntakeSteps:
    @transition(
        field="state",
        source=State.SUBMITTED,
        target=State.RETURNED,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Return for documents"),
            form="reason",
            style="secondary",
            perform=SERVICES + "request_return_for_documents",
        ),
    )
    def return_for_documents(self):
        pass

    @transition(
        field="state",
        source=State.RETURNED,
        target=State.SUBMITTED,
        permission=is_applicant,
        custom=customer_step(
            _("Resubmit"),
            perform=SERVICES + "request_resubmit",
            done=_("Sent back to PEA. We will check your documents again."),
        ),
    )
    def resubmit(self):
        pass

    accept = accept_step()


def payment_step(source=State.FEES_QUOTED, target=State.PAID, **more):
    """The counter takes the invoice's amount in cash (`more`: the work order
    the payment opens, if any). Paying the last thing owed closes the request."""

    @transition(
        field="state",
        source=source,
        target=target,
        permission=staff_may(COUNTER_ROLES),
        custom=staff_step(
            _("Take counter payment"),
            form="payment",
            perform="payments.services.payment_take_at_counter",
            **more,
        ),
    )
    def record_payment(self, *, at):
        self.paid_at = at
        if target == State.CLOSED:
            self.closed_at = at

    return record_payment


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
        custom = step(
            label,
            audience=("customer", "staff"),
            form="reason",
            style="danger",
            perform=SERVICES + "request_cancel",
            done=_("Your request was cancelled."),
        )

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
        custom=staff_step(
            _("Reject"),
            form="reason",
            style="danger",
            perform=SERVICES + "request_reject",
        ),
    )
    def reject(self, *, reason):
        self.rejection_reason = reason

    return reject
