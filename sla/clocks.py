"""Clocks: one per request and promised step, run by the request's states.

`follow` is called in the transaction of every state change (and of the
submission): it starts the clocks whose run states the request enters, pauses
them while it waits on the customer, resumes them with the paused working time
added, and stops them — met, missed, or void when the promise no longer applies.
The request's `due_at` is the earliest due time of its running clocks: the
promise the customer and staff see."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q

from core.calendar import BusinessCalendar, calendar_for, local_date
from requests_app.models import FINAL_STATES
from sla.models import Clock, Policy
from sla.tallies import clock_finished


# Named conditions a policy may require before its clock starts.
def _paid_after_inspection(request) -> bool:
    passed, paid = request.survey_passed_at, request.paid_at
    return bool(passed and paid and paid >= passed)


def _paid_before_inspection(request) -> bool:
    passed, paid = request.survey_passed_at, request.paid_at
    return bool(passed and paid and paid < passed)


def _reconnect_rule(rule_name):
    """The band of the days from the disconnection to the payment date (charter
    §3.7): the day the money was received, as its invoice records it (a bank
    line posted days later keeps the bank's time), else the request's."""

    def check(request) -> bool:
        from core.calendar import local_date
        from meters import services as m
        from payments.selectors import request_last_paid_at

        if request.account is None:
            return False
        cut = m.open_disconnection(request.account)
        if cut is None or request.paid_at is None:
            return False
        paid = request_last_paid_at(request)
        days = (local_date(paid or request.paid_at) - cut.disconnected_on).days
        return m.reconnection_rule(days) == getattr(m, rule_name)

    return check


def _has_invoice(request) -> bool:
    return request.invoices.exists()


CONDITIONS = {
    "": lambda request: True,
    "paid_after_inspection": _paid_after_inspection,
    "paid_before_inspection": _paid_before_inspection,
    "reconnect_same_day": _reconnect_rule("RECONNECT_SAME_DAY"),
    "reconnect_next_day": _reconnect_rule("RECONNECT_NEXT_DAY"),
    "reconnect_new_deposit": _reconnect_rule("RECONNECT_NEW_DEPOSIT"),
    "natural": lambda request: not _has_invoice(request),
    "user_caused": _has_invoice,
}


PAYMENT_SMS = "payment-sms"


def current_policies(service) -> list[Policy]:
    """The newest version of each of the service's policies."""
    latest: dict[str, Policy] = {}
    for p in Policy.objects.filter(service=service).order_by("step_code", "-version"):
        latest.setdefault(p.step_code, p)
    return list(latest.values())


def _anchor(policy: Policy, request, now: datetime) -> datetime:
    if policy.anchor == Policy.Anchor.FILED:
        return request.created_at or now
    if policy.anchor == Policy.Anchor.OUTAGE:
        outage = _latest_appointment(request, "outage")
        return outage.scheduled_for if outage else now
    return now


def _latest_appointment(request, kind):
    return (
        request.appointments.filter(kind=kind)
        .exclude(status="cancelled")
        .order_by("-created_at", "-id")
        .first()
    )


def customer_date_booked(request, booked) -> bool:
    """Whether a booking falls on the date the customer asked for when filing:
    only such a date may move a promise (a later date staff choose is a late
    promise)."""
    preferred = getattr(request, "preferred_date", None)
    return bool(preferred and local_date(booked.scheduled_for) == preferred)


def compute_due(clock: Clock, policy: Policy, cal: BusinessCalendar, request):
    """The policy's target from the clock's start, pushed on by the working
    time spent paused; then moved to the end of a booked day the customer
    asked for, if that is later. A booking staff chose past the promise does
    not move it: the clock is at risk from the moment of that booking."""
    due = cal.due_after(clock.started_at, policy.target_value, policy.target_unit)
    if clock.paused_seconds:
        due = cal.add_working_hours(due, clock.paused_seconds / 3600)
    late_booking = None
    if policy.appointment_kind:
        booked = _latest_appointment(request, policy.appointment_kind)
        if booked is not None and customer_date_booked(request, booked):
            due = max(due, cal.end_of_working_day(booked.scheduled_for, 0))
        elif booked is not None and booked.scheduled_for > due:
            late_booking = booked.created_at or clock.started_at
    span = due - clock.started_at
    at_risk = clock.started_at + timedelta(
        seconds=span.total_seconds() * float(policy.at_risk_ratio)
    )
    if late_booking is not None:
        at_risk = min(at_risk, max(late_booking, clock.started_at))
    return due, at_risk


def follow(*, request, name: str, now: datetime) -> None:
    """Bring the request's clocks in line with the state it just entered."""
    state = request.state
    policies = current_policies(request.service)
    if not policies:
        return
    clocks = {c.step_code: c for c in request.clocks.all()}
    cal = None
    for policy in policies:
        clock = clocks.get(policy.step_code)
        live = clock is not None and clock.status in (
            Clock.Status.RUNNING,
            Clock.Status.PAUSED,
        )
        if clock is not None and not live:
            continue  # a clock runs once per request and step
        cal = cal or calendar_for(request.office)
        if clock is None:
            if state in policy.run_states and CONDITIONS[policy.condition](request):
                clock = Clock(
                    request=request,
                    policy=policy,
                    step_code=policy.step_code,
                    office_id=request.office_id,
                    service_id=request.service_id,
                    status=Clock.Status.RUNNING,
                    started_at=_anchor(policy, request, now),
                    assignee_id=request.assigned_to_id,
                )
                if policy.anchor == Policy.Anchor.FILED and "accept" in clocks:
                    # Counted from filing, but not the time the request went
                    # back to the customer for documents before acceptance.
                    clock.paused_seconds = clocks["accept"].paused_seconds
                clock.due_at, clock.at_risk_at = compute_due(
                    clock, policy, cal, request
                )
                clock.save()
            continue
        if state in ("cancelled", "rejected") or state in policy.void_states:
            _stop(clock, now, Clock.Status.VOID)
        elif policy.step_code == PAYMENT_SMS and state not in FINAL_STATES:
            continue  # stopped by the message, not by the next step
        elif name in policy.stop_events:
            _stop(clock, now, None)
        elif state in policy.run_states:
            if clock.status == Clock.Status.PAUSED:
                clock.paused_seconds += cal.working_seconds_between(
                    clock.paused_at, now
                )
                clock.paused_at = None
                clock.status = Clock.Status.RUNNING
            clock.policy = policy
            clock.due_at, clock.at_risk_at = compute_due(clock, policy, cal, request)
            clock.save()
        elif state in policy.pause_states:
            if clock.status == Clock.Status.RUNNING:
                clock.status, clock.paused_at = Clock.Status.PAUSED, now
                clock.save(update_fields=["status", "paused_at"])
        else:
            _stop(clock, now, None)


def _stop(clock: Clock, now: datetime, status) -> None:
    if clock.status == Clock.Status.PAUSED and status is None:
        now = clock.paused_at  # it stood still until it stopped
    clock.status = status or (
        Clock.Status.MET if now <= clock.due_at else Clock.Status.MISSED
    )
    clock.stopped_at = now
    clock.save(update_fields=["status", "stopped_at"])
    clock_finished(clock)


def message_sent(*, request_id: int, written_at: datetime, sent_at: datetime) -> None:
    """Smart Plus SLA 4: the payment result reaches the customer. A status SMS
    written after the payment stops the clock when it is sent. Called by the
    outbox on delivery (settings.REQUEST_SMS_SENT_HOOKS)."""
    clock = Clock.objects.filter(
        request_id=request_id,
        step_code=PAYMENT_SMS,
        status=Clock.Status.RUNNING,
        started_at__lte=written_at,
    ).first()
    if clock is not None:
        _stop(clock, sent_at, None)


def request_due(request) -> datetime | None:
    """The promise shown for a request: its earliest running clock of staff
    work (the automatic payment SMS has its clock, not a promise to show)."""
    return (
        Clock.objects.filter(request=request, status=Clock.Status.RUNNING)
        .exclude(step_code=PAYMENT_SMS)  # automatic: not a promise of staff work
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )


def policy_publish(*, current: Policy, **changes) -> Policy:
    """A new version of a policy. Running and paused clocks move to it and keep
    their start and the time they spent paused; their due time is recomputed."""
    from django.db import transaction

    with transaction.atomic():
        fields = {
            f.name: getattr(current, f.name)
            for f in Policy._meta.concrete_fields
            if f.name not in ("id", "version", "created_at")
        }
        fields.update(changes)
        new = Policy.objects.create(version=current.version + 1, **fields)
        live = Clock.objects.filter(
            Q(status=Clock.Status.RUNNING) | Q(status=Clock.Status.PAUSED),
            service_id=current.service_id,
            step_code=current.step_code,
        ).select_related("request__office")
        for clock in live:
            cal = calendar_for(clock.request.office)
            clock.policy = new
            clock.due_at, clock.at_risk_at = compute_due(clock, new, cal, clock.request)
            clock.save(update_fields=["policy", "due_at", "at_risk_at"])
            _refresh_request_due(clock.request)
    return new


def _refresh_request_due(request) -> None:
    from requests_app.models import ServiceRequest

    ServiceRequest.objects.filter(pk=request.pk).update(due_at=request_due(request))


def catalog_step_changed(*, step) -> None:
    """The catalog is the one source of the published times: a step whose
    time was edited (requests_app.services.catalog_step_change, through
    settings.CATALOG_STEP_CHANGED_HOOKS) publishes a new version of its SLA
    policy, which running clocks then follow."""
    if not step.time_unit:
        return
    current = (
        Policy.objects.filter(service=step.service_id, step_code=step.code)
        .order_by("-version")
        .first()
    )
    if current is None or current.target_unit == Policy.Unit.ACCEPTANCE:
        return
    if (current.target_value, current.target_unit) != (
        step.time_value,
        step.time_unit,
    ):
        policy_publish(
            current=current,
            target_value=step.time_value,
            target_unit=step.time_unit,
        )
