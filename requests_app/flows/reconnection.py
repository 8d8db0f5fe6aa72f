"""Reconnection after disconnection, small customers (charter §3.7), the Smart
Plus way: the customer files for a disconnected account, the system issues the
invoice (outstanding bills, the reconnection fee, a new deposit when the old one
was offset and 30–89 days have passed), payment sends the reconnection order,
and the technician reports the supply back on. 90 days or more: refused at
filing, with a pointer to a new connection."""

from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from requests_app.models import ServiceRequest, State
from requests_app.permissions import (
    COUNTER_ROLES,
    INSTALL_ROLES,
    applicant_or_counter,
    staff_may,
)

S = State


def not_paid(request) -> bool:
    return request.paid_at is None


def system_only(request, user) -> bool:
    """Steps the portal takes by itself (no person acts)."""
    return user is None


class ReconnectionRequest(ServiceRequest):
    class Meta:
        proxy = True

    @transition(
        field="state", source=S.SUBMITTED, target=S.FEES_QUOTED,
        permission=system_only, custom={"audience": "system"},
    )  # fmt: skip
    def issue_invoice(self):
        pass

    @transition(
        field="state", source=S.FEES_QUOTED, target=S.PAID,
        permission=staff_may(COUNTER_ROLES),
        custom={"label": _("Take counter payment"), "audience": "staff",
                "form": "payment", "style": "primary"},
    )  # fmt: skip
    def record_payment(self, *, at):
        self.paid_at = at

    @transition(
        field="state", source=S.PAID, target=S.CLOSED,
        permission=staff_may(INSTALL_ROLES),
        custom={"label": _("Supply reconnected"), "audience": "staff",
                "form": "note", "style": "primary"},
    )  # fmt: skip
    def record_reconnection(self, *, at):
        self.closed_at = at

    @transition(
        field="state", source=[S.SUBMITTED, S.FEES_QUOTED], target=S.CANCELLED,
        conditions=[not_paid], permission=applicant_or_counter,
        custom={"label": _("Cancel request"), "audience": ("customer", "staff"),
                "form": "reason", "style": "danger"},
    )  # fmt: skip
    def cancel(self):
        pass
