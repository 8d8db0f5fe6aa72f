"""The promise (due time) of the step PEA owes in each state of a request.

Times come from the service's published steps (requests_app.ServiceStep), so
changing the charter data changes the promise. A first, per-state reading of
SPEC §2/§3.1; issue 4 replaces it with versioned policies and clocks. Null
while the request waits on the customer, or when no time is published."""

from datetime import datetime

from sla import calendar


def _step_due(request, code: str, start: datetime) -> datetime | None:
    step = request.service.steps.filter(code=code).first()
    if step is None:
        return None
    return calendar.due_after(start, step.time_value, step.time_unit)


def _not_before_appointment(request, kind: str, due: datetime | None):
    """A date the customer chose later than the promise moves the promise."""
    booked = request.appointments.filter(kind=kind).order_by("-created_at").first()
    if booked is None:
        return due
    end_of_day = calendar.end_of_working_day(booked.scheduled_for, 0)
    return end_of_day if due is None or end_of_day > due else due


def due_for(request, *, now: datetime) -> datetime | None:
    return PROMISES.get(request.service.flow, _none)(request, now)


def _none(request, now):
    return None


def _meter_test(request, now: datetime) -> datetime | None:
    """Charter §3.6: book within 1 working day of payment; refund in 7 days."""
    state = request.state
    if state == "submitted":
        return _acceptance(request, now)
    if state == "paid":
        return _step_due(request, "book", request.paid_at or now)
    if state == "test_booked":
        return _not_before_appointment(request, "test", None)
    if state == "refund_pending":
        return _step_due(request, "refund", now)
    return None


def _reconnection(request, now: datetime) -> datetime | None:
    """Charter §3.7: the rule depends on the days disconnected at payment."""
    from meters.services import (
        RECONNECT_NEXT_DAY,
        RECONNECT_SAME_DAY,
        open_disconnection,
        reconnection_rule,
    )

    if request.state != "paid" or request.account is None:
        return None
    cut = open_disconnection(request.account)
    if cut is None:
        return None
    paid = request.paid_at or now
    days = (calendar.local_date(paid) - cut.disconnected_on).days
    rule = reconnection_rule(days)
    if rule == RECONNECT_SAME_DAY:
        return _step_due(request, "reconnect-7", paid)
    if rule == RECONNECT_NEXT_DAY:
        return _step_due(request, "reconnect-29", paid)
    return _step_due(request, "reconnect-89", paid)


def _deposit_refund(request, now: datetime) -> datetime | None:
    """Charter §3.9: paid out within 15 working days of acceptance."""
    if request.state == "submitted":
        return _acceptance(request, now)
    if request.state == "accepted":
        return _step_due(request, "pay-out", now)
    if request.state in ("meter_removed", "settled"):
        return request.due_at  # the same promise runs until the pay-out
    return None


def _extension(request, now: datetime) -> datetime | None:
    """Charter §3.2–§3.4: survey the next working day, cost in 5, build as agreed."""
    state = request.state
    if state == "submitted":
        return _acceptance(request, now)
    if state == "accepted":
        return _step_due(request, "survey", now)
    if state == "survey_booked":
        return _not_before_appointment(request, "survey", request.due_at)
    if state == "surveyed":
        return _step_due(request, "estimate", now)
    if state == "paid":
        return _step_due(request, "build", request.paid_at or now)
    if state == "construction":
        return request.due_at
    return None


def _correction(request, now: datetime) -> datetime | None:
    """Charter §3.11/§3.12: survey the next working day; on the premises the
    estimate and approval within 5; the work within 1 day of the outage."""
    state = request.state
    if state == "submitted":
        return _acceptance(request, now)
    if state == "accepted":
        return _step_due(request, "survey", now)
    if state == "survey_booked":
        return _not_before_appointment(request, "survey", request.due_at)
    if state == "surveyed":
        return _step_due(request, "approve", now)
    if state == "outage_announced":
        outage = (
            request.appointments.filter(kind="outage").order_by("-created_at").first()
        )
        return _step_due(request, "work", outage.scheduled_for) if outage else None
    return None


def _covers(request, now: datetime) -> datetime | None:
    """Charter §3.13: the cost within 1 working day of the request; the covers
    on within 1 working day of payment (or on the requested date)."""
    state = request.state
    if state == "submitted":
        return _acceptance(request, now)
    if state == "accepted":
        return _step_due(request, "cost", request.created_at or now)
    if state == "paid":
        return _step_due(request, "install", request.paid_at or now)
    if state == "installation_booked":
        return _not_before_appointment(request, "covers", request.due_at)
    return None


def _broken_meter(request, now: datetime) -> datetime | None:
    """Charter §3.8: natural wear — 3 working days from the report; caused by
    the user — 3 working days from payment."""
    state = request.state
    if state == "submitted":
        return _acceptance(request, now)
    if state == "accepted":
        return _step_due(request, "replace-natural", request.created_at or now)
    if state == "paid":
        return _step_due(request, "replace-after-payment", request.paid_at or now)
    if state == "installation_booked":
        return _not_before_appointment(request, "installation", request.due_at)
    return None


def _acceptance(request, now: datetime) -> datetime | None:
    step = request.service.steps.filter(code="accept").first()
    if step is None or not step.time_unit:
        return calendar.acceptance_deadline(now)
    if calendar.in_working_hours(now):  # Smart Plus SLA 1
        return calendar.due_after(now, step.time_value, step.time_unit)
    return calendar.acceptance_deadline(now)  # SLA 2: 09:30 next working day


def _new_connection(request, now: datetime) -> datetime | None:
    state = request.state
    if state == "submitted":
        return _acceptance(request, now)
    if state in ("accepted", "paid"):
        return calendar.add_working_hours(now, 1)  # SLA 3 / SLA 5: call back
    if state == "survey_booked":
        due = _step_due(request, "inspect", now)
        return _not_before_appointment(request, "survey", due)
    if state == "surveyed":
        return calendar.end_of_working_day(now, 1)
    if state == "installation_booked":
        paid, passed = request.paid_at, request.survey_passed_at
        if paid and passed and paid < passed:
            due = _step_due(request, "install-after-inspection", passed)
        else:
            due = _step_due(request, "install", paid or now)
        return _not_before_appointment(request, "installation", due)
    return None


PROMISES = {
    "new_connection": _new_connection,
    "meter_test": _meter_test,
    "reconnection": _reconnection,
    "deposit_refund": _deposit_refund,
    "extension": _extension,
    "correction": _correction,
    "covers": _covers,
    "meter_upgrade": _new_connection,  # same steps, its own times in the catalog
    "broken_meter": _broken_meter,
}
