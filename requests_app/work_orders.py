"""Field work orders follow their request's machine.

A booking step (book_survey, book_test …) opens an order with the time and the
field staff chosen by the counter. The step that records the field result closes
the open order of that kind with the result. A few steps open the next field job
themselves, because no one books it: the comparison meter's removal, the covers'
removal at the end of the rental, the meter removal of a terminated account, the
reconnection once paid, and the disconnection ordered after the second notice.
A request that ends (closed, cancelled, rejected) calls off what is still open.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.calendar import calendar_for, end_of_working_day, next_opening
from requests_app.models import FINAL_STATES, Appointment, RequestEvent
from requests_app.notes import SystemMessage, both_text, text_fields
from requests_app.permissions import COUNTER_ROLES, staff_may

Kind = Appointment.Kind


def _next_working_day(request, now: datetime) -> datetime:
    """Morning of the next working day: jobs nobody booked a time for."""
    return next_opening(end_of_working_day(now, 0) + timedelta(minutes=1))


def _promised(request, now: datetime) -> datetime:
    """By the time the charter promises the request (reconnection)."""
    return request.due_at or now


def _end_of_rental(request, now: datetime) -> datetime:
    rental = request.cover_rental
    return (rental.installed_at or now) + timedelta(days=rental.days)


# When an order a step opens is due (the `opens` of the step's declaration).
DUE_RULES: dict[str, Callable[..., datetime]] = {
    "next_working_day": _next_working_day,
    "promised": _promised,
    "end_of_rental": _end_of_rental,
}


def follow(*, request, name: str, user, event=None, declared=None) -> None:
    """Bring the request's work orders in line with the step just taken (called
    inside the step's transaction): close the open orders whose field result
    the step records (its `closes`; the step's `event` is their outcome,
    shown in the reader's language), cancel them all when the request is
    over, open the order the step declares (its `opens`)."""
    now = timezone.now()
    declared = declared or {}
    kinds = declared.get("closes")
    if kinds:
        Appointment.objects.filter(
            request=request, kind__in=kinds, status=Appointment.Status.OPEN
        ).update(
            status=Appointment.Status.DONE,
            done_at=now,
            done_by=user,
            done_event=event,
        )
    if request.state in FINAL_STATES:
        Appointment.objects.filter(
            request=request, status=Appointment.Status.OPEN
        ).update(status=Appointment.Status.CANCELLED, done_at=now, done_by=user)
    opens = declared.get("opens")
    if opens:
        kind, rule = opens
        Appointment.objects.create(
            request=request, kind=kind, scheduled_for=DUE_RULES[rule](request, now)
        )


def step_taken(step) -> None:
    """The step effect (settings.STEP_EFFECTS): `follow` for the step just taken."""
    follow(
        request=step.request,
        name=step.name,
        user=step.user,
        event=step.event,
        declared=step.declared,
    )


def call_task_open(*, request) -> Appointment:
    """A phone call the counter owes the customer, due now (or at the next
    opening): given to whoever holds the request, else to the clerk who took
    its last counter step, so it shows in their "My appointments"."""
    assignee = request.assigned_to
    if assignee is None or assignee.role not in COUNTER_ROLES:
        last = (
            RequestEvent.objects.filter(
                request=request,
                kind=RequestEvent.Kind.TRANSITION,
                actor__role__in=COUNTER_ROLES,
                actor__is_active=True,
            )
            .select_related("actor")
            .order_by("-created_at", "-id")
            .first()
        )
        assignee = last.actor if last else None
    now = timezone.now()
    return Appointment.objects.create(
        request=request,
        kind=Kind.CALL,
        scheduled_for=calendar_for(request.office).next_opening(now),
        assignee=assignee,
    )


FIELD_ROLES = {User.Role.SURVEYOR, User.Role.TECHNICIAN}


def work_order_assign(*, order: Appointment, user, assignee) -> Appointment:
    """Give an open order to field staff of the request's office; counter staff
    and supervisors covering that office may do it."""
    request = order.request
    if not staff_may(COUNTER_ROLES)(request, user):
        raise PermissionDenied(_("You may not do this on this request."))
    if order.status != Appointment.Status.OPEN:
        raise ValidationError(_("This work order is no longer open."))
    # A call task is the counter's, field work the field staff's.
    roles = COUNTER_ROLES if order.kind == Kind.CALL else FIELD_ROLES
    if assignee is not None and not (
        assignee.is_active
        and assignee.role in roles
        and assignee.office_id == request.office_id
    ):
        raise ValidationError(_("Choose field staff of this request's office."))
    with transaction.atomic():
        Appointment.objects.filter(pk=order.pk).update(assignee=assignee)
        order.assignee = assignee
        RequestEvent.objects.create(
            request=request,
            kind=RequestEvent.Kind.ASSIGNMENT,
            action="assign_work_order",
            actor=user,
            **text_fields(
                "note",
                SystemMessage(
                    "work_order_assigned",
                    kind=both_text(Kind(order.kind).label),
                    who=str(assignee or ""),
                ),
            ),
        )
    return order
