"""The promise (due time) of the step PEA owes in each state of a request.

A first, per-state reading of SPEC §2/§3.1; issue 4 replaces it with versioned
policies and clocks. Null while the request waits on the customer."""

from datetime import datetime

from sla import calendar


def due_for(request, *, now: datetime) -> datetime | None:
    state = request.state
    if state == "submitted":
        return calendar.acceptance_deadline(now)  # SLA 1/2
    if state in ("accepted", "paid"):
        return calendar.add_working_hours(now, 1)  # SLA 3 / SLA 5: call back
    if state == "survey_booked":
        booked = _next_appointment(request, "survey")
        due = calendar.end_of_working_day(now, 2)  # charter §3.1 step 2
        if booked and calendar.end_of_working_day(booked, 0) > due:
            due = calendar.end_of_working_day(booked, 0)  # customer's chosen date
        return due
    if state == "surveyed":
        return calendar.end_of_working_day(now, 1)
    if state == "installation_booked":
        paid, passed = request.paid_at, request.survey_passed_at
        if paid and passed and paid < passed:
            due = calendar.end_of_working_day(passed, 2)  # paid before inspection
        else:
            due = calendar.end_of_working_day(paid or now, 5)  # §3.1 step 5
        booked = _next_appointment(request, "installation")
        if booked and calendar.end_of_working_day(booked, 0) > due:
            due = calendar.end_of_working_day(booked, 0)
        return due
    return None


def _next_appointment(request, kind: str):
    latest = request.appointments.filter(kind=kind).order_by("-created_at").first()
    return latest.scheduled_for if latest else None
